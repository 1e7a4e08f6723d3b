package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.losses;
import static org.mtl4j.losses.StrategyFixtures.matrix;
import static org.mtl4j.losses.StrategyFixtures.random;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.MetricSample;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.losses.WeightingFunctions.Combination;

/**
 * The training hooks compute what the plain-array functions compute: same weights, same direction, and for the
 * loss-based strategies a total whose gradient with respect to each loss is the reported weight.
 */
class HookConsistencyTest {

    private static final ImmutableList<String> TASKS = ImmutableList.of("a", "b", "c");
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static WeightingContext context(GradientMode mode, long seed, ImmutableList<Integer> counts,
            ImmutableList<GradientSegment> segments) {
        return new WeightingContext(3, 0, TASKS, ImmutableList.of(), seed, mode, counts, ImmutableList.of(),
                segments);
    }

    private static double[][] rounded(double[][] g) {
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            out[i] = new double[g[i].length];
            for (int j = 0; j < g[i].length; j++) {
                out[i][j] = (float) g[i][j];
            }
        }
        return out;
    }

    @Test
    void gramBasedHooksMatchThePlainArrayFunctions() {
        double[][] g = rounded(random(3, 40, 3));
        try (NDManager m = manager.newSubManager()) {
            NDArray gm = matrix(m, g);
            WeightingContext ctx = context(GradientMode.PARAMETERS, 11, ImmutableList.of(), ImmutableList.of());
            check(new PcGrad(), gm, ctx, WeightingFunctions.pcGrad(g, 11));
            check(new Mgda(), gm, ctx, WeightingFunctions.mgda(g));
            check(new CaGrad(0.5), gm, ctx, WeightingFunctions.caGrad(g, 0.5));
            check(new NashMtl(1.0), gm, ctx, WeightingFunctions.nashMtl(g, 1.0));
        }
    }

    private static void check(GradientBasedWeighting w, NDArray g, WeightingContext ctx, Combination expected) {
        CombinedGradient c = w.combineGradients(g, losses(g.getManager(), 1, 1, 1), new NDList(), ctx);
        assertArrayEquals(expected.weights(), c.weights(), 1e-4, w.name());
        assertArrayEquals(expected.direction(), Gradients.toDouble(c.gradient().toFloatArray()), 1e-3, w.name());
    }

    @Test
    void absentTasksAreLeftOutOfTheSolvers() {
        // task c has no labels in the batch, so its row is zero; MGDA must not collapse to the zero vector
        double[][] g = {{1, 0, 0}, {0, 2, 0}, {0, 0, 0}};
        try (NDManager m = manager.newSubManager()) {
            WeightingContext ctx = context(GradientMode.PARAMETERS, 1, ImmutableList.of(4, 4, 0),
                    ImmutableList.of());
            for (GradientBasedWeighting w : new GradientBasedWeighting[] {new Mgda(), new CaGrad(0.5), new NashMtl(0),
                new PcGrad()}) {
                CombinedGradient c = w.combineGradients(matrix(m, g), losses(m, 1, 1, 0), new NDList(), ctx);
                assertEquals(0, c.weights()[2], 0, w.name());
                double[] d = Gradients.toDouble(c.gradient().toFloatArray());
                assertTrue(d[0] > 0 && d[1] > 0, w.name() + " " + java.util.Arrays.toString(d));
            }
            CombinedGradient mg = new Mgda().combineGradients(matrix(m, g), losses(m, 1, 1, 0), new NDList(), ctx);
            assertArrayEquals(new double[] {0.8, 0.2, 0}, mg.weights(), 1e-6);
        }
    }

    @Test
    void imtlHookUsesTheLearntScalesAndGivesThemTheirGradient() {
        double[][] g = rounded(random(3, 30, 5));
        double[] s = {0.2f, -0.1f, 0.05f};
        try (NDManager m = manager.newSubManager()) {
            NDArray scales = m.create(Gradients.toFloat(s));
            CombinedGradient c = new Imtl().combineGradients(matrix(m, g), losses(m, 0.5, 2, 1),
                    new NDList(scales), context(GradientMode.PARAMETERS, 0, ImmutableList.of(), ImmutableList.of()));
            Combination expected = WeightingFunctions.imtl(g, s);
            assertArrayEquals(expected.weights(), c.weights(), 1e-4);
            assertArrayEquals(expected.direction(), Gradients.toDouble(c.gradient().toFloatArray()), 1e-3);
            // IMTL-L: ∂(e^{s} L − s)/∂s = e^{s} L − 1
            double[] ds = Gradients.toDouble(c.learnableGradients().get(0).toFloatArray());
            assertArrayEquals(new double[] {Math.exp(s[0]) * 0.5 - 1, Math.exp(s[1]) * 2 - 1, Math.exp(s[2]) - 1},
                    ds, 1e-6);
        }
    }

    @Test
    void gradNormHookReadsTheLastSharedWeightAndRenormalisesAfterTheStep() {
        // columns: a 2×2 weight (0..3), a bias (4..5), a 3×1 weight (6..8), a bias (9): the last weight is 6..8
        double[][] g = rounded(random(3, 10, 8));
        ImmutableList<GradientSegment> layout = ImmutableList.of(
                new GradientSegment("w1", 0, 4, new Shape(2, 2)), new GradientSegment("b1", 4, 2, new Shape(2)),
                new GradientSegment("w2", 6, 3, new Shape(3, 1)), new GradientSegment("b2", 9, 1, new Shape(1)));
        try (NDManager m = manager.newSubManager()) {
            NDArray w = m.create(new float[] {0.5f, 1.5f, 1f});
            GradNorm gn = new GradNorm(1.5);
            CombinedGradient c = gn.combineGradients(matrix(m, g), losses(m, 0.9, 1.2, 0.4), new NDList(w),
                    context(GradientMode.PARAMETERS, 0, ImmutableList.of(), layout));
            double[] norms = new double[3];
            for (int i = 0; i < 3; i++) {
                norms[i] = Math.sqrt(g[i][6] * g[i][6] + g[i][7] * g[i][7] + g[i][8] * g[i][8]);
            }
            // first step: L(0) = L, so r = 1 and every target is Ḡ
            var expected = WeightingFunctions.gradNorm(new double[] {0.5, 1.5, 1}, norms, new double[] {0.9, 1.2,
                0.4}, new double[] {0.9, 1.2, 0.4}, 1.5);
            assertArrayEquals(expected.weightGradient(), Gradients.toDouble(c.learnableGradients().get(0)
                    .toFloatArray()), 1e-5);
            assertArrayEquals(new double[] {0.5, 1.5, 1}, c.weights(), 1e-7);
            assertArrayEquals(Gradients.combine(g, new double[] {0.5, 1.5, 1}),
                    Gradients.toDouble(c.gradient().toFloatArray()), 1e-5);
            assertArrayEquals(new double[] {0.9, 1.2, 0.4}, gn.state().get("initial_losses"), 1e-6);
            // after the step: renormalised in place to Σw = K
            w.muli(2f);
            gn.afterStep(new NDList(w), new double[3], Optional.empty(), context(GradientMode.PARAMETERS, 0,
                    ImmutableList.of(), layout));
            assertArrayEquals(new float[] {0.5f, 1.5f, 1f}, w.toFloatArray(), 1e-6f);
        }
    }

    @Test
    void gradDropHookMatchesTheRuleWithTheStepsUniforms() {
        double[][] g = rounded(random(3, 200, 9));
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = new GradDrop(0.2).combineGradients(matrix(m, g), losses(m, 1, 1, 1), new NDList(),
                    context(GradientMode.REPRESENTATION, 77, ImmutableList.of(), ImmutableList.of()));
            double[] u = Gradients.toDouble(GradDrop.uniforms(77, 200));
            Combination expected = WeightingFunctions.gradDrop(g, u, 0.2);
            assertArrayEquals(expected.direction(), Gradients.toDouble(c.gradient().toFloatArray()), 1e-5);
            assertArrayEquals(expected.weights(), c.weights(), 1e-5);
        }
    }

    @Test
    void uncertaintyHookHasTheHandWorkedLossAndGradients() {
        try (NDManager m = manager.newSubManager(); GradientCollector gc = Engine.getInstance()
                .newGradientCollector()) {
            NDArray s = m.create(new float[] {0f, (float) Math.log(2), 0.3f});
            s.setRequiresGradient(true);
            NDList l = losses(m, 2, 0.5, 7);
            for (NDArray x : l) {
                x.setRequiresGradient(true);
            }
            // task c is absent from the batch: neither of its terms counts
            WeightingContext ctx = new WeightingContext(0, 0, TASKS, ImmutableList.of(), 0, GradientMode.NONE,
                    ImmutableList.of(2, 2, 0), ImmutableList.of(), ImmutableList.of());
            WeightedLoss wl = new UncertaintyWeighting(-0.5).weightLosses(l, new NDList(s), ctx);
            assertEquals(1 + 0.125 + Math.log(2) / 2, wl.total().getFloat(), 1e-6);
            gc.backward(wl.total());
            assertArrayEquals(new float[] {-0.5f, 0.375f, 0f}, s.getGradient().toFloatArray(), 1e-6f);
            assertEquals(0.5, l.get(0).getGradient().getFloat(), 1e-6);
            assertEquals(0.25, l.get(1).getGradient().getFloat(), 1e-6);
        }
    }

    @Test
    void lossHooksReportWeightsThatAreTheGradientOfTheirTotal() {
        ImmutableList<ImmutableList<Double>> history = ImmutableList.of(ImmutableList.of(1.0, 2.0, 0.5),
                ImmutableList.of(0.8, 1.9, 0.5));
        ImmutableList<MetricSample> metrics = ImmutableList.of(new MetricSample("acc", 0.7, true),
                new MetricSample("err", 3.0, false), new MetricSample("err", 0.4, false));
        LossBasedWeighting[] strategies = {new DynamicWeightAverage(2), new RandomLossWeighting(),
            new GeometricLossStrategy(), new Famo(0.025, 1e-3), new DynamicTaskPrioritization(1, 0.1)};
        for (LossBasedWeighting w : strategies) {
            try (NDManager m = manager.newSubManager(); GradientCollector gc = Engine.getInstance()
                    .newGradientCollector()) {
                NDList l = losses(m, 0.9, 2.5, 0.3);
                for (NDArray x : l) {
                    x.setRequiresGradient(true);
                }
                WeightingContext ctx = new WeightingContext(5, 2, TASKS, history, 99, GradientMode.NONE,
                        ImmutableList.of(), metrics, ImmutableList.of());
                WeightedLoss wl = w.weightLosses(l, new NDList(), ctx);
                gc.backward(wl.total());
                for (int i = 0; i < 3; i++) {
                    assertEquals(wl.weights()[i], l.get(i).getGradient().getFloat(), 1e-5 * (1 + wl.weights()[i]),
                            w.name() + " task " + i);
                }
            }
        }
        // and the weights are the plain functions'
        assertArrayEquals(WeightingFunctions.rlwWeights(3, 99), weightsOf(new RandomLossWeighting(), history,
                metrics), 1e-12);
        assertArrayEquals(WeightingFunctions.dwaWeights(new double[] {0.8, 1.9, 0.5}, new double[] {1, 2, 0.5}, 2),
                weightsOf(new DynamicWeightAverage(2), history, metrics), 1e-12);
        assertArrayEquals(WeightingFunctions.glsWeights(new double[] {0.9f, 2.5f, 0.3f}),
                weightsOf(new GeometricLossStrategy(), history, metrics), 1e-7);
        assertArrayEquals(WeightingFunctions.famoWeights(new double[3], new double[] {0.9f, 2.5f, 0.3f}),
                weightsOf(new Famo(0.025, 1e-3), history, metrics), 1e-7);
        // DTP's first batch: κ = (0.7, 0.5, 0.5)
        assertArrayEquals(WeightingFunctions.dtpWeights(new double[] {0.7, 0.5, 0.5}, 1),
                weightsOf(new DynamicTaskPrioritization(1, 0.1), history, metrics), 1e-12);
    }

    private static double[] weightsOf(LossBasedWeighting w, ImmutableList<ImmutableList<Double>> history,
            ImmutableList<MetricSample> metrics) {
        try (NDManager m = manager.newSubManager()) {
            WeightingContext ctx = new WeightingContext(5, 2, TASKS, history, 99, GradientMode.NONE,
                    ImmutableList.of(), metrics, ImmutableList.of());
            return w.weightLosses(losses(m, 0.9, 2.5, 0.3), new NDList(), ctx).weights();
        }
    }

    @Test
    void dwaUsesWeightOneForTheFirstTwoEpochs() {
        try (NDManager m = manager.newSubManager()) {
            WeightingContext ctx = new WeightingContext(5, 1, TASKS, ImmutableList.of(ImmutableList.of(1.0, 2.0,
                    3.0)), 0);
            WeightedLoss wl = new DynamicWeightAverage(2).weightLosses(losses(m, 1, 2, 3), new NDList(), ctx);
            assertArrayEquals(new double[] {1, 1, 1}, wl.weights(), 0);
            assertEquals(6, wl.total().getFloat(), 1e-6);
        }
    }

    @Test
    void dtpMovingAverageOverTwoBatchesWorkedByHand() {
        DynamicTaskPrioritization dtp = new DynamicTaskPrioritization(1, 0.1);
        ImmutableList<String> two = ImmutableList.of("s", "d");
        try (NDManager m = manager.newSubManager()) {
            dtp.weightLosses(losses(m, 1, 1), new NDList(), new WeightingContext(0, 0, two, ImmutableList.of(), 0,
                    GradientMode.NONE, ImmutableList.of(), ImmutableList.of(new MetricSample("mIoU", 0.5, true),
                            new MetricSample("abs_err", 4.0, false)), ImmutableList.of()));
            WeightedLoss wl = dtp.weightLosses(losses(m, 1, 1), new NDList(), new WeightingContext(1, 0, two,
                    ImmutableList.of(), 0, GradientMode.NONE, ImmutableList.of(), ImmutableList.of(
                            new MetricSample("mIoU", 0.7, true), new MetricSample("abs_err", 2.0, false)),
                    ImmutableList.of()));
            // κ̄_s = 0.1·0.7 + 0.9·0.5 = 0.52; κ̄_d = 0.1·(4/6) + 0.9·(4/8) = 0.51667
            assertArrayEquals(new double[] {0.52, 0.5166666667}, dtp.state().get("kpi_average"), 1e-9);
            assertArrayEquals(new double[] {0.3138847044, 0.3191727229}, wl.weights(), 1e-9);
            // without the loop's metrics DTP says what is missing
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dtp.weightLosses(
                    losses(m, 1, 1), new NDList(), new WeightingContext(0, 0, two, ImmutableList.of(), 0)));
            assertTrue(e.getMessage().contains("usesTrainingMetrics"), e.getMessage());
        }
    }

    @Test
    void famoAfterStepMovesTheLogitsAsWorkedByHand() {
        Famo famo = new Famo(0.025, 1e-3);
        ImmutableList<String> two = ImmutableList.of("a", "b");
        WeightingContext ctx = new WeightingContext(0, 0, two, ImmutableList.of(), 0);
        try (NDManager m = manager.newSubManager()) {
            famo.weightLosses(losses(m, 1, 3), new NDList(), ctx);
        }
        famo.afterStep(new NDList(), new double[] {1, 3}, Optional.of(new double[] {0.5, 2.7}), ctx);
        assertArrayEquals(new double[] {-0.025, 0.025}, famo.state().get("logits"), 1e-8);
        assertArrayEquals(new double[] {1}, famo.state().get("adam_t"), 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> famo.afterStep(new NDList(), new double[2], Optional.empty(), ctx));
        assertTrue(e.getMessage().contains("reevaluatesAfterStep"), e.getMessage());
    }
}
