package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.CheckpointableOptimizer;
import org.mtl4j.core.training.LearningRateSchedule;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.grouping.affinity.TransferGains.Source;

/**
 * The optimiser-aware lookahead on a one-layer linear model with two MSE tasks, where every number is known in closed
 * form: {@code ŷ_k = a_k·(W·x)}, {@code L_k(W) = (1/N) Σ_n (a_k·W·x_n − y_kn)²}.
 */
class OptimizerLookaheadTest {

    private static final List<Task> TASKS = List.of(Task.regression("a", 1), Task.regression("b", 1));
    private static final double[][] X = {{1, 2}, {-1, 0.5}, {0.5, -1}, {2, 1}};
    private static final double[][] Y = {{1, 0, 2, 3}, {-1, 0.5, 0, 1}};
    private static final double[] W = {0.3, -0.2};
    private static final double[] A = {1.5, -0.7};
    private static final float RATE = 0.05f;
    private static final List<Source> SOURCES = TransferGains.sources(2, true);

    private static double loss(double[] w, int k) {
        double s = 0;
        for (int n = 0; n < X.length; n++) {
            double r = A[k] * (w[0] * X[n][0] + w[1] * X[n][1]) - Y[k][n];
            s += r * r;
        }
        return s / X.length;
    }

    /** ∇L_k(W) = (2 a_k / N) Σ_n (a_k·W·x_n − y_kn)·x_n. */
    private static double[] gradient(double[] w, int k) {
        double[] g = new double[2];
        for (int n = 0; n < X.length; n++) {
            double r = A[k] * (w[0] * X[n][0] + w[1] * X[n][1]) - Y[k][n];
            g[0] += 2 * r * A[k] * X[n][0] / X.length;
            g[1] += 2 * r * A[k] * X[n][1] / X.length;
        }
        return g;
    }

    /** {@code d_S = Σ_{k ∈ S} ∇L_k(W)}, with multiplicity. */
    private static double[] sourceGradient(Source s) {
        double[] d = new double[2];
        for (int k : s.members()) {
            double[] g = gradient(W, k);
            d[0] += g[0];
            d[1] += g[1];
        }
        return d;
    }

    /**
     * The closed form of an SGD lookahead on a quadratic loss: {@code L_t(W − η d) = L_t − η ∇L_tᵀd + η² dᵀH_t d}
     * with {@code H_t = (a_t²/N) Σ_n x_n x_nᵀ}, so {@code G(S→t) = (η ∇L_tᵀ d_S − η² d_Sᵀ H_t d_S) / L_t(W)}.
     */
    private static double closedForm(Source s, int t) {
        double[] d = sourceGradient(s);
        double[] g = gradient(W, t);
        double quadratic = 0;
        for (double[] x : X) {
            double dx = d[0] * x[0] + d[1] * x[1];
            quadratic += A[t] * A[t] * dx * dx / X.length;
        }
        return (RATE * (g[0] * d[0] + g[1] * d[1]) - RATE * RATE * quadratic) / loss(W, t);
    }

    private static LinearMultiTaskBlock block(NDManager manager) {
        LinearMultiTaskBlock block = new LinearMultiTaskBlock(TASKS);
        block.initialize(manager, DataType.FLOAT32, new Shape(4, 2));
        block.sharedWeight().getArray().set(new float[] {(float) W[0], (float) W[1]});
        for (int k = 0; k < TASKS.size(); k++) {
            block.headWeight(k).getArray().set(new float[] {(float) A[k]});
        }
        return block;
    }

    private static NDList labels(NDManager m) {
        NDList l = new NDList();
        for (double[] y : Y) {
            float[] f = new float[y.length];
            for (int n = 0; n < y.length; n++) {
                f[n] = (float) y[n];
            }
            l.add(EngineArrays.create(m, f, new Shape(4, 1)));
        }
        l.add(m.ones(new Shape(4, TASKS.size())));
        return l;
    }

    private static NDList inputs(NDManager m) {
        float[] f = new float[8];
        for (int n = 0; n < 4; n++) {
            f[2 * n] = (float) X[n][0];
            f[2 * n + 1] = (float) X[n][1];
        }
        return new NDList(EngineArrays.create(m, f, new Shape(4, 2)));
    }

