package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.TrainingSettings;

/** Lookahead affinity on a linear model where every number can be computed by hand. */
class LookaheadAffinityTest {

    private static final List<Task> TASKS = List.of(Task.regression("a", 1), Task.regression("b", 1),
            Task.regression("c", 1));
    private static final double[][] X = {{1, 2}, {-1, 0.5}, {0.5, -1}, {2, 1}};
    private static final double[][] Y = {{1, 0, 2, 3}, {-1, 0.5, 0, 1}, {0.5, 0.5, -2, 0}};
    private static final double[] W = {0.3, -0.2};
    private static final double[] A = {1.5, -0.7, 0.9};
    private static final float RATE = 0.05f;

    /** L_k(W) = (1/N) Σ_n (a_k·W·x_n − y_kn)². */
    private static double loss(double[] w, int k) {
        double s = 0;
        for (int n = 0; n < X.length; n++) {
            double z = w[0] * X[n][0] + w[1] * X[n][1];
            double r = A[k] * z - Y[k][n];
            s += r * r;
        }
        return s / X.length;
    }

    /** ∂L_k/∂W = (2/N) Σ_n (a_k·W·x_n − y_kn)·a_k·x_n. */
    private static double[] gradient(double[] w, int k) {
        double[] g = new double[2];
        for (int n = 0; n < X.length; n++) {
            double z = w[0] * X[n][0] + w[1] * X[n][1];
            double r = A[k] * z - Y[k][n];
            g[0] += 2 * r * A[k] * X[n][0] / X.length;
            g[1] += 2 * r * A[k] * X[n][1] / X.length;
        }
        return g;
    }

    private static double[][] byHand() {
        double[][] z = new double[3][3];
        for (int i = 0; i < 3; i++) {
            double[] g = gradient(W, i);
            double[] stepped = {W[0] - RATE * g[0], W[1] - RATE * g[1]};
            for (int j = 0; j < 3; j++) {
                z[i][j] = 1 - loss(stepped, j) / loss(W, j);
            }
        }
        return z;
    }

    private static LinearMultiTaskBlock linearBlock(NDManager manager) {
        LinearMultiTaskBlock block = new LinearMultiTaskBlock(TASKS);
        block.initialize(manager, DataType.FLOAT32, new Shape(4, 2));
        block.sharedWeight().getArray().set(new float[] {(float) W[0], (float) W[1]});
        for (int k = 0; k < 3; k++) {
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
            l.add(m.create(f, new Shape(4, 1)));
        }
        l.add(m.ones(new Shape(4, 3)));
        return l;
    }

    private static NDArray inputs(NDManager m) {
        float[] f = new float[8];
        for (int n = 0; n < 4; n++) {
            f[2 * n] = (float) X[n][0];
            f[2 * n + 1] = (float) X[n][1];
        }
        return m.create(f, new Shape(4, 2));
    }

