package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/** SI-LS on hand-worked losses: {@code L = Σ log(L_i + ε)}, weights and autograd gradients {@code 1 / (L_i + ε)}. */
class ScaleInvariantLossTest {

    private static final ImmutableList<String> THREE = ImmutableList.of("a", "b", "c");
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private record Result(double total, double[] weights, double[] gradients) {}

    private static Result run(ImmutableList<String> tasks, ImmutableList<Integer> counts, double... losses) {
        WeightingContext ctx = new WeightingContext(0, 0, tasks, ImmutableList.of(), 0, GradientMode.NONE, counts,
                ImmutableList.of(), ImmutableList.of());
        try (NDManager m = manager.newSubManager(); GradientCollector gc = Engine.getInstance()
                .newGradientCollector()) {
            NDList l = new NDList();
            for (double v : losses) {
                NDArray x = EngineArrays.scalar(m, (float) v);
                x.setRequiresGradient(true);
                l.add(x);
            }
            WeightedLoss wl = new ScaleInvariantLoss().weightLosses(l, new NDList(), ctx);
            double total = wl.total().getFloat();
            gc.backward(wl.total());
            double[] g = new double[losses.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = l.get(i).getGradient().getFloat();
            }
            return new Result(total, wl.weights(), g);
        }
    }

    @Test
    void sumOfLogLossesWithWeightsOneOverTheLoss() {
        // L = ln 2 + ln ½ + ln 4 = ln 4; ∂L/∂L_i = 1/L_i = (½, 2, ¼)
        Result r = run(THREE, ImmutableList.of(), 2, 0.5, 4);
        assertEquals(Math.log(4), r.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 2, 0.25}, r.weights(), 1e-7);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
        assertEquals(Math.log(4), ScaleInvariantLoss.loss(new double[] {2, 0.5, 4}, Gradients.all(3)), 1e-7);
    }

    @Test
    void scalingOneLossOnlyShiftsTheTotalAndScalesItsOwnWeight() {
        // loss b × 10: L grows by ln 10, the weights of a and c are unchanged, b's is 2/10
        Result r = run(THREE, ImmutableList.of(), 2, 5, 4);
        assertEquals(Math.log(4) + Math.log(10), r.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 0.2, 0.25}, r.weights(), 1e-7);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
    }

    @Test
    void equalLossesOneTaskAndAbsentTasks() {
        // equal losses of 1: L = 0, weights 1
        Result eq = run(THREE, ImmutableList.of(), 1, 1, 1);
        assertEquals(0, eq.total(), 1e-6);
        assertArrayEquals(new double[] {1, 1, 1}, eq.weights(), 1e-7);
        assertArrayEquals(eq.weights(), eq.gradients(), 1e-6);
        // one task: L = ln 0.25, weight 4
        Result one = run(ImmutableList.of("a"), ImmutableList.of(), 0.25);
        assertEquals(Math.log(0.25), one.total(), 1e-6);
        assertArrayEquals(new double[] {4}, one.gradients(), 1e-5);
        // task b absent (loss 0 by convention): left out, weight 0, no log(0)
        Result absent = run(THREE, ImmutableList.of(3, 0, 3), 2, 0, 4);
        assertEquals(Math.log(8), absent.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 0, 0.25}, absent.weights(), 1e-7);
        assertArrayEquals(absent.weights(), absent.gradients(), 1e-6);
        // none present: zero loss and weights
        Result none = run(THREE, ImmutableList.of(0, 0, 0), 0, 0, 0);
        assertEquals(0, none.total(), 0);
        assertArrayEquals(new double[3], none.gradients(), 0);
    }

    @Test
    void aZeroLossIsFlooredByEpsilonNotMinusInfinity() {
        // log(0 + 1e-8) = −18.4207; weight 1/1e-8 = 1e8 (nash-mtl's log(0) would be −∞)
        Result r = run(ImmutableList.of("a", "b"), ImmutableList.of(), 0, 1);
        assertEquals(Math.log(1e-8), r.total(), 1e-5);
        assertEquals(1e8, r.weights()[0], 1);
        assertEquals(1e8, r.gradients()[0], 1e8 * 1e-6);
        assertTrue(Double.isFinite(r.total()));
        assertEquals("si-ls", new ScaleInvariantLoss().name());
    }
}
