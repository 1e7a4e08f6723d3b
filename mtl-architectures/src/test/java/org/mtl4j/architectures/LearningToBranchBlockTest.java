package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/**
 * Learning to Branch: shapes, routing by the argmax tree, Gumbel sampling, the straight-through search pass, the
 * schedule and the end of the search in a real training, checkpoints, training.
 */
class LearningToBranchBlockTest {

    private static final double TAU = 5;
    private static final Architecture ARCH = Architectures.learningToBranch(0, TAU, 8);

    private static LearningToBranchBlock block(NDManager m) {
        return (LearningToBranchBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    /** Sets θ from {@code parents[d][k]}: logit 2 on the given parent, 0 elsewhere. */
    private static void setTree(LearningToBranchBlock block, int[][] parents, float gap) {
        int k = parents[0].length;
        float[] theta = new float[parents.length * k * k];
        for (int d = 0; d < parents.length; d++) {
            for (int c = 0; c < k; c++) {
                theta[(d * k + c) * k + parents[d][c]] = gap;
            }
        }
        block.branchLogits().getArray().set(theta);
    }

    @Test
    void outputShapesAndTheUntrainedTreeIsIndependentColumns() {
        try (NDManager m = NDManager.newBaseManager()) {
            LearningToBranchBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertFalse(block.hasSharedRepresentation());
            assertFalse(block.supports(GradientMode.REPRESENTATION));
            assertEquals(2, block.stageCount());
            assertEquals(new Shape(2, 3, 3), block.branchLogits().getArray().getShape());
            assertArrayEquals(new int[][] {{0, 1, 2}, {0, 1, 2}}, block.parents()); // all logits equal: own index
            assertFalse(block.isFixed());
            assertEquals(0, block.trainingForwards()); // inference passes do not count
            assertEquals(TAU, block.temperature(), 0);
            assertEquals("LTB[searching, forward 0, epoch 0, tau=5.000, stage 1 parents [0, 1, 2], "
                    + "head parents [0, 1, 2]]", block.toString());
            assertEquals("ltb:search=0,tau=5.0,head=8", ARCH.spec());
        }
    }

    @ParameterizedTest(name = "width {0}, {1}x{1} input, batch {2}")
    @CsvSource({"3, 8, 1", "3, 8, 2", "3, 9, 1", "3, 9, 2", "4, 7, 2", "1, 5, 1"})
    void shapesArePinnedForOddWidthsSizesAndBatches(int width, int size, int batch) {
        BranchingFixtures.assertShapes(ARCH, Encoders.resNet(width), new Shape(3, size, size), batch,
                BranchingFixtures.denseShapes(batch, size, 1));
    }

    /**
     * With θ favouring one parent per child, inference routes every head through the argmax parents: head 0 reads
     * node 2 of stage 1, which reads node 0 of stage 0; heads 1 and 2 share node 0 of stage 1, which reads node 1.
     */
    @Test
    void fixedLogitsRouteThroughTheArgmaxParents() {
        try (NDManager m = NDManager.newBaseManager()) {
            LearningToBranchBlock block = block(m);
            int[][] tree = {{1, 1, 0}, {2, 0, 0}};
            setTree(block, tree, 2);
            assertArrayEquals(tree, block.parents());
            assertTrue(block.toString().endsWith("stage 1 parents [1, 1, 0], head parents [2, 0, 0]]"),
                    block.toString());
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = BranchingFixtures.gaussian(m, Stages.batched(Fixtures.INPUT, 2), 3);
            NDList z = block.encode(ps, new NDList(x), false, null);
            NDList n00 = block.node(0, 0).forward(ps, new NDList(x), false);
            NDList n01 = block.node(0, 1).forward(ps, new NDList(x), false);
            float[] head0 = block.node(1, 2).forward(ps, n00, false).singletonOrThrow().toFloatArray();
            float[] head12 = block.node(1, 0).forward(ps, n01, false).singletonOrThrow().toFloatArray();
            assertArrayEquals(head0, z.get(0).toFloatArray(), 0f);
            assertArrayEquals(head12, z.get(1).toFloatArray(), 0f);
            assertArrayEquals(head12, z.get(2).toFloatArray(), 0f);
            assertFalse(java.util.Arrays.equals(head0, head12));
            // a tie goes to the child's own index, a strict maximum wins
            block.branchLogits().getArray().set(new float[] {1, 1, 0, 0, 3, 3, 5, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            assertArrayEquals(new int[][] {{0, 1, 2}, {0, 1, 2}}, block.parents());
            block.branchLogits().getArray().set(new float[] {1, 1, 0, 0, 3, 3, 5, 0, 5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            assertArrayEquals(new int[][] {{0, 1, 2}, {2, 1, 2}}, block.parents());
        }
    }

    /**
     * The hard Gumbel-max draw picks parent {@code i} with probability {@code softmax(θ)_i}: with
     * {@code θ = log(0.6, 0.3, 0.1)} for every child, 4,000 draws land within 3% of it; and the draws are a function of
     * the block's seed and the forward's index alone.
     */
    @Test
    void gumbelDrawsFollowTheSoftmaxOfTheLogitsAndTheSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            LearningToBranchBlock block = block(m);
            LearningToBranchBlock same = block(m);
            float[] theta = new float[18];
            for (int i = 0; i < 6; i++) {
                theta[3 * i] = (float) Math.log(0.6);
                theta[3 * i + 1] = (float) Math.log(0.3);
                theta[3 * i + 2] = (float) Math.log(0.1);
            }
            block.branchLogits().getArray().set(theta);
            same.branchLogits().getArray().set(theta);
            int[] counts = new int[3];
            int draws = 0;
            for (long t = 0; t < 4000 / 6; t++) {
                int[][] p = block.sampledParents(t);
                assertArrayEquals(p, same.sampledParents(t), "forward " + t);
                for (int[] row : p) {
                    for (int i : row) {
                        counts[i]++;
                        draws++;
                    }
                }
            }
            assertEquals(0.6, counts[0] / (double) draws, 0.03);
            assertEquals(0.3, counts[1] / (double) draws, 0.03);
            assertEquals(0.1, counts[2] / (double) draws, 0.03);
            Engine.getInstance().setRandomSeed(6); // another seed, other draws
            LearningToBranchBlock other = (LearningToBranchBlock) ARCH.create(Fixtures.INPUT, Fixtures.TASKS,
                    Encoders.resNet(4));
            other.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, Stages.batched(Fixtures.INPUT, 2));
            other.branchLogits().getArray().set(theta);
            int differ = 0;
            for (long t = 0; t < 20; t++) {
                differ += java.util.Arrays.deepEquals(block.sampledParents(t), other.sampledParents(t)) ? 0 : 1;
            }
            assertTrue(differ > 10, "seeds 5 and 6 drew the same trees " + (20 - differ) + " times in 20");
        }
    }

    /**
     * A searching training pass routes through the drawn parents (θ + g has its maximum where θ is 30 higher, with
     * probability 1 − 10⁻¹²), so its head inputs are the drawn path up to the straight-through rounding; the logits
     * get a gradient, and so do the nodes on the drawn tree, while the others get none.
     */
    @Test
    void aSearchPassRoutesThroughTheDrawAndTrainsTheLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            LearningToBranchBlock block = block(m);
            int[][] tree = {{2, 2, 0}, {1, 1, 2}};
            setTree(block, tree, 30);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = BranchingFixtures.gaussian(m, Stages.batched(Fixtures.INPUT, 2), 3);
            NDList z = block.encode(ps, new NDList(x), true, null);
            assertEquals(1, block.trainingForwards());
            assertArrayEquals(tree, block.lastSampledParents());
            assertArrayEquals(block.sampledParents(0), block.lastSampledParents());
            NDList n02 = block.node(0, 2).forward(ps, new NDList(x), true);
            NDList n00 = block.node(0, 0).forward(ps, new NDList(x), true);
            float[] viaNode1 = block.node(1, 1).forward(ps, n02, true).singletonOrThrow().toFloatArray();
            float[] viaNode2 = block.node(1, 2).forward(ps, n00, true).singletonOrThrow().toFloatArray();
            assertArrayEquals(viaNode1, z.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(viaNode1, z.get(1).toFloatArray(), 1e-5f);
            assertArrayEquals(viaNode2, z.get(2).toFloatArray(), 1e-5f);

            setTree(block, tree, 1); // a softer θ, so that the straight-through gradient is not vanishing
            Fixtures.Batch b = Fixtures.imageBatch(m);
            long before = block.trainingForwards();
            int[][] drawn = block.sampledParents(before);
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            assertArrayEquals(drawn, block.lastSampledParents());
            assertTrue(norms.get(block.branchLogits()) > 0, "no gradient reached the logits");
            Set<String> onTree = new HashSet<>();
            for (int c = 0; c < 3; c++) {
                int node1 = drawn[1][c];
                onTree.add("node" + node1 + "_stage1");
                onTree.add("node" + drawn[0][node1] + "_stage0");
            }
            int on = 0;
            int off = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (!p.getValue().requiresGradient() || !p.getKey().contains("node")) {
                    continue;
                }
                boolean used = onTree.stream().anyMatch(n -> p.getKey().contains(n + "_"));
                if (used) {
                    assertTrue(norms.get(p.getValue()) > 0, p.getKey());
                    on++;
                } else {
                    assertEquals(0.0, norms.get(p.getValue()), p.getKey());
                    off++;
                }
            }
            assertTrue(on > 0, "no node on the tree");
            assertEquals(on + off, block.sharedParameters().size() - 1);
        }
    }

    @Test
    void fixTreeFreezesTheArgmaxTree() {
        try (NDManager m = NDManager.newBaseManager()) {
            LearningToBranchBlock block = block(m);
            int[][] tree = {{0, 0, 0}, {0, 1, 1}};
            setTree(block, tree, 2);
            block.fixTree();
            assertTrue(block.isFixed());
            assertEquals(0, block.fixedAtForward());
            setTree(block, new int[][] {{2, 2, 2}, {2, 2, 2}}, 2);
            assertArrayEquals(tree, block.parents());
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            assertEquals(0.0, norms.get(block.branchLogits()), "a fixed tree does not train the logits");
            assertNull(block.lastSampledParents(), "a fixed tree does not sample");
            assertEquals(1, block.trainingForwards());
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().contains("node2_") && p.getValue().requiresGradient()) {
                    assertEquals(0.0, norms.get(p.getValue()), p.getKey() + " is off the tree");
                }
                if (p.getKey().contains("node0_stage0") && p.getValue().requiresGradient()) {
                    assertTrue(norms.get(p.getValue()) > 0, p.getKey());
                }
            }
            assertTrue(block.toString().startsWith("LTB[fixed at forward 0, forward 1, epoch 0, stage 1 parents"),
                    block.toString());
        }
    }

    /**
     * Through the builder: 8 samples in batches of 4 are 2 training forwards per epoch. After 2 epochs the block has
     * seen 4 forwards and one epoch boundary, so it knows L = 2 and its next temperature is {@code τ_0/√(1 + 4/2)};
     * with {@code search=1} the first forward of epoch 1 (forward 2) fixed the tree.
     */
    @Test
    void aTrainingCountsEpochsAnnealsAndEndsTheSearchOnTime() {
        BranchingFixtures.train(ARCH, Encoders.resNet(4), GradientMode.NONE, network -> {
            LearningToBranchBlock b = (LearningToBranchBlock) network;
            assertEquals(4, b.trainingForwards());
            assertEquals(1, b.epochsSeen());
            assertEquals(TAU / Math.sqrt(3), b.temperature(), 1e-12);
            assertFalse(b.isFixed());
            assertTrue(b.toString().startsWith("LTB[searching, forward 4, epoch 1, tau=2.887"), b.toString());
        });
        Architecture oneEpoch = Architectures.learningToBranch(1, TAU, 8);
        assertEquals("ltb:search=1,tau=5.0,head=8", oneEpoch.spec());
        BranchingFixtures.train(oneEpoch, Encoders.resNet(4), GradientMode.NONE, network -> {
            LearningToBranchBlock b = (LearningToBranchBlock) network;
            assertTrue(b.isFixed());
            assertEquals(2, b.fixedAtForward());
            assertEquals(4, b.trainingForwards());
            assertTrue(b.toString().startsWith("LTB[fixed at forward 2, forward 4, epoch 1, stage 1 parents"),
                    b.toString());
        });
    }

    @Test
    void checkpointsKeepTheCountersTheSeedAndTheFixedTree() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            for (boolean fix : new boolean[] {false, true}) {
                LearningToBranchBlock block = block(m);
                NDArray x = BranchingFixtures.gaussian(m, Stages.batched(Fixtures.INPUT, 2), 3);
                for (int i = 0; i < 3; i++) {
                    block.forward(new ParameterStore(m, false), new NDList(x), true);
                }
                setTree(block, new int[][] {{1, 0, 1}, {2, 2, 1}}, 1);
                if (fix) {
                    block.fixTree();
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                block.saveParameters(new DataOutputStream(bytes));
                Engine.getInstance().setRandomSeed(99);
                LearningToBranchBlock copy = (LearningToBranchBlock) ARCH.create(Fixtures.INPUT, Fixtures.TASKS,
                        Encoders.resNet(4));
                copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
                assertEquals(block.toString(), copy.toString());
                assertEquals(3, copy.trainingForwards());
                assertEquals(fix, copy.isFixed());
                assertArrayEquals(block.parents(), copy.parents());
                for (long t = 3; t < 8; t++) {
                    assertArrayEquals(block.sampledParents(t), copy.sampledParents(t), "the seed was not restored");
                }
                NDList a = block.forward(new ParameterStore(m, false), new NDList(x), true);
                NDList c = copy.forward(new ParameterStore(m, false), new NDList(x), true);
                for (int k = 0; k < 3; k++) {
                    assertArrayEquals(a.get(k).toFloatArray(), c.get(k).toFloatArray(), 0f);
                }
            }
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
    }

    @Test
    void vectorInputsWithAnMlpAndASingleTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            LearningToBranchBlock block = (LearningToBranchBlock) Fixtures.create(ARCH, new Shape(10), tasks,
                    Encoders.mlp(16, 8), m);
            assertEquals(2, block.stageCount());
            for (boolean training : new boolean[] {true, false}) {
                for (int batch : new int[] {1, 2}) {
                    NDList out = block.forward(new ParameterStore(m, false),
                            new NDList(m.ones(new Shape(batch, 10))), training);
                    assertEquals(List.of(new Shape(batch, 2), new Shape(batch, 3)), List.of(out.getShapes()));
                }
            }
            long nodes = 2 * Fixtures.mlpCount(10, 16, 8);
            assertEquals(2 * 2 * 2 + nodes + Fixtures.headsCount(tasks, 8, 8), Fixtures.trainableCount(block));
            LearningToBranchBlock single = (LearningToBranchBlock) Fixtures.create(ARCH, Fixtures.INPUT,
                    Fixtures.TASKS.subList(0, 1), Encoders.resNet(4), m);
            NDList y = single.forward(new ParameterStore(m, false),
                    new NDList(m.ones(Stages.batched(Fixtures.INPUT, 2))), true);
            assertEquals(new Shape(2, 3, 8, 8), y.singletonOrThrow().getShape());
            assertArrayEquals(new int[][] {{0}, {0}}, single.parents());
        }
    }

    @Test
    void anEncoderWithoutStagesIsRefusedByName() {
        EncoderFactory plain = new EncoderFactory() {
            @Override
            public ai.djl.nn.Block create() {
                return Encoders.resNet(4).create();
            }

            @Override
            public int outputChannels() {
                return 8;
            }

            @Override
            public int downsampling() {
                return 4;
            }

            @Override
            public String describe() {
                return "plain-encoder";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ARCH.create(Fixtures.INPUT, Fixtures.TASKS, plain));
        assertTrue(e.getMessage().contains("plain-encoder") && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Architectures.learningToBranch(-1, 1, 8)
                .create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)));
        assertThrows(IllegalArgumentException.class, () -> Architectures.learningToBranch(0, 0, 8)
                .create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)));
    }

    @Test
    void trainsDeterministicallyInSupportedModesAndRejectsRepresentationMode() {
        BranchingFixtures.assertTrainsDeterministically(ARCH, Encoders.resNet(4), GradientMode.NONE);
        BranchingFixtures.assertTrainsDeterministically(ARCH, Encoders.resNet(4), GradientMode.PARAMETERS);
        BranchingFixtures.assertTrainsDeterministically(Architectures.learningToBranch(1, TAU, 8),
                Encoders.resNet(4), GradientMode.PARAMETERS);
        Fixtures.assertRejects(ARCH, Encoders.resNet(4), GradientMode.REPRESENTATION);
    }
}