    private static TrainingSettings settings(OptimizerKind kind) {
        return TrainingSettings.builder().optimizer(kind).learningRate(kind == OptimizerKind.SGD ? RATE : 0.02f)
                .momentum(kind == OptimizerKind.SGD ? 0.9f : 0f).weightDecay(0.01f)
                .schedule(LearningRateSchedule.COSINE).epochs(4).build();
    }

    /** Runs {@code measure} inside a gradient collector after a training step's backward pass, checking restoration. */
    private static double[][] measureLikeAListener(LinearMultiTaskBlock block, CheckpointableOptimizer optimizer,
            NDManager manager) {
        List<Parameter> all = block.getParameters().values();
        try (NDManager sub = manager.newSubManager();
                GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList x = inputs(sub);
            NDList labels = labels(sub);
            NDList preds = block.forward(new ParameterStore(sub, false), x, true);
            gc.backward(preds.get(0).sub(labels.get(0)).square().mean().add(preds.get(1).sub(labels.get(1)).abs()
                    .mean()));
            List<float[]> values = new ArrayList<>();
            List<float[]> grads = new ArrayList<>();
            for (Parameter p : all) {
                values.add(p.getArray().toFloatArray());
                grads.add(p.getArray().getGradient().toFloatArray());
            }
            double[][] g = OptimizerLookahead.measure(block, TASKS, optimizer, SOURCES, x, labels, sub);
            for (int p = 0; p < all.size(); p++) {
                assertArrayEquals(values.get(p), all.get(p).getArray().toFloatArray(), 0f, "value restored");
                assertArrayEquals(grads.get(p), all.get(p).getArray().getGradient().toFloatArray(), 0f,
                        "gradient restored");
            }
            return g;
        }
    }

