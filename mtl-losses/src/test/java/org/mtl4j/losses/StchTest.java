package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.lossStep;

import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.losses.StrategyFixtures.LossStep;

/** STCH on hand-worked losses: the value, the reported weights and the gradient autograd gives each task loss. */
class StchTest {

    private static final ImmutableList<String> TWO = ImmutableList.of("a", "b");
    private static final ImmutableList<String> THREE = ImmutableList.of("a", "b", "c");
    private static final double LN2 = Math.log(2);
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static WeightingContext context(ImmutableList<String> tasks, int epoch, ImmutableList<Integer> counts,
            ImmutableList<ImmutableList<Double>> history) {
        return new WeightingContext(0, epoch, tasks, history, 0, GradientMode.NONE, counts, ImmutableList.of(),
                ImmutableList.of());
    }

    static WeightingContext context(ImmutableList<String> tasks, int epoch) {
        return context(tasks, epoch, ImmutableList.of(), ImmutableList.of());
    }

    /** One batch: the total, the reported weights and autograd's ∂total/∂L_i. */
    static LossStep run(LossBasedWeighting w, WeightingContext ctx, double... losses) {
        return lossStep(manager, w, ctx, losses);
    }

    /** Records two batches in warm-up epoch 0 with losses (2, 1) and (4, 3): nadir (3, 2). */
    private static Stch warmedUp(double mu) {
        Stch s = new Stch(mu, 0);
        run(s, context(TWO, 0), 2, 1);
        run(s, context(TWO, 0), 4, 3);
        return s;
    }

    @Test
    void warmUpIsEqualWeightingOfTheLogLosses() {
        // L = log 2 + log 0.5 = 0; ∂L/∂L_i = 1/L_i = (0.5, 2)
        LossStep r = run(new Stch(1, 4), context(TWO, 0), 2, 0.5);
        assertEquals(0, r.total(), 1e-6);
        assertArrayEquals(new double[] {0.5, 2}, r.weights(), 1e-12);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
        // epochs 0..W are warm-up: epoch 4 of warmup 4 too
        LossStep last = run(new Stch(1, 4), context(TWO, 4), 4, 1);
        assertEquals(Math.log(4), last.total(), 1e-6);
        assertArrayEquals(new double[] {0.25, 1}, last.gradients(), 1e-6);
    }

    @Test
    void afterWarmUpTheSmoothMaxOfTheRelativeLogLosses() {
        // nadir n = (3, 2); losses (3, 1): l = (log 1, log ½) = (0, −ln 2); e^{l} = (1, ½), softmax p = (⅔, ⅓)
        // L = K μ log Σ e^{l/μ} = 2 ln 1.5; ∂L/∂L_i = K p_i / L_i = (2·⅔/3, 2·⅓/1) = (4/9, 2/3)
        LossStep r = run(warmedUp(1), context(TWO, 1), 3, 1);
        assertEquals(2 * Math.log(1.5), r.total(), 1e-6);
        assertArrayEquals(new double[] {4 / 9.0, 2 / 3.0}, r.weights(), 1e-9);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
        // μ = ½: e^{l/μ} = (1, ¼), p = (0.8, 0.2); L = 2·½·ln 1.25; weights (2·0.8/3, 2·0.2/1)
        LossStep half = run(warmedUp(0.5), context(TWO, 1), 3, 1);
        assertEquals(Math.log(1.25), half.total(), 1e-6);
        assertArrayEquals(new double[] {1.6 / 3, 0.4}, half.weights(), 1e-9);
        assertArrayEquals(half.weights(), half.gradients(), 1e-6);
        // μ → 0: the Tchebycheff max, all weight on the task worst relative to its nadir (task a, l = 0)
        LossStep sharp = run(warmedUp(0.01), context(TWO, 1), 3, 1);
        assertEquals(0, sharp.total(), 1e-6);
        assertArrayEquals(new double[] {2 / 3.0, 0}, sharp.weights(), 1e-9);
        assertArrayEquals(sharp.weights(), sharp.gradients(), 1e-6);
    }

    @Test
    void lossesAtTheirNadirGetEqualShares() {
        // l = (0, 0): p = (½, ½), L = 2 ln 2, weights K p_i / L_i = (1/3, 1/2)
        LossStep r = run(warmedUp(1), context(TWO, 3), 3, 2);
        assertEquals(2 * LN2, r.total(), 1e-6);
        assertArrayEquals(new double[] {1 / 3.0, 0.5}, r.weights(), 1e-9);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
    }

    @Test
    void oneTaskIsTheLogOfItsRelativeLoss() {
        ImmutableList<String> one = ImmutableList.of("a");
        Stch s = new Stch(1, 0);
        run(s, context(one, 0), 2);
        // nadir 2; L = 1·μ log e^{log(1/2)} = −ln 2; weight 1/L = 1
        LossStep r = run(s, context(one, 1), 1);
        assertEquals(-LN2, r.total(), 1e-6);
        assertArrayEquals(new double[] {1}, r.weights(), 1e-9);
        assertArrayEquals(new double[] {1}, r.gradients(), 1e-6);
    }

