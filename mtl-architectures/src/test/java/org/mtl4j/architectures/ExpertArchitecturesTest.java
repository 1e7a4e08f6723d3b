package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableDoubleArray;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.GatedExperts;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * Every mixture-of-experts architecture (MMoE, CGC, PLE, DSelect-k) on the same contract: output shapes on images and
 * vectors at batch sizes 1 and 2 and odd widths, gate usage on the simplex, save/load, float32 gradients against a
 * float64 run, and short trainings in every gradient mode that stay finite and repeat bit for bit.
 */
class ExpertArchitecturesTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    /** Images with odd sides, and tasks of both kinds. */
    private static final Shape IMAGE = new Shape(3, 9, 7);
    private static final ImmutableList<Task> IMAGE_TASKS = ImmutableList.of(Task.segmentation("seg", 3),
            Task.normals("nrm"), Task.classification("cls", 5));

    static Stream<Arguments> shapeCases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : ExpertFixtures.all()) {
            for (int batch : new int[] {1, 2}) {
                out.add(Arguments.of(a, true, batch));
                out.add(Arguments.of(a, false, batch));
            }
        }
        return out.stream();
    }

    static Stream<Architecture> architectures() {
        return ExpertFixtures.all().stream();
    }

    @ParameterizedTest(name = "{0}, images {1}, batch {2}")
    @MethodSource("shapeCases")
    void outputShapesOnImagesAndVectorsWithOddWidths(Architecture arch, boolean images, int batch) {
        Shape input = images ? IMAGE : new Shape(ExpertFixtures.FEATURES);
        ImmutableList<Task> tasks = images ? IMAGE_TASKS : ExpertFixtures.VECTOR_TASKS;
        EncoderFactory encoder = images ? Encoders.resNet(3) : Encoders.mlp(5, 3);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            MultiTaskBlock block = arch.create(input, tasks, encoder);
            block.initialize(m, DataType.FLOAT32, Stages.batched(input, batch));
            Shape batched = Stages.batched(input, batch);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(batched)), false);
            List<Shape> expected = images
                    ? List.of(new Shape(batch, 3, 9, 7), new Shape(batch, 3, 9, 7), new Shape(batch, 5))
                    : List.of(new Shape(batch, 3), new Shape(batch, 2));
            assertEquals(expected, List.of(out.getShapes()));
            assertEquals(expected, List.of(block.getOutputShapes(new Shape[] {batched})));
            assertTrue(block.hasSharedRepresentation());
            assertFalse(block.sharedParameters().isEmpty());
            for (Parameter p : block.sharedParameters()) {
                assertTrue(p.requiresGradient(), p.getName());
            }
            // the representation: one (N, C, H/4, W/4) map or (N, F) vector per array
            NDList z = block.encode(new ParameterStore(m, false), new NDList(m.randomNormal(batched)), false, null);
            for (Shape s : z.getShapes()) {
                assertEquals(batch, s.get(0));
                assertEquals(images ? 4 : 2, s.dimension());
            }
            assertTrue(block instanceof GatedExperts);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void gateUsageIsOnTheSimplexAndCountsOnlyTrainingPasses(Architecture arch) {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = Fixtures.create(arch, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(3), m);
            GatedExperts gated = (GatedExperts) block;
            NDArray x = m.randomNormal(Stages.batched(Fixtures.INPUT, 2));
            block.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(ImmutableMap.of(), gated.drainGateUsage(), "inference passes do not count");
            for (int pass = 0; pass < 3; pass++) {
                block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT,
                        1 + pass))), true);
            }
            ImmutableMap<String, ImmutableDoubleArray> usage = gated.drainGateUsage();
            for (Task t : Fixtures.TASKS) {
                assertTrue(usage.containsKey(t.name()), t.name() + " in " + usage.keySet());
            }
            boolean dselect = arch.name().equals("dselect-k");
            for (var e : usage.entrySet()) {
                assertEquals(gated.expertNames().size(), e.getValue().length(), e.getKey());
                double sum = 0;
                for (double w : e.getValue().toArray()) {
                    assertTrue(w >= 0 && w <= 1, e.getKey() + ": " + e.getValue());
                    sum += w;
                }
                // DSelect-k with 3 experts (not a power of two) may leave weight on the unused code
                if (dselect) {
                    assertTrue(sum <= 1 + 1e-6 && sum > 0.5, e.getKey() + ": " + e.getValue());
                } else {
                    assertEquals(1.0, sum, 1e-5, e.getKey() + ": " + e.getValue());
                }
            }
            assertEquals(ImmutableMap.of(), gated.drainGateUsage(), "drained");
        }
    }

    @Test
    void dselectKGateUsageSumsToOneWithAPowerOfTwoExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = Fixtures.create(ExpertArchitectures.dselectK(4, 2, 1.0, 0, 8), Fixtures.INPUT,
                    Fixtures.TASKS, Encoders.resNet(3), m);
            block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT,
                    2))), true);
            ImmutableMap<String, ImmutableDoubleArray> usage = ((GatedExperts) block).drainGateUsage();
            assertEquals(Fixtures.TASKS.stream().map(Task::name).toList(), usage.keySet().asList());
            for (ImmutableDoubleArray u : usage.values()) {
                assertEquals(1.0, u.stream().sum(), 1e-5, u.toString());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void saveLoadRoundTripOnImagesAndVectors(Architecture arch) throws Exception {
        Fixtures.assertSaveLoadRoundTrip(arch, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(3));
        Fixtures.assertSaveLoadRoundTrip(arch, new Shape(ExpertFixtures.FEATURES), ExpertFixtures.VECTOR_TASKS,
                Encoders.mlp(5, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void gradientsReachEveryParameter(Architecture arch) {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = Fixtures.create(arch, Encoders.resNet(3), m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            var norms = Fixtures.gradientNorms(block, m, preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b),
                    b.x());
            Fixtures.assertAllReceiveGradients(norms, java.util.Map.of("shared", block.sharedParameters()));
        }
    }

    static Stream<Arguments> gradientCases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : ExpertFixtures.all()) {
            out.add(Arguments.of(a, 3, 1, 28, 2));
            out.add(Arguments.of(a, 11, 3, 32, 1));
        }
        return out.stream();
    }

    /** As {@link NetworkGradientCheckTest}: float32 parameter gradients within 1 % of a float64 run, and repeatable. */
    @ParameterizedTest(name = "{0} width {1}, {2}x{3}x{3}, batch {4}")
    @MethodSource("gradientCases")
    void float32GradientsMatchFloat64(Architecture arch, int width, int channels, int size, int batch) {
        GradientCheck.assertFloat32MatchesFloat64(arch, width, channels, size, batch, 1e-2);
    }

    static Stream<Arguments> trainingCases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : ExpertFixtures.all()) {
            out.add(Arguments.of(a, true));
            out.add(Arguments.of(a, false));
        }
        return out.stream();
    }

    /**
     * Two epochs on tiny data with a loss-only strategy and with a gradient strategy (equal weights in parameter mode,
     * and in representation mode): finite losses, the gates' usage reported, and the same numbers for the same seed.
     */
    @ParameterizedTest(name = "{0}, images {1}")
    @MethodSource("trainingCases")
    void shortTrainingsStayFiniteAndRepeatBitForBit(Architecture arch, boolean images) {
        for (GradientMode mode : GradientMode.values()) {
            double[][] first = train(arch, images, mode, 3);
            double[][] second = train(arch, images, mode, 3);
            for (int e = 0; e < first.length; e++) {
                for (double l : first[e]) {
                    assertTrue(Double.isFinite(l), arch + " " + mode + ": loss " + l);
                }
                assertArrayEquals(first[e], second[e], 0.0, arch + " " + mode + ", epoch " + e);
            }
            double[][] other = train(arch, images, mode, 4);
            assertFalse(java.util.Arrays.deepEquals(first, other), arch + " " + mode + ": the seed has no effect");
        }
    }

    private static double[][] train(Architecture arch, boolean images, GradientMode mode, long seed) {
        InMemoryMultiTaskDataset data = images ? TestData.dataset(12, 8, 1, 0.2) : ExpertFixtures.vectors(12, 1);
        MultiTask.Builder builder = MultiTask.builder().encoder(images ? Encoders.resNet(3) : Encoders.mlp(5, 3))
                .sharing(arch).weighting(LossWeighting.equal())
                .settings(TrainingSettings.builder().epochs(2).batchSize(4).seed(seed).learningRate(0.01f)
                        .gradientMode(mode).progressBar(false).verbose(false).build());
        builder = images ? builder.input(3, 8, 8).tasks(TestData.tasks())
                : builder.input(ExpertFixtures.FEATURES).tasks(ExpertFixtures.VECTOR_TASKS);
        try (MultiTaskModel model = builder.build()) {
            assertEquals(mode, model.settings().gradientMode());
            TrainingHistory h = model.trainer().output(QUIET, QUIET).fit(data, null);
            ImmutableMap<String, ImmutableDoubleArray> usage = ((GatedExperts) model.network()).drainGateUsage();
            for (Task t : model.tasks()) {
                assertTrue(usage.containsKey(t.name()), arch + ": " + usage.keySet());
            }
            return h.epochs().stream().map(EpochRecord::trainLoss)
                    .map(l -> l.values().stream().mapToDouble(Double::doubleValue).toArray())
                    .toArray(double[][]::new);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirValue() {
        assertMessage(() -> ExpertArchitectures.cgc(0, 1, 8), "at least one shared expert, got 0");
        assertMessage(() -> ExpertArchitectures.ple(1, -1, 8), "must not be negative, got -1");
        assertMessage(() -> ExpertArchitectures.cgc(1, 1, 0), "head width must be positive, got 0");
        assertMessage(() -> ExpertArchitectures.dselectK(1, 1, 1.0, 0, 8), "at least two experts, got 1");
        assertMessage(() -> ExpertArchitectures.dselectK(2, 3, 1.0, 0, 8), "got k = 3");
        assertMessage(() -> ExpertArchitectures.dselectK(2, 2, 0, 0, 8), "gamma must be positive, got 0.0");
        assertMessage(() -> ExpertArchitectures.dselectK(2, 2, 1, Double.NaN, 8), "got NaN");
        assertMessage(() -> ExpertArchitectures.cgc(1, 1, 8).create(new Shape(3, 8), Fixtures.TASKS,
                Encoders.resNet(3)), "(3, 8)");
        assertMessage(() -> ExpertArchitectures.ple(1, 1, 8).create(Fixtures.INPUT, ImmutableList.of(),
                Encoders.resNet(3)), "at least one task");
    }

    @Test
    void specsNameEveryOption() {
        assertEquals("cgc:shared=2,specific=3,head=8", ExpertArchitectures.cgc(2, 3, 8).spec());
        assertEquals("ple:shared=1,specific=0,head=16", ExpertArchitectures.ple(1, 0, 16).spec());
        assertEquals("dselect-k:experts=4,k=2,gamma=0.5,entropy=1.0E-6,head=32",
                ExpertArchitectures.dselectK(4, 2, 0.5, 1e-6, 32).spec());
        assertEquals(List.of("cgc", "ple", "dselect-k"), List.of(ExpertArchitectures.cgc(1, 1, 8).name(),
                ExpertArchitectures.ple(1, 1, 8).name(), ExpertArchitectures.dselectK(2, 2, 1, 0, 8).name()));
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
