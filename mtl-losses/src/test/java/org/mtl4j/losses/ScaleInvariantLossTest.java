package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.lossStep;

import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.StrategyFixtures.LossStep;

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

    private static LossStep run(ImmutableList<String> tasks, ImmutableList<Integer> counts, double... losses) {
        return lossStep(manager, new ScaleInvariantLoss(), context(tasks, GradientMode.NONE, counts), losses);
    }

    @Test
    void sumOfLogLossesWithWeightsOneOverTheLoss() {
        // L = ln 2 + ln ½ + ln 4 = ln 4; ∂L/∂L_i = 1/L_i = (½, 2, ¼)
        LossStep r = run(THREE, ImmutableList.of(), 2, 0.5, 4);
        assertEquals(Math.log(4), r.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 2, 0.25}, r.weights(), 1e-7);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
        assertEquals(Math.log(4), ScaleInvariantLoss.loss(new double[] {2, 0.5, 4}, Gradients.all(3)), 1e-7);
    }

    @Test
    void scalingOneLossOnlyShiftsTheTotalAndScalesItsOwnWeight() {
        // loss b × 10: L grows by ln 10, the weights of a and c are unchanged, b's is 2/10
        LossStep r = run(THREE, ImmutableList.of(), 2, 5, 4);
        assertEquals(Math.log(4) + Math.log(10), r.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 0.2, 0.25}, r.weights(), 1e-7);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
    }

    @Test
    void equalLossesOneTaskAndAbsentTasks() {
        // equal losses of 1: L = 0, weights 1
        LossStep eq = run(THREE, ImmutableList.of(), 1, 1, 1);
        assertEquals(0, eq.total(), 1e-6);
        assertArrayEquals(new double[] {1, 1, 1}, eq.weights(), 1e-7);
        assertArrayEquals(eq.weights(), eq.gradients(), 1e-6);
        // one task: L = ln 0.25, weight 4
        LossStep one = run(ImmutableList.of("a"), ImmutableList.of(), 0.25);
        assertEquals(Math.log(0.25), one.total(), 1e-6);
        assertArrayEquals(new double[] {4}, one.gradients(), 1e-5);
        // task b absent (loss 0 by convention): left out, weight 0, no log(0)
        LossStep absent = run(THREE, ImmutableList.of(3, 0, 3), 2, 0, 4);
        assertEquals(Math.log(8), absent.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 0, 0.25}, absent.weights(), 1e-7);
        assertArrayEquals(absent.weights(), absent.gradients(), 1e-6);
        // none present: zero loss and weights
        LossStep none = run(THREE, ImmutableList.of(0, 0, 0), 0, 0, 0);
        assertEquals(0, none.total(), 0);
        assertArrayEquals(new double[3], none.gradients(), 0);
    }

    @Test
    void aZeroLossIsFlooredByEpsilonNotMinusInfinity() {
        // log(0 + 1e-8) = −18.4207; weight 1/1e-8 = 1e8 (nash-mtl's log(0) would be −∞)
        LossStep r = run(ImmutableList.of("a", "b"), ImmutableList.of(), 0, 1);
        assertEquals(Math.log(1e-8), r.total(), 1e-5);
        assertEquals(1e8, r.weights()[0], 1);
        assertEquals(1e8, r.gradients()[0], 1e8 * 1e-6);
        assertTrue(Double.isFinite(r.total()));
        assertEquals("si-ls", new ScaleInvariantLoss().name());
    }
}