    @Test
    void absentTasksAreNeitherRecordedNorWeighted() {
        Stch s = new Stch(1, 0);
        // task c is absent from the first batch (its loss 0 is not recorded): nadir c = 6, not 3
        run(s, context(THREE, 0, ImmutableList.of(2, 2, 0), ImmutableList.of()), 2, 1, 0);
        run(s, context(THREE, 0, ImmutableList.of(2, 2, 2), ImmutableList.of()), 4, 3, 6);
        assertArrayEquals(new double[] {6, 4, 6}, s.state().get("nadir_loss_sum"), 1e-6);
        assertArrayEquals(new double[] {2, 2, 1}, s.state().get("nadir_loss_count"), 0);
        // after warm-up, task b absent: K = 2 over a and c; losses (3, -, 3): l = (0, log ½), p = (⅔, ⅓)
        LossStep r = run(s, context(THREE, 1, ImmutableList.of(1, 0, 1), ImmutableList.of()), 3, 0, 3);
        assertArrayEquals(new double[] {3, 2, 6}, s.state().get("nadir"), 1e-6);
        assertEquals(2 * Math.log(1.5), r.total(), 1e-6);
        assertArrayEquals(new double[] {4 / 9.0, 0, 2 / 9.0}, r.weights(), 1e-9);
        assertArrayEquals(r.weights(), r.gradients(), 1e-6);
        // no task present: zero loss, zero weights
        LossStep none = run(s, context(THREE, 2, ImmutableList.of(0, 0, 0), ImmutableList.of()), 0, 0, 0);
        assertEquals(0, none.total(), 0);
        assertArrayEquals(new double[3], none.weights(), 0);
        assertArrayEquals(new double[3], none.gradients(), 0);
    }

    @Test
    void aZeroLossStaysFinite() {
        // warm-up: log(0 + 1e-20) ≈ −46.05, weight 1e20: finite
        LossStep w = run(new Stch(1, 4), context(TWO, 0), 0, 1);
        assertEquals(Math.log(1e-20), w.total(), 1e-4);
        assertEquals(1e20, w.weights()[0], 1e14);
        assertTrue(Double.isFinite(w.gradients()[0]) && w.gradients()[0] > 1e19, "" + w.gradients()[0]);
        // after warm-up, nadir (3, 2), losses (0, 1): e^{l} = (1e-20/1, ½) up to the max shift, p_0 = 2e-20,
        // weight_0 = 2 p_0 / (0 + 1e-20·3) = 4/3; weight_1 = 2 p_1 / 1 = 2; L = 2 log(½ + 1e-20)
        LossStep r = run(warmedUp(1), context(TWO, 1), 0, 1);
        assertEquals(-2 * LN2, r.total(), 1e-5);
        assertArrayEquals(new double[] {4 / 3.0, 2}, r.weights(), 1e-6);
        assertArrayEquals(r.weights(), r.gradients(), 1e-4);
        for (double g : r.gradients()) {
            assertFalse(Double.isNaN(g) || Double.isInfinite(g));
        }
    }

    @Test
    void nadirSurvivesACheckpointOrComesFromTheLossHistory() {
        Stch a = warmedUp(1);
        Stch b = new Stch(1, 0);
        b.restoreState(a.state());
        assertEquals(a.state().keySet(), b.state().keySet());
        LossStep ra = run(a, context(TWO, 1), 3, 1);
        LossStep rb = run(b, context(TWO, 1), 3, 1);
        assertArrayEquals(ra.weights(), rb.weights(), 0);
        // after the first post-warm-up step the nadir itself is saved too
        Stch c = new Stch(1, 0);
        c.restoreState(a.state());
        assertArrayEquals(new double[] {3, 2}, c.state().get("nadir"), 1e-6);
        // nothing recorded (resumed without state): the loop's mean losses of epoch W = 0 stand in
        Stch d = new Stch(1, 0);
        LossStep rd = run(d, context(TWO, 1, ImmutableList.of(), ImmutableList.of(ImmutableList.of(3.0, 2.0))), 3, 1);
        assertArrayEquals(ra.weights(), rd.weights(), 1e-12);
        // and with no history either, the nadir is 1 (plain log losses inside the smooth max)
        Stch e = new Stch(1, 0);
        LossStep re = run(e, context(TWO, 1), 1, 0.5);
        assertArrayEquals(new double[] {1, 1}, e.state().get("nadir"), 0);
        // l = (0, −ln 2): p = (⅔, ⅓), weights (2·⅔/1, 2·⅓/0.5)
        assertArrayEquals(new double[] {4 / 3.0, 4 / 3.0}, re.weights(), 1e-9);
        // an empty state resets
        a.restoreState(java.util.Map.of());
        assertTrue(a.state().isEmpty());
    }

    @Test
    void argumentsAreParsedAndCheckedNamingTheCulprit() {
        assertEquals("stch:1.0,4", Stch.fromArguments("").toString());
        assertEquals("stch:0.5,4", Stch.fromArguments("0.5").toString());
        assertEquals("stch:0.5,2", Stch.fromArguments("0.5, 2").toString());
        for (String bad : new String[] {"0", "-1", "x", "1,2.5", "1,-1", "1,2,3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Stch.fromArguments(bad));
            assertTrue(e.getMessage().startsWith("stch: "), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Stch(0, 1)).getMessage()
                .contains("mu"));
        assertEquals("stch", new Stch(1, 4).name());
    }
}
