package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * Branched networks: shapes, parameter counts against hard sharing and independent columns, gradient routing,
 * gradient modes, save/load with the tree checked, specs, planning from affinities, and reproducible training.
 */
class BranchedBlockTest {

    /** seg and reg share both stages, nrm leaves after stage 0. */
    private static final String TREE = "seg+reg+nrm|seg+reg/nrm";
    private static final BranchedArchitecture ARCH = BranchedArchitecture.withTree(TREE, 8);

    private static BranchedBlock block(NDManager m) {
        return (BranchedBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    private static long size(List<Parameter> params) {
        return params.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void outputShapesForEveryTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertFalse(block.hasSharedRepresentation());
            assertEquals(2, block.stageCount());
            assertEquals(TREE, block.tree().toString());
        }
    }

    @Test
    void imagesOfBatchOneAndTwoAndOddSizesWithAnOddWidth() {
        for (Shape input : List.of(new Shape(3, 8, 8), new Shape(3, 9, 7), new Shape(3, 5, 3))) {
            for (long batch : new long[] {1, 2}) {
                try (NDManager m = NDManager.newBaseManager()) {
                    MultiTaskBlock block = ARCH.create(input, Fixtures.TASKS, Encoders.resNet(3));
                    block.initialize(m, DataType.FLOAT32, Stages.batched(input, batch));
                    NDList out = block.forward(new ParameterStore(m, false),
                            new NDList(m.randomNormal(Stages.batched(input, batch))), false);
                    Shape[] declared = block.getOutputShapes(new Shape[] {Stages.batched(input, batch)});
                    for (int k = 0; k < 3; k++) {
                        Shape expected = new Shape(batch, Fixtures.TASKS.get(k).channels(), input.get(1),
                                input.get(2));
                        assertEquals(expected, out.get(k).getShape(), input + " batch " + batch + " task " + k);
                        assertEquals(expected, declared[k]);
                    }
                }
            }
        }
    }

    @Test
    void vectorInputsWithAnMlp() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3),
                    Task.regression("c", 1));
            BranchedBlock block = (BranchedBlock) Fixtures.create(BranchedArchitecture.withTree("a+b+c|a/b+c", 8),
                    new Shape(10), tasks, Encoders.mlp(16, 8), m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(new Shape(2, 2), out.get(0).getShape());
            assertEquals(new Shape(2, 3), out.get(1).getShape());
            assertEquals(new Shape(2, 1), out.get(2).getShape());
            long stage0 = 10 * 16 + 16;
            long stage1 = 16 * 8 + 8;
            assertEquals(stage0 + 2 * stage1 + Fixtures.headsCount(tasks, 8, 8), Fixtures.trainableCount(block));
            assertEquals(stage0 + stage1, size(block.sharedParameters())); // stage 0 and the b+c branch
        }
    }

    @Test
    void theFullySharedTreeIsHardSharing() {
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedBlock shared = (BranchedBlock) Fixtures.create(
                    BranchedArchitecture.withTree("seg+reg+nrm|seg+reg+nrm", 8), Encoders.resNet(4), m);
            MultiTaskBlock hps = Fixtures.create(Architectures.hardSharing(8), Encoders.resNet(4), m);
            assertEquals(Fixtures.trainableCount(hps), Fixtures.trainableCount(shared));
            assertEquals(Fixtures.runningStatisticsCount(hps), Fixtures.runningStatisticsCount(shared));
            assertEquals(size(hps.sharedParameters()), size(shared.sharedParameters()));
            assertEquals(Fixtures.resNetCount(3, 4), size(shared.sharedParameters()));
            assertEquals(NetworkCost.of(hps).multiplyAdds(), NetworkCost.of(shared).multiplyAdds());
            assertTrue(shared.hasSharedRepresentation());
            NDList z = shared.encode(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 3, 8, 8))), false,
                    null);
            assertEquals(new Shape(1, 8, 2, 2), z.singletonOrThrow().getShape());
            Fixtures.assertOutputShapes(shared, m);
        }
    }

    @Test
    void parameterCountsOfTheMixedAndTheIndependentTree() {
        try (NDManager m = NDManager.newBaseManager()) {
            long c0 = 9 * 3 * 4 + 2 * 4 + 2 * (9 * 16 + 2 * 4); // stem + residual block at width 4
            long c1 = Fixtures.resNetCount(3, 4) - c0;
            long heads = Fixtures.headsCount(Fixtures.TASKS, 8, 8);
            BranchedBlock mixed = block(m);
            assertEquals(c0 + 2 * c1 + heads, Fixtures.trainableCount(mixed));
            assertEquals(c0 + c1, size(mixed.sharedParameters()), "stage 0 and the seg+reg branch");
            assertEquals(c0 + 2 * c1, NetworkCost.of(mixed).parameters() - heads);
            BranchedBlock independent = (BranchedBlock) Fixtures.create(
                    BranchedArchitecture.withTree("seg/reg/nrm|seg/reg/nrm", 8), Encoders.resNet(4), m);
            assertEquals(3 * (c0 + c1) + heads, Fixtures.trainableCount(independent));
            assertEquals(3 * (c0 + c1), size(independent.sharedParameters()), "no shared branch: all branches");
            assertEquals(3 * Fixtures.resNetRunningCount(4), Fixtures.runningStatisticsCount(independent));
        }
    }

    @Test
    void aTasksLossReachesOnlyTheBranchesOnItsPath() {
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> all = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(all, Map.of("shared", block.sharedParameters()));
            Map<Parameter, Double> nrm = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(2).loss()
                    .compute(preds.get(2), b.labels().get(2), b.present().get(":, 2")), b.x());
            assertTrue(trainable(block.branch(0, 0)).stream().allMatch(p -> nrm.get(p) > 0), "stage 0 is shared");
            assertTrue(trainable(block.branch(1, 1)).stream().allMatch(p -> nrm.get(p) > 0), "nrm's own branch");
            assertTrue(trainable(block.branch(1, 0)).stream().allMatch(p -> nrm.get(p) == 0),
                    "nrm's loss must not reach the seg+reg branch");
        }
    }

    private static List<Parameter> trainable(Block block) {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
        return out;
    }

    @Test
    void gradientModes() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = block(m);
            assertTrue(block.supports(GradientMode.NONE));
            assertTrue(block.supports(GradientMode.PARAMETERS));
            assertFalse(block.supports(GradientMode.REPRESENTATION));
            assertTrue(Fixtures.create(BranchedArchitecture.withTree("seg+reg+nrm|seg+reg+nrm", 8),
                    Encoders.resNet(4), m).supports(GradientMode.REPRESENTATION));
        }
        Fixtures.assertRejects(ARCH, Encoders.resNet(4), GradientMode.REPRESENTATION);
    }

    @Test
    void encodersThatAreNotStagedAndTreesThatDoNotFitAreRefused() {
        EncoderFactory plain = new EncoderFactory() {
            @Override
            public Block create() {
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
                return "my-encoder";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ARCH.create(Fixtures.INPUT, Fixtures.TASKS, plain));
        assertTrue(e.getMessage().contains("encoder my-encoder is not"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        IllegalArgumentException stages = assertThrows(IllegalArgumentException.class,
                () -> BranchedArchitecture.withTree("seg+reg+nrm|seg+reg/nrm|seg/reg/nrm", 8)
                        .create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)));
        assertTrue(stages.getMessage().contains("has 3 stages but encoder resnet(width=4) has 2"),
                stages.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BranchedArchitecture.withTree("seg+reg+normals|seg+reg/normals", 8)
                        .create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)));
        assertTrue(unknown.getMessage().contains("unknown task 'normals'"), unknown.getMessage());
    }

    @Test
    void saveLoadRoundTripAndTheTreeIsChecked() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedBlock block = block(m);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            MultiTaskBlock other = BranchedArchitecture.withTree("seg+reg+nrm|seg/reg+nrm", 8)
                    .create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
            MalformedModelException e = assertThrows(MalformedModelException.class, () -> other.loadParameters(m,
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
            assertEquals("the parameters were saved from branched tree 'seg+reg+nrm|seg+reg/nrm' but this network "
                    + "has tree 'seg+reg+nrm|seg/reg+nrm'", e.getMessage());
        }
    }

    @Test
    void specsRoundTripAndBadSpecsAreNamed() {
        assertEquals("branched:tree=seg+reg+nrm|seg+reg/nrm,head=8", ARCH.spec());
        assertEquals(ARCH.spec(), BranchedArchitecture.parse(ARCH.spec()).spec());
        assertEquals("branched:tree=a+b|a/b,head=32", BranchedArchitecture.parse("branched:tree=a+b|a/b").spec());
        BranchedArchitecture planned = BranchedArchitecture.parse("branched:affinity=runs/affinity.csv,budget=2.5x");
        assertEquals("branched:affinity=runs/affinity.csv,budget=2.5x,head=32", planned.spec());
        assertEquals(planned.spec(), BranchedArchitecture.parse(planned.spec()).spec());
        assertEquals("branched:affinity=f.csv,budget=2x,macs=1.5x,head=4",
                BranchedArchitecture.parse("branched:affinity=f.csv,budget=2x,macs=1.5x,head=4").spec());
        assertEquals("branched", ARCH.name());
        assertBad("branched", "needs tree=TREE");
        assertBad("branched:tree=a+b|a/b,depth=3", "unknown options [depth]");
        assertBad("branched:tree=a+b|a/b,affinity=f.csv,budget=2x", "either tree= or affinity=");
        assertBad("branched:affinity=f.csv", "affinity= needs a budget");
        assertBad("branched:affinity=f.csv,budget=cheap", "budget 'cheap'");
        assertBad("branched:tree=a+b|a//b", "stage 1 has an empty branch");
        assertBad("branched:tree=a+b|a/b,head=x", "head=x is not a whole number");
    }

    private static void assertBad(String spec, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BranchedArchitecture.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void aTreeChosenFromAnAffinityFileIsReportedAndRecordedInTheSpec(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("affinity.csv");
        // seg and reg help each other; nrm helps no one
        Files.writeString(file, "source,seg,reg,nrm\nseg,0.01,0.008,0.0\nreg,0.007,0.01,0.001\n"
                + "nrm,0.0,0.0,0.01\n");
        BranchedArchitecture planned = BranchedArchitecture.parse("branched:affinity=" + file + ",budget=1.8x,head=8");
        assertTrue(planned.lastPlan().isEmpty());
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedBlock chosen = (BranchedBlock) Fixtures.create(planned, Encoders.resNet(4), m);
            assertEquals(TREE, chosen.tree().toString());
            BranchedTrees.Plan plan = planned.lastPlan().orElseThrow();
            assertEquals(TREE, plan.tree().toString());
            assertEquals("branched:tree=" + TREE + ",head=8", planned.spec());
            String report = plan.toString();
            assertTrue(report.contains("branched tree " + TREE) && report.contains("budget 1.8x parameters")
                    && report.contains("affinity.csv"), report);
            // choosing the tree draws no random numbers: same seed, same parameters as the tree given by hand
            BranchedBlock given = block(m);
            List<Parameter> a = chosen.getParameters().values();
            List<Parameter> b = given.getParameters().values();
            assertEquals(a.size(), b.size());
            for (int i = 0; i < a.size(); i++) {
                assertArrayEquals(a.get(i).getArray().toFloatArray(), b.get(i).getArray().toFloatArray(), 0f,
                        a.get(i).getName());
            }
        }
        assertEquals(Double.NaN, ARCH.lastPlan().map(BranchedTrees.Plan::score).orElse(Double.NaN));
        BranchedArchitecture tight = BranchedArchitecture.parse("branched:affinity=" + file + ",budget=1.5x");
        tight.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
        assertEquals("seg+reg+nrm|seg+reg+nrm", tight.lastPlan().orElseThrow().tree().toString());
    }

    /** Two epochs on tiny data; returns the training losses of every epoch and the predictions on fixed inputs. */
    private static List<Object> train(Architecture arch, GradientMode mode) {
        InMemoryMultiTaskDataset data = TestData.dataset(16, 8, 1, 0.2);
        try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(Encoders.resNet(4)).sharing(arch)
                .tasks(Fixtures.TASKS).weighting(LossWeighting.equal())
                .settings(TrainingSettings.builder().epochs(2).batchSize(4).learningRate(0.01f).seed(11)
                        .gradientMode(mode).progressBar(false).verbose(false).build()).build();
                NDManager m = NDManager.newBaseManager()) {
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            TrainingHistory h = model.trainer().output(quiet, quiet).fit(data, null);
            List<Object> out = new ArrayList<>();
            for (EpochRecord e : h.epochs()) {
                for (double loss : e.trainLoss().values()) {
                    assertTrue(Double.isFinite(loss), mode + ": loss " + loss);
                }
                out.add(e.trainLoss());
            }
            Engine.getInstance().setRandomSeed(1);
            NDArray x = m.randomNormal(new Shape(2, 3, 8, 8));
            NDList preds = model.predict(x);
            for (NDArray p : preds) {
                float[] v = p.toFloatArray();
                for (float f : v) {
                    assertTrue(Float.isFinite(f));
                }
                out.add(Arrays.toString(v));
            }
            return out;
        }
    }

    @Test
    void trainsTwoEpochsBitIdenticallyForTheSameSeedLossOnlyAndInParameterMode() {
        List<List<Object>> runs = new ArrayList<>();
        for (GradientMode mode : List.of(GradientMode.NONE, GradientMode.PARAMETERS)) {
            List<Object> first = train(ARCH, mode);
            List<Object> second = train(BranchedArchitecture.withTree(TREE, 8), mode);
            assertEquals(first, second, mode.name());
            runs.add(first);
        }
        // equal weights in parameter mode sum the per-task gradients: the loss-only gradient, up to rounding, which
        // holds only if the branches of a single task (outside the shared parameters) get their task's gradient
        for (int epoch = 0; epoch < 2; epoch++) {
            @SuppressWarnings("unchecked")
            Map<String, Double> none = (Map<String, Double>) runs.get(0).get(epoch);
            @SuppressWarnings("unchecked")
            Map<String, Double> params = (Map<String, Double>) runs.get(1).get(epoch);
            for (String task : none.keySet()) {
                assertEquals(none.get(task), params.get(task), 1e-5, "epoch " + epoch + " " + task);
            }
        }
    }
}