    @Test
    void withPlainSgdTheGainIsTheClosedForm() {
        TrainingSettings sgd = TrainingSettings.builder().optimizer(OptimizerKind.SGD).learningRate(RATE).momentum(0f)
                .weightDecay(0f).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = block(manager);
            CheckpointableOptimizer o = CheckpointableOptimizer.of(sgd, 1, 0, ImmutableMap.of(), manager);
            double[][] g = measureLikeAListener(block, o, manager);
            assertEquals(5, SOURCES.size(), "a, b, a+a, a+b, b+b");
            for (int s = 0; s < SOURCES.size(); s++) {
                for (int t = 0; t < TASKS.size(); t++) {
                    double expected = closedForm(SOURCES.get(s), t);
                    assertEquals(expected, g[s][t], 2e-6 + 2e-4 * Math.abs(expected),
                            "G(" + SOURCES.get(s).label(List.of("a", "b")) + " → " + TASKS.get(t).name() + ")");
                }
            }
            // not degenerate: b's step hurts a, the pair's step helps a less than a's own double step
            int a = SOURCES.indexOf(Source.single(0));
            int b = SOURCES.indexOf(Source.single(1));
            int ab = SOURCES.indexOf(Source.pair(0, 1));
            int aa = SOURCES.indexOf(Source.pair(0, 0));
            assertTrue(g[b][0] < -1e-3 && g[a][0] > 1e-2, "b hurts a: " + g[b][0] + ", a helps a: " + g[a][0]);
            assertTrue(g[ab][0] < g[aa][0], "a with b gains less than a with itself");
            assertNotEquals(g[ab][0], g[a][0] + g[b][0], 1e-4, "the pair is no sum of singles (curvature)");
        }
    }

    /** An optimiser of this kind after three updates of the shared weight, replayed identically on every call. */
    private static CheckpointableOptimizer warmed(OptimizerKind kind, LinearMultiTaskBlock block, NDManager manager) {
        Parameter w = block.sharedWeight();
        CheckpointableOptimizer o = CheckpointableOptimizer.of(settings(kind), 2, 0,
                ImmutableMap.of(w.getId(), "shared"), manager);
        float[][] history = {{0.4f, -1.2f}, {-0.3f, 0.8f}, {1.1f, 0.2f}};
        for (float[] h : history) {
            try (NDArray g = EngineArrays.create(manager, h, w.getArray().getShape())) {
                o.update(w.getId(), w.getArray(), g);
            }
        }
        return o;
    }

    private static void assertSameState(OptimizerState expected, OptimizerState actual) {
        assertEquals(expected.moments().keySet(), actual.moments().keySet());
        expected.moments().forEach((name, arrays) -> {
            for (int i = 0; i < arrays.size(); i++) {
                assertArrayEquals(arrays.get(i), actual.moments().get(name).get(i), 0f, "moment " + i + " of " + name);
            }
        });
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void theLookaheadStepIsTheOptimisersNextStepAndLeavesItsStateAlone(OptimizerKind kind) {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = block(manager);
            CheckpointableOptimizer o = warmed(kind, block, manager);
            float[] start = block.sharedWeight().getArray().toFloatArray();
            double[] w0 = {start[0], start[1]};
            OptimizerState before = o.export();
            double[][] g = measureLikeAListener(block, o, manager);
            assertSameState(before, o.export());

            for (int s = 0; s < SOURCES.size(); s++) {
                Source src = SOURCES.get(s);
                // a clone of the optimiser (same history on a copy of the model) really takes the step
                LinearMultiTaskBlock twin = block(manager);
                CheckpointableOptimizer clone = warmed(kind, twin, manager);
                assertArrayEquals(start, twin.sharedWeight().getArray().toFloatArray(), 0f);
                double[] d = new double[2];
                for (int k : src.members()) {
                    double[] gk = gradient(w0, k);
                    d[0] += gk[0];
                    d[1] += gk[1];
                }
                Parameter tw = twin.sharedWeight();
                try (NDArray grad = EngineArrays.create(manager, new float[] {(float) d[0], (float) d[1]},
                        tw.getArray().getShape())) {
                    clone.update(tw.getId(), tw.getArray(), grad);
                }
                float[] stepped = tw.getArray().toFloatArray();
                double[] w1 = {stepped[0], stepped[1]};
                for (int t = 0; t < TASKS.size(); t++) {
                    double expected = 1 - loss(w1, t) / loss(w0, t);
                    assertEquals(expected, g[s][t], 1e-6 + 1e-4 * Math.abs(expected),
                            kind + " G(" + src.label(List.of("a", "b")) + " → " + t + ")");
                }
            }

            // the run continues exactly as an unmeasured one: the next real update equals the clone's
            LinearMultiTaskBlock twin = block(manager);
            CheckpointableOptimizer unmeasured = warmed(kind, twin, manager);
            float[] next = {0.7f, -0.4f};
            try (NDArray g1 = EngineArrays.create(manager, next, new Shape(1, 2));
                    NDArray g2 = EngineArrays.create(manager, next, new Shape(1, 2))) {
                o.update(block.sharedWeight().getId(), block.sharedWeight().getArray(), g1);
                unmeasured.update(twin.sharedWeight().getId(), twin.sharedWeight().getArray(), g2);
            }
            assertArrayEquals(twin.sharedWeight().getArray().toFloatArray(),
                    block.sharedWeight().getArray().toFloatArray(), 0f, kind + ": the next real step is unchanged");
        }
    }

    @Test
    void aFreshAdamStepsByTheSignOfTheGradient() {
        // Adam's first update is η·m̂/(√v̂ + ε) = η·g/(|g| + ε): the step is η·sign(d_S) whatever the gradient's
        // size, so a task paired with itself gains exactly what it gains alone, unlike plain SGD's doubled step
        float eta = 0.02f;
        TrainingSettings adam = TrainingSettings.builder().optimizer(OptimizerKind.ADAM).learningRate(eta)
                .weightDecay(0f).build();
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = block(manager);
            CheckpointableOptimizer o = CheckpointableOptimizer.of(adam, 1, 0, ImmutableMap.of(), manager);
            double[][] g = measureLikeAListener(block, o, manager);
            for (int s = 0; s < SOURCES.size(); s++) {
                double[] d = sourceGradient(SOURCES.get(s));
                double[] w1 = {W[0] - eta * Math.signum(d[0]), W[1] - eta * Math.signum(d[1])};
                for (int t = 0; t < TASKS.size(); t++) {
                    double expected = 1 - loss(w1, t) / loss(W, t);
                    assertEquals(expected, g[s][t], 1e-6 + 1e-4 * Math.abs(expected),
                            "Adam G(" + SOURCES.get(s).label(List.of("a", "b")) + " → " + t + ")");
                }
            }
            int a = SOURCES.indexOf(Source.single(0));
            int aa = SOURCES.indexOf(Source.pair(0, 0));
            assertEquals(g[a][0], g[aa][0], 1e-6, "Adam: {a, a} steps exactly as far as {a}");
            assertTrue(Math.abs(closedForm(Source.pair(0, 0), 0) - closedForm(Source.single(0), 0))
                    > 0.3 * Math.abs(closedForm(Source.single(0), 0)), "SGD: doubling the loss doubles the step");
        }
    }

    @Test
    void measuringNeedsAutogradAndSkipsUnlabelledTasks() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = block(manager);
            CheckpointableOptimizer o = warmed(OptimizerKind.ADAM, block, manager);
            NDList x = inputs(manager);
            NDList labels = labels(manager);
            assertThrows(IllegalStateException.class,
                    () -> OptimizerLookahead.measure(block, TASKS, o, SOURCES, x, labels, manager));
            labels.set(2, EngineArrays.create(manager, new float[] {1, 0, 1, 0, 1, 0, 1, 0}, new Shape(4, 2)));
            try (NDManager sub = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList preds = block.forward(new ParameterStore(sub, false), x, true);
                gc.backward(preds.get(0).sum().add(preds.get(1).sum()));
                double[][] g = OptimizerLookahead.measure(block, TASKS, o, SOURCES, x, labels, sub);
                for (int s = 0; s < SOURCES.size(); s++) {
                    boolean usesB = SOURCES.get(s).first() == 1 || SOURCES.get(s).second() == 1;
                    assertTrue(Double.isNaN(g[s][1]), "task b has no label");
                    assertEquals(usesB, Double.isNaN(g[s][0]), "a source with b is skipped: " + SOURCES.get(s));
                }
            }
        }
    }

    private static float[] trainAndReadWeights(boolean measure, int[] measurements, TransferGains[] gains) {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 6, 11, 0.2);
        TrainingSettings settings = TrainingSettings.builder().epochs(2).batchSize(8).learningRate(1e-2f).seed(5)
                .progressBar(false).verbose(false).build();
        try (MultiTaskModel model = MultiTask.builder().input(3, 6, 6).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks()).settings(settings).build()) {
            if (measure) {
                OptimizerLookahead.Measured m = OptimizerLookahead.train(model, train, null, 2, true);
                measurements[0] = m.gains().measurements();
                gains[0] = m.gains();
            } else {
                model.fit(train, null);
            }
            List<Float> all = new ArrayList<>();
            MultiTaskBlock net = model.network();
            for (var p : net.getParameters().values()) {
                for (float f : p.getArray().toFloatArray()) {
                    all.add(f);
                }
            }
            float[] out = new float[all.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = all.get(i);
            }
            return out;
        }
    }

    @Test
    void asATrainingListenerItMeasuresEveryNStepsWithoutChangingTheRun() {
        int[] count = new int[1];
        TransferGains[] gains = new TransferGains[1];
        float[] with = trainAndReadWeights(true, count, gains);
        float[] without = trainAndReadWeights(false, new int[1], new TransferGains[1]);
        assertArrayEquals(without, with, 0f, "the measurement leaves training (Adam's moments included) untouched");
        assertEquals(3, count[0], "2 epochs of 3 batches = 6 steps, measured at steps 0, 2 and 4");
        int k = TestData.tasks().size();
        assertEquals(k + k * (k + 1) / 2, gains[0].sources().size());
        double[][] s = gains[0].pairGains();
        for (int i = 0; i < k; i++) {
            assertTrue(s[i][i] > 0, "a task's own update lowers its own loss: " + s[i][i]);
            for (int t = 0; t < k; t++) {
                assertTrue(Double.isFinite(s[i][t]), "S[" + i + "][" + t + "]");
                assertTrue(Double.isFinite(gains[0].singles().z()[i][t]));
            }
        }
    }
}
