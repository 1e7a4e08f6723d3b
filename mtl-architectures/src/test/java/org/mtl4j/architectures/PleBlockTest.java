package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;

/**
 * PLE: levels from the encoder's stages, the refusal of unstaged encoders, a two-level forward value mixed by hand,
 * the shared parameters as exactly those every task's loss reaches, and the per-level gate usage.
 */
class PleBlockTest {

    private static final ImmutableList<Task> TASKS = ExpertFixtures.VECTOR_TASKS;

    @Test
    void levelsAreTheEncoderStages() {
        try (NDManager m = NDManager.newBaseManager()) {
            PleBlock images = (PleBlock) Fixtures.create(ExpertArchitectures.ple(1, 1, 8), Encoders.resNet(4), m);
            Fixtures.assertOutputShapes(images, m);
            assertEquals(2, images.levelCount());
            // last level: 1 shared + 3 task experts at (2, 8, 2, 2), then the 3 gate inputs at (2, 4, 4, 4)
            NDList z = images.encode(new ParameterStore(m, false),
                    new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), false, null);
            List<Shape> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                expected.add(new Shape(2, 8, 2, 2));
            }
            for (int i = 0; i < 3; i++) {
                expected.add(new Shape(2, 4, 4, 4));
            }
            assertEquals(expected, List.of(z.getShapes()));
            PleBlock three = (PleBlock) Fixtures.create(ExpertArchitectures.ple(1, 1, 8), new Shape(6), TASKS,
                    Encoders.mlp(5, 4, 3), m);
            assertEquals(3, three.levelCount());
            PleBlock one = (PleBlock) Fixtures.create(ExpertArchitectures.ple(2, 1, 8), new Shape(6), TASKS,
                    Encoders.mlp(5), m);
            assertEquals(1, one.levelCount());
            NDList z1 = one.encode(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 6))), false, null);
            assertEquals(4, z1.size(), "one level: only the expert outputs, the gates read the input");
        }
    }

    @Test
    void refusesAnEncoderWithoutStagesNamingIt() {
        EncoderFactory plain = new EncoderFactory() {
            @Override
            public Block create() {
                return Encoders.mlp(4).create();
            }

            @Override
            public int outputChannels() {
                return 4;
            }

            @Override
            public int downsampling() {
                return 1;
            }

            @Override
            public String describe() {
                return "my-encoder";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExpertArchitectures.ple(1, 1, 8).create(new Shape(6), TASKS, plain));
        assertTrue(e.getMessage().contains("my-encoder") && e.getMessage().contains("StagedEncoderFactory"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /**
     * Two levels on vectors with every gate fixed to known logits: the block's features equal the experts run by
     * hand on hand-mixed inputs, level by level.
     */
    @Test
    void twoLevelForwardValueIsTheHandMixedExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            PleBlock block = (PleBlock) Fixtures.create(ExpertArchitectures.ple(1, 1, 8), new Shape(6), TASKS,
                    Encoders.mlp(5, 4), m);
            float[][] taskLogits0 = {{0.3f, -0.7f}, {1.5f, 0f}};
            float[] sharedLogits0 = {0.2f, 1f, -1f};
            float[][] taskLogits1 = {{-0.4f, 0.9f}, {2f, 0.5f}};
            for (int k = 0; k < 2; k++) {
                ExpertFixtures.fixGate(block.gateBlock(0, k), taskLogits0[k]);
                ExpertFixtures.fixGate(block.gateBlock(1, k), taskLogits1[k]);
            }
            ExpertFixtures.fixGate(block.gateBlock(0, -1), sharedLogits0);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(new Shape(2, 6));
            NDList z = block.encode(ps, new NDList(x), false, null);

            float[] s0 = run(block.sharedExpert(0, 0), ps, x);
            float[] a0 = run(block.taskExpert(0, 0, 0), ps, x);
            float[] b0 = run(block.taskExpert(0, 1, 0), ps, x);
            double[] qa = ExpertFixtures.mix(ExpertFixtures.softmax(taskLogits0[0]), s0, a0);
            double[] qb = ExpertFixtures.mix(ExpertFixtures.softmax(taskLogits0[1]), s0, b0);
            double[] qs = ExpertFixtures.mix(ExpertFixtures.softmax(sharedLogits0), s0, a0, b0);
            Shape level1 = new Shape(2, 5);
            float[] s1 = run(block.sharedExpert(1, 0), ps, array(m, qs, level1));
            float[] a1 = run(block.taskExpert(1, 0, 0), ps, array(m, qa, level1));
            float[] b1 = run(block.taskExpert(1, 1, 0), ps, array(m, qb, level1));
            double[][] expected = {ExpertFixtures.mix(ExpertFixtures.softmax(taskLogits1[0]), s1, a1),
                ExpertFixtures.mix(ExpertFixtures.softmax(taskLogits1[1]), s1, b1)};
            for (int k = 0; k < 2; k++) {
                float[] actual = block.taskFeatures(ps, z, new NDList(x), k).toFloatArray();
                assertEquals(8, actual.length);
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(expected[k][i], actual[i], 1e-5, "task " + k + ", value " + i);
                }
            }
        }
    }

    private static float[] run(Block b, ParameterStore ps, NDArray x) {
        return b.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray();
    }

    private static NDArray array(NDManager m, double[] v, Shape shape) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return EngineArrays.create(m, f, shape);
    }

    /**
     * The shared parameters are exactly the parameters that every task's loss reaches (three levels, so that every
     * rule of {@link PleBlock#sharedParameters()} applies); the others are reached by one task's loss at most.
     */
    @Test
    void sharedParametersAreThoseEveryTasksLossReaches() {
        try (NDManager m = NDManager.newBaseManager()) {
            PleBlock block = (PleBlock) Fixtures.create(ExpertArchitectures.ple(1, 1, 4), new Shape(6), TASKS,
                    Encoders.mlp(5, 4, 3), m);
            NDArray x = m.randomNormal(new Shape(16, 6)); // enough samples that no ReLU unit is dead on all
            List<Map<Parameter, Double>> perTask = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int task = k;
                perTask.add(Fixtures.gradientNorms(block, m, preds -> preds.get(task).sum(), x));
            }
            Set<Parameter> shared = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
            shared.addAll(block.sharedParameters());
            int sharedCount = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getValue().requiresGradient()) {
                    continue;
                }
                int reached = 0;
                for (Map<Parameter, Double> g : perTask) {
                    reached += g.get(p.getValue()) > 0 ? 1 : 0;
                }
                if (shared.contains(p.getValue())) {
                    sharedCount++;
                    assertEquals(2, reached, p.getKey() + " is shared but not reached by every task");
                } else {
                    assertTrue(reached <= 1, p.getKey() + " is reached by every task but not shared");
                }
            }
            assertEquals(shared.size(), sharedCount);
            // levels 0 and 1: 1 shared + 2 task experts and the shared gate; level 0: the task gates; level 2: the
            // shared expert (weights and biases)
            assertEquals(2 * (3 * 2 + 2) + 2 * 2 + 2, sharedCount);
        }
    }

    @Test
    void gateUsageIsReportedPerLevel() {
        try (NDManager m = NDManager.newBaseManager()) {
            PleBlock block = (PleBlock) Fixtures.create(ExpertArchitectures.ple(2, 1, 8), new Shape(6), TASKS,
                    Encoders.mlp(5, 4), m);
            block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(3, 6))), true);
            var usage = block.drainGateUsage();
            assertEquals(List.of("c@0", "r@0", "(shared)@0", "c", "r"), usage.keySet().asList());
            assertEquals(List.of("(shared)/0", "(shared)/1", "c/0", "r/0"), block.expertNames());
            for (var e : usage.entrySet()) {
                assertEquals(1.0, e.getValue().stream().sum(), 1e-5, e.getKey());
            }
            assertEquals(0.0, usage.get("c").get(3));
            assertEquals(0.0, usage.get("r@0").get(2));
            assertTrue(usage.get("(shared)@0").stream().allMatch(w -> w > 0), usage.toString());
        }
    }

    @Test
    void vectorAndImageCountsMatchTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            PleBlock block = (PleBlock) Fixtures.create(ExpertArchitectures.ple(1, 2, 8), new Shape(6), TASKS,
                    Encoders.mlp(5, 4), m);
            int experts = 1 + 2 * 2;
            long level0 = experts * (6 * 5 + 5) + 2 * (6 * 3 + 3) + (6 * experts + experts);
            long level1 = experts * (5 * 4 + 4) + 2 * (5 * 3 + 3);
            assertEquals(level0 + level1 + Fixtures.headsCount(TASKS, 4, 8), Fixtures.trainableCount(block));
        }
    }
}
