package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.affinity.LinearMultiTaskBlock;
import org.mtl4j.grouping.study.StudyData;

/** Grad-TAE on a linear model where every number is known in closed form, and on a tiny trained network. */
class GradTaeTest {

    private static final List<Task> TASKS = List.of(Task.regression("a", 1), Task.regression("b", 1),
            Task.regression("c", 1));
    private static final double[] W = {0.3, -0.2};
    private static final double[] A = {1.5, -0.7, 0.9};
    private static final double[][] X = {{1, 2}, {-1, 0.5}, {0.5, -1}, {2, 1}, {-0.3, 0.8}, {1.2, -0.6}};
    private static final double[][] Y = {{1, 0, 2, 3, -1, 0.5}, {-1, 0.5, 0, 1, 0.2, -0.4},
        {0.5, 0.5, -2, 0, 1, 1.5}};
    private static final double[][] XV = {{0.4, -0.9}, {-1.5, 0.2}, {0.7, 1.1}};
    private static final double[][] YV = {{0.2, -1, 1}, {0.3, 0.1, -0.5}, {-0.2, 1.3, 0.4}};

    private static InMemoryMultiTaskDataset dataset(double[][] x, double[][] y, int missingTaskOfSample0) {
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(2),
                List.of(new Shape(1), new Shape(1), new Shape(1)));
        for (int n = 0; n < x.length; n++) {
            float[][] labels = new float[3][];
            boolean[] present = new boolean[3];
            for (int t = 0; t < 3; t++) {
                labels[t] = new float[] {(float) y[t][n]};
                present[t] = !(n == 0 && t == missingTaskOfSample0);
            }
            b.add(new float[] {(float) x[n][0], (float) x[n][1]}, labels, present);
        }
        return b.build();
    }

    private static LinearMultiTaskBlock block(NDManager manager) {
        LinearMultiTaskBlock block = new LinearMultiTaskBlock(TASKS);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 2));
        block.sharedWeight().getArray().set(new float[] {(float) W[0], (float) W[1]});
        for (int k = 0; k < 3; k++) {
            block.headWeight(k).getArray().set(new float[] {(float) A[k]});
        }
        return block;
    }

    @Test
    void perSampleGradientsAreTheHandComputedOnesProjectedByAFixedMatrix() {
        GradientProjection m = GradientProjection.of(new double[][] {{1, 2}, {0, -1}, {0.5, 0.5}});
        try (NDManager manager = NDManager.newBaseManager()) {
            LinearMultiTaskBlock net = block(manager);
            List<ProjectedSamples> s = SampleGradients.collect(net, TASKS, List.of(LossLink.SQUARE, LossLink.SQUARE,
                    LossLink.SQUARE), dataset(X, Y, 1), m, 0, manager);
            assertEquals(List.of(6, 5, 6), s.stream().map(ProjectedSamples::size).toList(),
                    "sample 0 has no label for b");
            for (int t = 0; t < 3; t++) {
                int row = 0;
                for (int n = 0; n < X.length; n++) {
                    if (n == 0 && t == 1) {
                        continue;
                    }
                    // ℓ = (a_t·W·x − y)², ∂ℓ/∂W = 2·r·a_t·x
                    double r = A[t] * (W[0] * X[n][0] + W[1] * X[n][1]) - Y[t][n];
                    double[] g = {2 * r * A[t] * X[n][0], 2 * r * A[t] * X[n][1]};
                    assertEquals(r * r, s.get(t).losses()[row], 1e-5);
                    assertArrayEquals(m.project(g), s.get(t).features()[row], 1e-5, "task " + t + " sample " + n);
                    row++;
                }
            }
            List<ProjectedSamples> capped = SampleGradients.collect(net, TASKS, List.of(LossLink.SQUARE,
                    LossLink.SQUARE, LossLink.SQUARE), dataset(X, Y, 1), m, 2, manager);
            assertEquals(List.of(2, 2, 2), capped.stream().map(ProjectedSamples::size).toList());
            assertArrayEquals(s.get(1).features()[0], capped.get(1).features()[0], "the first labelled samples");
            assertArrayEquals(new float[] {(float) W[0], (float) W[1]}, net.sharedWeight().getArray().toFloatArray());
        }
    }

    @Test
    void theProjectionReachesTheDeviceIntactAlsoWhenItIsCopiedInPieces() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int dim : new int[] {7, 400_001}) {
                GradientProjection m = GradientProjection.gaussian(3, dim, 5);
                try (ai.djl.ndarray.NDArray a = m.toArray(manager)) {
                    assertEquals(new Shape(3, dim), a.getShape());
                    float[] f = a.toFloatArray();
                    for (int i : new int[] {0, 1, dim - 1, dim, 2 * dim + 3, 3 * dim - 1}) {
                        assertEquals((float) m.entry(i / dim, i % dim), f[i], "entry " + i);
                    }
                }
            }
        }
    }

    /** W_S = argmin Σ_{t ∈ S} (1/n_t) Σ_i (a_t·W·x_i − y_ti)², by the 2×2 normal equations. */
    private static double[] leastSquares(List<Integer> subset) {
        double[][] lhs = new double[2][2];
        double[] rhs = new double[2];
        for (int t : subset) {
            int n = X.length;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < 2; p++) {
                    rhs[p] += A[t] * Y[t][i] * X[i][p] / n;
                    for (int q = 0; q < 2; q++) {
                        lhs[p][q] += A[t] * A[t] * X[i][p] * X[i][q] / n;
                    }
                }
            }
        }
        return HigherOrderSurrogate.solve(lhs, rhs);
    }

    private static double validationLoss(double[] w, int t) {
        double s = 0;
        for (int i = 0; i < XV.length; i++) {
            double r = A[t] * (w[0] * XV[i][0] + w[1] * XV[i][1]) - YV[t][i];
            s += r * r;
        }
        return s / XV.length;
    }

    @Test
    void onALinearModelTheEstimateIsTheClosedFormLeastSquaresFitOfEverySubset() {
        for (GradTae.Evaluation e : GradTae.Evaluation.values()) {
            try (NDManager manager = NDManager.newBaseManager()) {
                LinearMultiTaskBlock net = block(manager);
                // d = D = 2 and λ = 0: w ↦ θ* + Mᵀw is onto, so the fit is least squares over W itself
                GradTae.Result r = GradTae.builder().projectionDimension(2).ridge(0).evaluation(e).seed(3).build()
                        .estimate(net, TASKS, dataset(X, Y, -1), dataset(XV, YV, -1), dataset(XV, YV, -1), manager);
                LossTable val = r.losses().split("val");
                assertEquals(List.of("ab", "ac", "bc"), val.candidates().subList(3, 6).stream()
                        .map(Candidate::name).toList());
                assertEquals(7, val.candidates().size());
                for (Candidate c : val.candidates()) {
                    List<Integer> subset = new ArrayList<>();
                    for (int t = 0; t < 3; t++) {
                        if (c.tasks().contains(TASKS.get(t).name())) {
                            subset.add(t);
                        }
                    }
                    double[] ws = leastSquares(subset);
                    for (int t : subset) {
                        double expected = validationLoss(ws, t);
                        assertEquals(expected, c.loss(TASKS.get(t).name()), 2e-4 * Math.max(1, expected),
                                e + " " + c.name() + " " + TASKS.get(t).name());
                    }
                }
                assertEquals(val, r.losses().split("test"), "the same samples give the same estimates");
                assertEquals(2, r.gradientDimension());
                assertEquals(0, r.lambda());
                assertEquals(LossLink.SQUARE, r.links().get("a"));
                assertArrayEquals(new float[] {(float) W[0], (float) W[1]},
                        net.sharedWeight().getArray().toFloatArray(), "θ* restored");
            }
        }
    }

    private static StudyData tinyData() {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 6, 1, 0.1);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 6, 2, 0);
        InMemoryMultiTaskDataset test = TestData.dataset(8, 6, 3, 0);
        return StudyData.of(TestData.tasks(), train, val, test, new Shape(3, 6, 6), "tiny");
    }

    @Test
    void onATinyTrainedNetworkItIsDeterministicPerSeedAndLeavesTheModelAsItWas() {
        StudyData data = tinyData();
        TrainingSettings settings = TrainingSettings.builder().epochs(1).batchSize(8).learningRate(1e-2f).seed(5)
                .progressBar(false).verbose(false).build();
        try (MultiTaskModel model = GradTae.trainMetaModel(data, TinyMultiTaskBlock.architecture(),
                TinyMultiTaskBlock.encoderFactory(), settings)) {
            EvaluationResult before = model.evaluate(data.validation());
            List<float[]> params = new ArrayList<>();
            for (Parameter p : model.network().getParameters().values()) {
                params.add(p.getArray().toFloatArray());
            }
            GradTae tae = GradTae.builder().projectionDimension(8).seed(11).maxSamplesPerTask(10)
                    .evaluation(GradTae.Evaluation.NETWORK).build();
            GradTae.Result r = tae.estimate(model, data);
            assertEquals(r.losses(), tae.estimate(model, data).losses(), "same seed, same estimates");
            assertNotEquals(r.losses(), GradTae.builder().projectionDimension(8).seed(12).maxSamplesPerTask(10).build()
                    .estimate(model, data).losses(), "another projection, other estimates");
            int i = 0;
            for (Parameter p : model.network().getParameters().values()) {
                assertArrayEquals(params.get(i++), p.getArray().toFloatArray(), p.getName() + " unchanged");
            }
            assertEquals(before.task("seg").loss(), model.evaluate(data.validation()).task("seg").loss());

            assertEquals(ImmutableList.of("seg", "reg", "nrm"), r.losses().tasks());
            assertEquals(LossLink.LOGISTIC, r.links().get("seg"));
            assertEquals(LossLink.SQUARE, r.links().get("nrm"));
            assertEquals(8, r.weights().get("seg&reg&nrm").length);
            assertTrue(r.samples().values().stream().allMatch(n -> n <= 10 && n > 0), r.samples().toString());
            for (String split : List.of("val", "test")) {
                LossTable t = r.losses().split(split);
                assertEquals(7, t.candidates().size());
                for (Candidate c : t.candidates()) {
                    assertEquals(c.tasks(), c.losses().keySet());
                    c.losses().values().forEach(l -> assertTrue(Double.isFinite(l) && l > 0, c.toString()));
                }
            }
            assertEquals(r.losses().split("val"), r.losses().toMeasuredLosses().split("val"), "the CSV reads back");

            // no step at all (an enormous ridge weight): every subset's estimate is the meta network's loss
            GradTae.Result frozen = GradTae.builder().projectionDimension(8).ridge(1e12).maxSamplesPerTask(10)
                    .evaluation(GradTae.Evaluation.NETWORK).build().estimate(model, data);
            for (Candidate c : frozen.losses().split("val").candidates()) {
                for (String t : c.losses().keySet()) {
                    assertEquals(before.task(t).loss(), c.loss(t), 1e-5 * before.task(t).loss(), c.name() + " " + t);
                }
            }
            // the linearised evaluation runs on the validation gradients and agrees at w = 0 too
            GradTae.Result lin = GradTae.builder().projectionDimension(8).ridge(1e12).maxSamplesPerTask(10)
                    .evaluation(GradTae.Evaluation.LINEARISED).build().estimate(model, data);
            for (Candidate c : lin.losses().split("val").candidates()) {
                for (String t : c.losses().keySet()) {
                    assertEquals(before.task(t).loss(), c.loss(t), 1e-4 * before.task(t).loss(), c.name() + " " + t);
                }
            }
        }
    }
}
