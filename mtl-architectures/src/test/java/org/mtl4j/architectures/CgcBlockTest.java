package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;

/** CGC: shapes, the hand-mixed forward value, parameter counts, which losses reach which experts, gate usage. */
class CgcBlockTest {

    private static final Architecture ARCH = ExpertArchitectures.cgc(2, 1, 8);

    private static CgcBlock block(NDManager m) {
        return (CgcBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void outputShapesAndExpertRepresentation() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertEquals(2, block.sharedExpertCount());
            assertEquals(1, block.expertsPerTask());
            assertEquals(List.of("(shared)/0", "(shared)/1", "seg/0", "reg/0", "nrm/0"), block.expertNames());
            NDList z = block.encode(new ParameterStore(m, false),
                    new NDList(m.zeros(Stages.batched(Fixtures.INPUT, 2))), false, null);
            assertEquals(5, z.size());
            for (Shape s : z.getShapes()) {
                assertEquals(new Shape(2, 8, 2, 2), s);
            }
        }
    }

    /** Gates fixed to known logits: task k's features are the hand-weighted sum of the shared experts and its own. */
    @Test
    void forwardValueIsTheHandMixedExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = block(m);
            float[][] logits = {{0.5f, -1f, 2f}, {0f, 0f, 0f}, {3f, 1f, -2f}};
            for (int k = 0; k < 3; k++) {
                ExpertFixtures.fixGate(block.getChildren().get(gateName(block, k)), logits[k]);
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDList x = new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2)));
            NDList z = block.encode(ps, x, false, null);
            for (int k = 0; k < 3; k++) {
                double[] w = ExpertFixtures.softmax(logits[k]);
                float[] g = block.gate(ps, x, k, false).toFloatArray();
                for (int n = 0; n < 2; n++) {
                    for (int e = 0; e < 3; e++) {
                        assertEquals(w[e], g[n * 3 + e], 1e-6);
                    }
                }
                double[] expected = ExpertFixtures.mix(w, z.get(0).toFloatArray(), z.get(1).toFloatArray(),
                        z.get(2 + k).toFloatArray());
                float[] actual = block.taskFeatures(ps, z, x, k).toFloatArray();
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5, "task " + k + ", value " + i);
                }
            }
        }
    }

    private static String gateName(CgcBlock block, int k) {
        String suffix = "gate_" + Fixtures.TASKS.get(k).name();
        return block.getChildren().keys().stream().filter(n -> n.endsWith(suffix)).findFirst().orElseThrow();
    }

    @Test
    void parameterCountMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = block(m);
            long gateInputs = Fixtures.INPUT.size();
            long expert = Fixtures.resNetCount(3, 4);
            long gates = 3 * (3 * gateInputs + 3);
            long expected = (2 + 3) * expert + gates + Fixtures.headsCount(Fixtures.TASKS, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
            assertEquals(2 * expert, block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(3 * expert, block.taskExpertParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(gates, block.gateParameters().stream().mapToLong(p -> p.getArray().size()).sum());
        }
    }

    /** One task's loss reaches the shared experts and its own expert, never another task's expert. */
    @Test
    void aTasksLossReachesOnlyTheSharedExpertsAndItsOwn() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> all = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(all, Map.of("shared experts", block.sharedParameters(),
                    "task experts", block.taskExpertParameters(), "gates", block.gateParameters()));
            Map<Parameter, Double> first = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.TASKS.get(0).loss().compute(preds.get(0), b.labels().get(0),
                            b.present().get(":, 0")), b.x());
            List<Parameter> own = block.taskExpertParameters();
            int perTask = own.size() / 3;
            for (int i = 0; i < own.size(); i++) {
                double g = first.get(own.get(i));
                assertEquals(i < perTask, g > 0, own.get(i).getName() + ": " + g);
            }
            for (Parameter p : block.sharedParameters()) {
                assertTrue(first.get(p) > 0, p.getName());
            }
        }
    }

    @Test
    void noTaskExpertsIsMmoeWithSharedExpertsOnly() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = (CgcBlock) Fixtures.create(ExpertArchitectures.cgc(3, 0, 8), Encoders.resNet(4), m);
            Fixtures.assertOutputShapes(block, m);
            assertEquals(List.of("(shared)/0", "(shared)/1", "(shared)/2"), block.expertNames());
        }
    }

    @Test
    void vectorInputsWithMlpExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ExpertFixtures.VECTOR_TASKS;
            CgcBlock block = (CgcBlock) Fixtures.create(ExpertArchitectures.cgc(1, 2, 8), new Shape(10), tasks,
                    Encoders.mlp(16, 8), m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(List.of(new Shape(2, 3), new Shape(2, 2)), List.of(out.getShapes()));
            long expected = (1 + 2 * 2) * Fixtures.mlpCount(10, 16, 8) + 2 * (3 * 10 + 3)
                    + Fixtures.headsCount(tasks, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
        }
    }

    @Test
    void gateUsageGivesOtherTasksExpertsNoWeight() {
        try (NDManager m = NDManager.newBaseManager()) {
            CgcBlock block = block(m);
            NDArray x = m.randomNormal(Stages.batched(Fixtures.INPUT, 2));
            block.forward(new ParameterStore(m, false), new NDList(x), true);
            var usage = block.drainGateUsage();
            assertEquals(List.of("seg", "reg", "nrm"), usage.keySet().asList());
            for (int k = 0; k < 3; k++) {
                double[] u = usage.get(Fixtures.TASKS.get(k).name()).toArray();
                float[] g = block.gate(new ParameterStore(m, false), new NDList(x), k, false).toFloatArray();
                for (int e = 0; e < 5; e++) {
                    double expected = e < 2 ? (g[e] + g[3 + e]) / 2 : e == 2 + k ? (g[2] + g[5]) / 2 : 0;
                    assertEquals(expected, u[e], 1e-6, "task " + k + ", expert " + e);
                }
            }
        }
    }
}
