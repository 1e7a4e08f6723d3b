package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
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
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/** Every strategy trains the tiny network end to end through {@code MultiTask.builder()} in every mode it has. */
class EndToEndTrainingTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final InMemoryMultiTaskDataset TRAIN = TestData.dataset(48, 8, 1, 0.1);
    private static final InMemoryMultiTaskDataset VAL = TestData.dataset(16, 8, 2, 0);
    private static final List<String> TASKS = List.of("seg", "reg", "nrm");

    /**
     * Every strategy but LibMTL's MoCo variant: with loss-scaled unit gradients it moved the regression task's
     * validation loss by +2 % in these 6 epochs (the paper's MoCo, {@code moco}, learns it); docs/weightings.md says
     * so. Its determinism and resumption are still checked by {@code WeightingContractTest}.
     */
    static Stream<Arguments> cases() {
        return Strategies.cases().stream().filter(a -> !a.get()[0].equals("moco:libmtl"));
    }

    private static MultiTask.Builder builder(LossWeighting w, TrainingSettings settings) {
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks()).weighting(w).settings(settings);
    }

    private static TrainingSettings.Builder settings(int epochs) {
        return TrainingSettings.builder().epochs(epochs).batchSize(8).seed(3).learningRate(0.01f).progressBar(false)
                .verbose(false);
    }

    @ParameterizedTest(name = "{0} in {1} mode")
    @MethodSource("cases")
    void learnsEveryTask(String spec, GradientMode mode) {
        try (MultiTaskModel m = builder(Weightings.byName(spec, 3), settings(6).gradientMode(mode).build())
                .build()) {
            EvaluationResult before = m.evaluate(VAL);
            m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
            EvaluationResult after = m.evaluate(VAL);
            double sum = 0;
            for (String t : TASKS) {
                double ratio = after.task(t).loss() / before.task(t).loss();
                // measured: at most 0.88 for any task and strategy; a strategy that stalls a task stays near 1
                assertTrue(ratio < 0.92, spec + "/" + mode + ": " + t + " validation loss ratio " + ratio);
                sum += ratio;
            }
            assertTrue(sum < 1.95, spec + "/" + mode + ": summed loss ratios " + sum);
        }
    }

    private static float[] learnable(MultiTaskModel m) {
        Parameter p = m.trainingBlock().weighting().orElseThrow().getParameters().get(0).getValue();
        return p.getArray().toFloatArray();
    }

    @Test
    void learnableWeightsAreTrained() {
        try (MultiTaskModel m = builder(Weightings.uncertainty(), settings(3).build()).build()) {
            assertArrayEquals(new float[] {-0.5f, -0.5f, -0.5f}, learnable(m), 0f);
            m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
            float[] s = learnable(m);
            for (float v : s) {
                assertTrue(Float.isFinite(v) && v != -0.5f, java.util.Arrays.toString(s));
            }
        }
        try (MultiTaskModel m = builder(Weightings.imtl(), settings(3).build()).build()) {
            m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
            for (float v : learnable(m)) {
                assertTrue(Float.isFinite(v) && v != 0f);
            }
        }
        for (GradientMode mode : List.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION)) {
            try (MultiTaskModel m = builder(Weightings.gradNorm(), settings(3).gradientMode(mode).build())
                    .build()) {
                m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
                float[] w = learnable(m);
                assertEquals(3, w[0] + w[1] + w[2], 1e-4, mode + " weights sum to K");
                assertNotEquals(w[0], w[1]);
            }
        }
    }

    @Test
    void gradNormWeightsTakeOneSgdStepAlongTheirGradientThenRenormalise() {
        GradNorm gn = new GradNorm(1.5);
        TrainingSettings s = settings(1).optimizer(OptimizerKind.SGD).momentum(0).learningRate(0.1f)
                .maxBatchesPerEpoch(1).gradientMode(GradientMode.PARAMETERS).build();
        try (MultiTaskModel m = builder(gn, s).build()) {
            m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
            double[] grad = gn.lastStep().weightGradient();
            assertTrue(grad[0] != 0 && grad[1] != 0 && grad[2] != 0, java.util.Arrays.toString(grad));
            double[] expected = GradNorm.renormalise(new double[] {1 - 0.1 * grad[0], 1 - 0.1 * grad[1],
                1 - 0.1 * grad[2]});
            float[] w = learnable(m);
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[i], w[i], 1e-5, "weight " + i);
            }
        }
    }

    @Test
    void builderPicksAModeTheStrategySupportsWhenNoneIsSet() {
        try (MultiTaskModel m = builder(Weightings.pcGrad(), settings(1).build()).build()) {
            assertEquals(GradientMode.PARAMETERS, m.settings().gradientMode());
        }
        try (MultiTaskModel m = builder(Weightings.gradDrop(), settings(1).build()).build()) {
            assertEquals(GradientMode.REPRESENTATION, m.settings().gradientMode());
        }
        assertEquals(GradientMode.REPRESENTATION, Weightings.mgda().preferredMode());
        assertEquals(GradientMode.NONE, Weightings.famo().preferredMode());
        assertEquals(GradientMode.PARAMETERS, Weightings.caGrad().preferredMode());
    }

    @Test
    void memoryStaysFlatWithLearntWeightsMetricsAndReevaluation() {
        List<Object[]> runs = List.of(new Object[] {Weightings.gradNorm(), GradientMode.PARAMETERS},
                new Object[] {Weightings.famo(), GradientMode.NONE},
                new Object[] {Weightings.dtp(), GradientMode.NONE},
                new Object[] {Weightings.uncertainty(), GradientMode.NONE},
                new Object[] {Weightings.imtl(), GradientMode.REPRESENTATION});
        for (Object[] run : runs) {
            LossWeighting w = (LossWeighting) run[0];
            List<Integer> arrays = new ArrayList<>();
            try (MultiTaskModel m = builder(w, settings(7).gradientMode((GradientMode) run[1]).build()).build()) {
                MultiTaskTrainer t = m.trainer().output(QUIET, QUIET).addListeners(new TrainingListenerAdapter() {
                    @Override
                    public void onEpoch(Trainer trainer) {
                        arrays.add(NativeMemory.liveResources(trainer.getManager())
                                + NativeMemory.liveResources(m.djlModel().getNDManager()));
                    }
                });
                t.fit(TRAIN, null);
            }
            for (int e = 2; e < arrays.size(); e++) {
                assertEquals(arrays.get(2), arrays.get(e), w.name() + ": live arrays per epoch " + arrays);
            }
        }
    }
}
