package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.meanWeights;
import static org.mtl4j.losses.StrategyFixtures.trainLosses;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.data.EpochLength;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.data.Sampling;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingBlock;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.MetaStep;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * Auto-Lambda through the real training loop: the finite-difference hypergradient against its closed form on a
 * linear model with squared errors, the exact restoration of parameters and batch-norm statistics after the meta step,
 * determinism and checkpoint resumption, and the auxiliary-learning setting.
 */
class AutoLambdaTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final int SIZE = 4;
    private static final int HW = SIZE * SIZE;

    // ---------------------------------------------------------------------------------------------------------------
    // a linear regression problem whose task losses are quadratic in θ = (w₀, w₁, w₂, b)

    /** Inputs and per-task targets, kept as Java arrays for the closed forms. */
    private record Regression(float[][] x, float[][][] y) {

        /** @return the data set (every label present) */
        InMemoryMultiTaskDataset dataset() {
            int k = y.length;
            List<Shape> shapes = new ArrayList<>();
            for (int t = 0; t < k; t++) {
                shapes.add(new Shape(1, SIZE, SIZE));
            }
            InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(3, SIZE, SIZE), shapes);
            boolean[] present = new boolean[k];
            Arrays.fill(present, true);
            for (int n = 0; n < x.length; n++) {
                float[][] labels = new float[k][];
                for (int t = 0; t < k; t++) {
                    labels[t] = y[t][n];
                }
                b.add(x[n], labels, present);
            }
            return b.build();
        }

        /** {@code ∇_θ L_t = 2/M Σ (w·x + b − y_t) (x, 1)} over all M pixels. */
        double[] gradient(int t, double[] theta) {
            double[] g = new double[4];
            double m = (double) x.length * HW;
            for (int n = 0; n < x.length; n++) {
                for (int p = 0; p < HW; p++) {
                    double x0 = x[n][p];
                    double x1 = x[n][HW + p];
                    double x2 = x[n][2 * HW + p];
                    double r = theta[0] * x0 + theta[1] * x1 + theta[2] * x2 + theta[3] - y[t][n][p];
                    g[0] += 2 * r * x0 / m;
                    g[1] += 2 * r * x1 / m;
                    g[2] += 2 * r * x2 / m;
                    g[3] += 2 * r / m;
                }
            }
            return g;
        }
    }

    /**
     * Samples with targets {@code sign_t · amplitude · (0.8 x₀ − 0.5 x₁ + 0.3 x₂ + 0.2) + noise}.
     *
     * @param samples the number of samples
     * @param seed the seed
     * @param amplitude the scale of the targets
     * @param signs one factor per task (−1: the opposite target)
     */
    private static Regression regression(int samples, long seed, double amplitude, double... signs) {
        Random r = new Random(seed);
        float[][] x = new float[samples][3 * HW];
        float[][][] y = new float[signs.length][samples][HW];
        for (int n = 0; n < samples; n++) {
            for (int j = 0; j < 3 * HW; j++) {
                x[n][j] = (float) r.nextGaussian();
            }
            for (int p = 0; p < HW; p++) {
                double base = amplitude * (0.8 * x[n][p] - 0.5 * x[n][HW + p] + 0.3 * x[n][2 * HW + p] + 0.2);
                for (int t = 0; t < signs.length; t++) {
                    y[t][n][p] = (float) (signs[t] * base + 0.1 * r.nextGaussian());
                }
            }
        }
        return new Regression(x, y);
    }

    private static List<Task> regressionTasks(int k) {
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            tasks.add(Task.builder(String.valueOf((char) ('a' + t))).dense(1).loss(TaskLosses.l2())
                    .metric(TaskMetrics.absError()).build());
        }
        return tasks;
    }

    private static MultiTaskModel model(Architecture arch, List<Task> tasks, LossWeighting w, int size,
            TrainingSettings settings) {
        return MultiTask.builder().input(3, size, size).encoder(TinyMultiTaskBlock.encoderFactory()).sharing(arch)
                .tasks(tasks).weighting(w).settings(settings).build();
    }

    /** @return {@code θ = (w₀, w₁, w₂, b)} of the linear model */
    private static double[] theta(MultiTaskModel m) {
        double[] theta = new double[4];
        for (Pair<String, Parameter> p : m.network().getParameters()) {
            float[] v = p.getValue().getArray().toFloatArray();
            if (v.length == 3) {
                for (int i = 0; i < 3; i++) {
                    theta[i] = v[i];
                }
            } else {
                assertEquals(1, v.length, p.getKey());
                theta[3] = v[0];
            }
        }
        return theta;
    }

    /**
     * The closed form {@code −α v · ∇_θ L_i^train(θ)}, with {@code v = Σ_{j∈P} ∇L_j^val(θ')} and
     * {@code θ' = θ − α Σ_j λ_j ∇L_j^train(θ)}.
     */
    private static double[] exactHypergradient(Regression train, Regression val, double[] theta, double lambda,
            double alpha, boolean[] primary) {
        int k = train.y().length;
        double[][] g = new double[k][];
        double[] virtual = theta.clone();
        for (int t = 0; t < k; t++) {
            g[t] = train.gradient(t, theta);
            for (int j = 0; j < 4; j++) {
                virtual[j] -= alpha * lambda * g[t][j];
            }
        }
        double[] v = new double[4];
        for (int t = 0; t < k; t++) {
            if (primary[t]) {
                double[] gv = val.gradient(t, virtual);
                for (int j = 0; j < 4; j++) {
                    v[j] += gv[j];
                }
            }
        }
        double[] h = new double[k];
        for (int t = 0; t < k; t++) {
            double dot = 0;
            for (int j = 0; j < 4; j++) {
                dot += v[j] * g[t][j];
            }
            h[t] = -alpha * dot;
        }
        return h;
    }

    private static TrainingSettings.Builder sgd(float lr) {
        return TrainingSettings.builder().optimizer(OptimizerKind.SGD).momentum(0).learningRate(lr).seed(11)
                .progressBar(false).verbose(false);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (1) the hypergradient

    @Test
    void finiteDifferenceHypergradientMatchesTheClosedFormOnALinearModel() {
        Regression train = regression(8, 1, 3, 1, 0.5, -1);
        Regression val = regression(8, 2, 3, 1, 0.5, -1);
        float alpha = 0.1f;
        TrainingSettings s = sgd(alpha).epochs(1).batchSize(8).maxBatchesPerEpoch(1).build();
        for (ImmutableSet<String> primary : List.of(ImmutableSet.<String>of(), ImmutableSet.of("a"),
                ImmutableSet.of("b", "c"))) {
            AutoLambda autol = new AutoLambda(0.1, 1e-4, primary);
            try (MultiTaskModel m = model(MetaTestBlock.linear(), regressionTasks(3), autol, SIZE, s)) {
                double[] theta = theta(m);
                m.trainer().output(QUIET, QUIET).fit(train.dataset(), val.dataset());
                boolean[] p = {primary.isEmpty() || primary.contains("a"), primary.isEmpty() || primary.contains("b"),
                    primary.isEmpty() || primary.contains("c")};
                double[] exact = exactHypergradient(train, val, theta, 0.1, alpha, p);
                double[] fd = autol.lastHypergradient();
                assertNotNull(fd, "the meta step updated λ");
                double scale = Arrays.stream(exact).map(Math::abs).max().orElseThrow();
                assertTrue(scale > 1e-3, "a non-trivial hypergradient " + Arrays.toString(exact));
                // quadratic losses: the central difference is exact but for float32 rounding
                assertArrayEquals(exact, fd, 2e-3 * scale, primary + ": exact " + Arrays.toString(exact)
                        + ", finite difference " + Arrays.toString(fd));
                // and λ took one Adam step against it: |Δλ_i| = lr (first step, m̂/√v̂ = sign)
                double[] lambda = autol.weights();
                for (int i = 0; i < 3; i++) {
                    assertEquals(0.1 - 1e-4 * Math.signum(fd[i]), lambda[i], 1e-7, "λ_" + i);
                }
            }
        }
    }

    @Test
    void hypergradientIsMinusAlphaTimesTheCentralDifference() {
        double[] h = AutoLambda.hypergradient(new double[] {1.5, 2.0}, new double[] {1.0, 2.5}, 0.25, 0.1);
        assertArrayEquals(new double[] {-0.1 * 0.5 / 0.5, -0.1 * -0.5 / 0.5}, h, 1e-15);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (2) exact restoration

    private static int[][] snapshot(TrainingBlock block) {
        return snapshot(block, false);
    }

    /** The bits of every parameter (batch-norm running statistics included), or of the trained ones only. */
    private static int[][] snapshot(TrainingBlock block, boolean trainedOnly) {
        List<int[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (trainedOnly && !p.getValue().requiresGradient()) {
                continue;
            }
            float[] v = p.getValue().getArray().toFloatArray();
            int[] bits = new int[v.length];
            for (int i = 0; i < v.length; i++) {
                bits[i] = Float.floatToRawIntBits(v[i]);
            }
            out.add(bits);
        }
        return out.toArray(new int[0][]);
    }

    private static void assertSnapshotsEqual(int[][] a, int[][] b, String what) {
        assertEquals(a.length, b.length, what);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], what + ", parameter " + i);
        }
    }

    /** Auto-Lambda with checks around its meta step: the parameters it sees, and those the real step sees. */
    private static final class Probe implements LossBasedWeighting {
        private final AutoLambda inner = new AutoLambda(0.1, 1e-4, ImmutableSet.of());
        private TrainingBlock block;
        private int[][] atStart;
        private int[][] trainedAtStart;
        private int metaSteps;
        private int realSteps;

        @Override
        public String name() {
            return "autol";
        }

        @Override
        public boolean needsMetaStep() {
            return true;
        }

        @Override
        public void metaStep(MetaStep step) {
            atStart = snapshot(block);
            trainedAtStart = snapshot(block, true);
            // a training-mode pass moves the running statistics; the restore must bring them back
            step.losses(MetaStep.Data.VALIDATION);
            assertThrows(AssertionError.class, () -> assertSnapshotsEqual(atStart, snapshot(block), "moved"));
            inner.metaStep(step);
            assertSnapshotsEqual(atStart, snapshot(block), "after Auto-Lambda's restore");
            step.moveTo(step.gradient(MetaStep.Data.TRAINING, new double[] {1, 1, 1}).gradient(), 5);
            metaSteps++;
            // the loop restores this displacement itself
        }

        @Override
        public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
            // after the real step's forward pass, which has moved the running statistics in its turn
            assertSnapshotsEqual(trainedAtStart, snapshot(block, true), "at the real step");
            realSteps++;
            return inner.weightLosses(losses, learnable, context);
        }
    }

    @Test
    void metaStepRestoresParametersAndBatchNormStatisticsAndTheRealStepIsAPlainWeightedStep() {
        InMemoryMultiTaskDataset train = TestData.dataset(8, 8, 31, 0);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 8, 32, 0);
        TrainingSettings s = sgd(0.05f).epochs(1).batchSize(4).maxBatchesPerEpoch(1).build();
        Probe probe = new Probe();
        int[][] afterAutoLambda;
        int[][] initial;
        double[] lambda;
        try (MultiTaskModel m = model(MetaTestBlock.batchNorm(), TestData.tasks(), probe, 8, s)) {
            probe.block = m.trainingBlock();
            initial = snapshot(m.trainingBlock());
            m.trainer().output(QUIET, QUIET).fit(train, val);
            afterAutoLambda = snapshot(m.trainingBlock());
            lambda = probe.inner.weights();
        }
        assertEquals(1, probe.metaSteps);
        assertEquals(1, probe.realSteps);
        assertFalse(Arrays.equals(new double[] {0.1, 0.1, 0.1}, lambda), "λ moved");
        try (MultiTaskModel m = model(MetaTestBlock.batchNorm(), TestData.tasks(), Weightings.fixed(lambda), 8, s)) {
            assertSnapshotsEqual(initial, snapshot(m.trainingBlock()), "same initialisation");
            m.trainer().output(QUIET, QUIET).fit(train, val);
            assertSnapshotsEqual(snapshot(m.trainingBlock()), afterAutoLambda, "a plain step with the updated λ");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (3) training end to end

    private static final InMemoryMultiTaskDataset TRAIN = TestData.dataset(16, 8, 1, 0.2);
    /** 12 samples: 3 validation batches per cycle against 4 training batches per epoch. */
    private static final InMemoryMultiTaskDataset VAL = TestData.dataset(12, 8, 2, 0.2);

    private static MultiTaskModel tiny(int epochs) {
        return model(TinyMultiTaskBlock.architecture(), TestData.tasks(), Weightings.byName("equal", 3), 8,
                sgd(0.05f).epochs(epochs).batchSize(4).build());
    }

    private static MultiTaskModel tinyAutoLambda(int epochs) {
        return model(TinyMultiTaskBlock.architecture(), TestData.tasks(), AutoLambda.fromArguments(""), 8,
                sgd(0.05f).epochs(epochs).batchSize(4).build());
    }

    @Test
    void trainsFinitelyAndIdenticallyAndResumesFromACheckpoint(@TempDir Path dir) throws IOException {
        TrainingHistory a;
        TrainingHistory b;
        Map<String, double[]> stateA;
        Map<String, double[]> stateB;
        try (MultiTaskModel m = tinyAutoLambda(2)) {
            a = m.trainer().output(QUIET, QUIET).fit(TRAIN, VAL);
            stateA = m.weighting().state();
        }
        try (MultiTaskModel m = tinyAutoLambda(2)) {
            b = m.trainer().output(QUIET, QUIET).fit(TRAIN, VAL);
            stateB = m.weighting().state();
        }
        for (int e = 0; e < 2; e++) {
            assertArrayEquals(trainLosses(a)[e], trainLosses(b)[e], 0.0, "same seed, epoch " + e);
            assertArrayEquals(meanWeights(a)[e], meanWeights(b)[e], 0.0, "same seed, weights of epoch " + e);
            for (int k = 0; k < 3; k++) {
                assertTrue(Double.isFinite(trainLosses(a)[e][k]) && Double.isFinite(meanWeights(a)[e][k]));
            }
            assertTrue(Double.isFinite(a.epochs().get(e).validation().orElseThrow().totalLoss()));
        }
        assertStatesEqual(stateA, stateB, 0.0);
        assertEquals(8.0, stateA.get("adam_t")[0], "one λ update per step");
        double[] lambda = stateA.get("lambda");
        assertFalse(Arrays.equals(new double[] {0.1, 0.1, 0.1}, lambda), Arrays.toString(lambda));
        // 1 epoch, checkpoint, a fresh model resumes to 2: the same losses, the same λ
        try (MultiTaskModel m = tinyAutoLambda(1)) {
            m.trainer().output(QUIET, QUIET).checkpointDirectory(dir).fit(TRAIN, VAL);
        }
        try (MultiTaskModel m = tinyAutoLambda(2)) {
            CheckpointState state = m.loadCheckpoint(dir.resolve(MultiTaskTrainer.LAST_CHECKPOINT));
            assertEquals("autol", state.weighting());
            assertEquals(4.0, state.weightingState().get("adam_t")[0]);
            TrainingHistory resumed = m.trainer().output(QUIET, QUIET).resumeFrom(state).fit(TRAIN, VAL);
            assertEquals(1, resumed.epochs().size());
            assertArrayEquals(trainLosses(a)[1], trainLosses(resumed)[0], 0.0, "resumed epoch 2");
            assertArrayEquals(meanWeights(a)[1], meanWeights(resumed)[0], 0.0, "resumed weights of epoch 2");
            assertStatesEqual(stateA, m.weighting().state(), 0.0);
        }
    }

    private static void assertStatesEqual(Map<String, double[]> expected, Map<String, double[]> actual,
            double tolerance) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), tolerance, e.getKey());
        }
    }

    @Test
    void needsValidationDataAndSaysSoInOneLine() {
        try (MultiTaskModel m = tinyAutoLambda(1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.trainer().output(QUIET, QUIET).fit(TRAIN, null));
            assertEquals("weighting 'autol' needs validation data for its meta step: pass a validation set to fit()",
                    e.getMessage());
        }
        try (MultiTaskModel m = tiny(1)) {
            // strategies without a meta step still train without validation data
            m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
        }
    }

    @Test
    void memoryStaysFlatAcrossEpochs() {
        List<Integer> arrays = new ArrayList<>();
        try (MultiTaskModel m = tinyAutoLambda(5)) {
            MultiTaskTrainer t = m.trainer().output(QUIET, QUIET).addListeners(new TrainingListenerAdapter() {
                @Override
                public void onEpoch(Trainer trainer) {
                    arrays.add(NativeMemory.liveResources(trainer.getManager())
                            + NativeMemory.liveResources(m.djlModel().getNDManager()));
                }
            });
            t.fit(TRAIN, VAL);
        }
        for (int e = 2; e < arrays.size(); e++) {
            assertEquals(arrays.get(2), arrays.get(e), "live arrays per epoch " + arrays);
        }
    }

    @Test
    void trainsWithOneInputPerTask() {
        MultiInput train = MultiInput.builder()
                .task("seg", TestData.dataset(13, 8, 21, 0).selectTasks(0))
                .task("reg", TestData.dataset(7, 8, 22, 0.3).selectTasks(1))
                .task("nrm", TestData.dataset(4, 8, 23, 0).selectTasks(2))
                .sampling(Sampling.temperature(2)).epochLength(EpochLength.steps(3)).build();
        MultiInput val = MultiInput.builder()
                .task("seg", TestData.dataset(5, 8, 24, 0).selectTasks(0))
                .task("reg", TestData.dataset(5, 8, 25, 0).selectTasks(1))
                .task("nrm", TestData.dataset(5, 8, 26, 0).selectTasks(2))
                .sampling(Sampling.temperature(2)).epochLength(EpochLength.steps(2)).build();
        double[][] first = null;
        for (int run = 0; run < 2; run++) {
            try (MultiTaskModel m = model(TinyMultiTaskBlock.architecture(), TestData.tasks(),
                    AutoLambda.fromArguments(""), 8, sgd(0.05f).epochs(2).batchSize(5).build())) {
                TrainingHistory h = m.trainer().output(QUIET, QUIET).fit(train, val);
                double[][] w = meanWeights(h);
                for (double[] row : w) {
                    for (double x : row) {
                        assertTrue(Double.isFinite(x) && x != 0.1, Arrays.toString(row));
                    }
                }
                if (first == null) {
                    first = w;
                } else {
                    assertArrayEquals(first[1], w[1], 0.0, "same seed");
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // (4) the auxiliary-learning setting

    @Test
    void anAuxiliaryTaskThatOpposesThePrimaryTaskLosesWeightAndAnAlignedOneGains() {
        // task a is primary; b's target is −a's, c's is a's. The targets are large against the initial predictions,
        // so that b's gradient opposes a's ((w − u)·(w + u) = |w|² − |u|² < 0 for prediction w·x, target u·x)
        Regression train = regression(32, 5, 3, 1, -1, 1);
        Regression val = regression(16, 6, 3, 1, -1, 1);
        AutoLambda autol = AutoLambda.fromArguments("1e-4,0.1,a");
        TrainingSettings s = sgd(0.05f).epochs(3).batchSize(8).build();
        TrainingHistory h;
        try (MultiTaskModel m = model(MetaTestBlock.linear(), regressionTasks(3), autol, SIZE, s)) {
            h = m.trainer().output(QUIET, QUIET).fit(train.dataset(), val.dataset());
        }
        double[][] w = meanWeights(h);
        double[] lambda = autol.weights();
        // 12 Adam steps of about 1e-4 each
        assertTrue(lambda[1] < 0.1 - 5e-4, "opposing auxiliary task: " + Arrays.toString(lambda));
        assertTrue(lambda[2] > 0.1 + 5e-4, "aligned auxiliary task: " + Arrays.toString(lambda));
        assertTrue(lambda[0] > 0.1 + 5e-4, "primary task: " + Arrays.toString(lambda));
        for (int e = 1; e < w.length; e++) {
            assertTrue(w[e][1] < w[e - 1][1], "λ_b falls epoch after epoch: " + Arrays.deepToString(w));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the specification

    @Test
    void parsesItsArgumentsAndNamesAnUnknownPrimaryTask() {
        assertEquals("autol:1.0E-4,0.1", AutoLambda.fromArguments("").toString());
        assertEquals("autol:3.0E-5,0.5", AutoLambda.fromArguments("3e-5,0.5").toString());
        assertEquals("autol:1.0E-4,0.1,seg+nrm", AutoLambda.fromArguments("1e-4, 0.1, seg+nrm").toString());
        assertThrows(IllegalArgumentException.class, () -> AutoLambda.fromArguments("x"));
        assertThrows(IllegalArgumentException.class, () -> AutoLambda.fromArguments("-1"));
        assertThrows(IllegalArgumentException.class, () -> AutoLambda.fromArguments("1e-4,0.1,"));
        assertThrows(IllegalArgumentException.class, () -> AutoLambda.fromArguments("1e-4,0.1,a,b"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutoLambda.fromArguments("1e-4,0.1,depth").primaryMask(
                        com.google.common.collect.ImmutableList.of("seg", "reg")));
        assertTrue(e.getMessage().contains("'depth'"), e.getMessage());
        AutoLambda a = AutoLambda.fromArguments("");
        assertTrue(a.needsMetaStep());
        assertEquals(ImmutableMap.of(), a.state());
    }
}