    @Test
    void matchesTheHandComputedSgdLookaheadAndRestoresParametersAndGradients() {
        double[][] expected = byHand();
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = linearBlock(manager);
            NDArray x = inputs(manager);
            NDList labels = labels(manager);
            List<Parameter> all = block.getParameters().values();
            double[][] z;
            List<float[]> gradsBefore = new ArrayList<>();
            List<float[]> valuesBefore = new ArrayList<>();
            try (NDManager sub = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                // a training step's gradient is already accumulated when the listener runs: make one
                NDList preds = block.forward(new ParameterStore(sub, false), new NDList(x), true);
                NDArray total = preds.get(0).sub(labels.get(0)).square().mean()
                        .add(preds.get(2).sub(labels.get(2)).abs().mean());
                gc.backward(total);
                for (Parameter p : all) {
                    gradsBefore.add(p.getArray().getGradient().toFloatArray());
                    valuesBefore.add(p.getArray().toFloatArray());
                }
                z = LookaheadAffinity.lookahead(block, TASKS, new NDList(x), labels, RATE, sub);
                for (int p = 0; p < all.size(); p++) {
                    assertArrayEquals(valuesBefore.get(p), all.get(p).getArray().toFloatArray(),
                            "value of " + all.get(p).getName() + " restored");
                    assertArrayEquals(gradsBefore.get(p), all.get(p).getArray().getGradient().toFloatArray(),
                            "gradient of " + all.get(p).getName() + " restored");
                }
            }
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(expected[i][j], z[i][j], 2e-5 + 1e-4 * Math.abs(expected[i][j]),
                            "Z(" + TASKS.get(i).name() + "→" + TASKS.get(j).name() + ")");
                }
            }
            // the example is not degenerate: helpful and harmful pairs both occur
            boolean positive = false;
            boolean negative = false;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    positive |= i != j && expected[i][j] > 1e-3;
                    negative |= i != j && expected[i][j] < -1e-3;
                }
            }
            assertTrue(positive && negative, java.util.Arrays.deepToString(expected));
        }
    }

    @Test
    void taskWithoutLabelsInTheBatchGivesNaNAndAutogradIsRequired() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = linearBlock(manager);
            NDList labels = labels(manager);
            labels.set(3, manager.create(new float[] {1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1}, new Shape(4, 3)));
            NDArray x = inputs(manager);
            assertThrows(IllegalStateException.class,
                    () -> LookaheadAffinity.lookahead(block, TASKS, new NDList(x), labels, RATE, manager));
            try (NDManager sub = manager.newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                double[][] z = LookaheadAffinity.lookahead(block, TASKS, new NDList(x), labels, RATE, sub);
                for (int i = 0; i < 3; i++) {
                    assertTrue(Double.isNaN(z[i][1]), "task b has no label");
                    assertTrue(Double.isFinite(z[i][0]) && Double.isFinite(z[i][2]));
                }
            }
        }
    }

    private static Architecture tiny() {
        return TinyMultiTaskBlock.architecture();
    }

    private static float[] trainAndReadWeights(boolean measure, int[] measurements, double[][][] matrix) {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 6, 11, 0.2);
        TrainingSettings settings = TrainingSettings.builder().epochs(2).batchSize(8).learningRate(1e-2f).seed(5)
                .progressBar(false).verbose(false).build();
        try (MultiTaskModel model = MultiTask.builder().input(3, 6, 6).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(tiny()).tasks(TestData.tasks()).settings(settings).build()) {
            if (measure) {
                LookaheadAffinity.Measured m = LookaheadAffinity.train(model, train, null, 2, 0.1f);
                measurements[0] = m.affinities().measurements();
                matrix[0] = m.affinities().z();
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
        double[][][] matrix = new double[1][][];
        float[] with = trainAndReadWeights(true, count, matrix);
        float[] without = trainAndReadWeights(false, new int[1], new double[1][][]);
        assertArrayEquals(without, with, "the measurement leaves training untouched");
        assertEquals(3, count[0], "2 epochs of 3 batches = 6 steps, measured at steps 0, 2 and 4");
        for (double[] row : matrix[0]) {
            for (double v : row) {
                assertTrue(Double.isFinite(v), java.util.Arrays.deepToString(matrix[0]));
            }
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(matrix[0][i][i] > 0, "a task's own step lowers its own loss: " + matrix[0][i][i]);
        }
    }

    @Test
    void rejectsBadSettings() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock block = linearBlock(manager);
            assertThrows(IllegalArgumentException.class, () -> new LookaheadAffinity(block, TASKS, 0, 0.1f));
            assertThrows(IllegalArgumentException.class, () -> new LookaheadAffinity(block, TASKS, 1, 0f));
            assertThrows(IllegalArgumentException.class,
                    () -> new LookaheadAffinity(block, ImmutableList.of(TASKS.get(0)), 1, 0.1f));
        }
    }
}
