package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.losses;
import static org.mtl4j.losses.StrategyFixtures.matrix;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.losses.WeightingFunctions.Combination;

/** The log-loss wrapper: the inner strategy on the rows {@code g_i / (L_i + ε)}, weights mapped back to raw rows. */
class LogLossGradientsTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Runs the wrapper and returns (weights, direction). */
    private static Combination run(LogLossGradients w, double[][] g, double[] l, ImmutableList<Integer> counts,
            NDList learnable) {
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = w.combineGradients(matrix(m, g), losses(m, l), learnable, context(g.length,
                    counts));
            return new Combination(c.weights(), Gradients.toDouble(c.gradient().toFloatArray()));
        }
    }

    private static Combination run(LogLossGradients w, double[][] g, double... l) {
        return run(w, g, l, ImmutableList.of(), new NDList());
    }

    private static double[][] scaled(double[][] g, double[] l) {
        double[][] out = new double[g.length][];
        for (int i = 0; i < g.length; i++) {
            out[i] = new double[g[i].length];
            for (int j = 0; j < g[i].length; j++) {
                out[i][j] = (float) g[i][j] / (l[i] + LogLossGradients.EPS);
            }
        }
        return out;
    }

    @Test
    void logMgdaIsMgdaOnTheGradientsDividedByTheLosses() {
        // g = ((1, 0), (0, 2)), L = (2, ½): rows g_i/L_i = (½, 0), (0, 4); two-task MGDA on them:
        // α_2 = ((g'_1 − g'_2)·g'_1) / ‖g'_1 − g'_2‖² = ¼ / (¼ + 16) = 1/65, α_1 = 64/65
        // weights on the raw rows α_i / L_i = (32/65, 2/65); d = (32/65, 4/65)
        Combination c = run(new LogLossGradients(new Mgda()), new double[][] {{1, 0}, {0, 2}}, 2, 0.5);
        assertArrayEquals(new double[] {32 / 65.0, 2 / 65.0}, c.weights(), 1e-6);
        assertArrayEquals(new double[] {32 / 65.0, 4 / 65.0}, c.direction(), 1e-6);
        // the same on random gradients against plain MGDA applied to g_i / (L_i + ε)
        double[][] g = random(3, 30, 4);
        double[] l = {0.7, 2.5, 0.05};
        Combination wrapped = run(new LogLossGradients(new Mgda()), g, l);
        Combination byHand = WeightingFunctions.mgda(scaled(g, l));
        for (int i = 0; i < 3; i++) {
            assertEquals(byHand.weights()[i] / (l[i] + LogLossGradients.EPS), wrapped.weights()[i], 1e-4);
        }
        assertArrayEquals(byHand.direction(), wrapped.direction(), 1e-3);
        // and Σ_i w_i g_i with the reported raw weights is the direction
        assertArrayEquals(Gradients.combine(g, wrapped.weights()), wrapped.direction(), 1e-3);
    }

    @Test
    void logCagradAndLogImtlWrapTheirInnerStrategy() {
        double[][] g = random(3, 25, 6);
        double[] l = {1.5, 0.2, 3};
        LogLossGradients cagrad = new LogLossGradients(new CaGrad(0.4));
        Combination c = run(cagrad, g, l);
        Combination expected = WeightingFunctions.caGrad(scaled(g, l), 0.4);
        assertArrayEquals(expected.direction(), c.direction(), 1e-3);
        assertEquals(expected.weights()[1] / 0.2, c.weights()[1], 1e-3);
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), cagrad.gradientModes());
        assertEquals("log-cagrad", cagrad.name());
        assertEquals("log-cagrad:0.4", cagrad.toString());
        // log-imtl: IMTL on the scaled rows with the learnt scales; IMTL-L's gradient e^{s} L − 1 uses the raw L
        double[] s = {0.1, -0.2, 0.3};
        LogLossGradients imtl = new LogLossGradients(new Imtl());
        assertTrue(imtl.createParameterBlock(ImmutableList.of("a", "b", "c")).isPresent());
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient r = imtl.combineGradients(matrix(m, g), losses(m, l),
                    new NDList(EngineArrays.create(m, Gradients.toFloat(s))), context(3, ImmutableList.of()));
            Combination e = Imtl.combine(scaled(g, l), s);
            for (int i = 0; i < 3; i++) {
                assertEquals(e.weights()[i] / l[i], r.weights()[i], 1e-4 * Math.abs(e.weights()[i] / l[i]) + 1e-5);
            }
            assertArrayEquals(e.direction(), Gradients.toDouble(r.gradient().toFloatArray()), 1e-3);
            double[] ds = Gradients.toDouble(r.learnableGradients().get(0).toFloatArray());
            for (int i = 0; i < 3; i++) {
                assertEquals(Math.exp(s[i]) * l[i] - 1, ds[i], 1e-5);
            }
        }
    }

    @Test
    void degenerateGradients() {
        LogLossGradients mgda = new LogLossGradients(new Mgda());
        // zero gradients: nothing to balance, zero weights and direction
        Combination zero = run(mgda, new double[][] {{0, 0}, {0, 0}}, 1, 2);
        assertArrayEquals(new double[2], zero.weights(), 0);
        assertArrayEquals(new double[2], zero.direction(), 0);
        // identical g with L = (1, 2): rows g and g/2, the min-norm point is g/2 (α = (0, 1)); raw weights (0, ½)
        Combination same = run(mgda, new double[][] {{2, 2}, {2, 2}}, 1, 2);
        assertArrayEquals(new double[] {0, 0.5}, same.weights(), 1e-6);
        assertArrayEquals(new double[] {1, 1}, same.direction(), 1e-6);
        // opposite g, −g with L = (1, 2): rows g and −g/2 cancel at α = (⅓, ⅔); raw weights (⅓, ⅓), d = 0
        Combination opposite = run(mgda, new double[][] {{1, -1}, {-1, 1}}, 1, 2);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0}, opposite.weights(), 1e-6);
        assertArrayEquals(new double[2], opposite.direction(), 1e-6);
        // one task, L = 4: MGDA weight 1, raw weight ¼, d = g/4
        Combination one = run(mgda, new double[][] {{2, 0}}, 4);
        assertArrayEquals(new double[] {0.25}, one.weights(), 1e-7);
        assertArrayEquals(new double[] {0.5, 0}, one.direction(), 1e-6);
    }

    @Test
    void absentTasksAndZeroLosses() {
        LogLossGradients mgda = new LogLossGradients(new Mgda());
        // task c absent (zero row, loss 0): factor 0, weight 0; a and b as in the hand-worked example
        Combination absent = run(mgda, new double[][] {{1, 0}, {0, 2}, {0, 0}}, new double[] {2, 0.5, 0},
                ImmutableList.of(2, 2, 0), new NDList());
        assertArrayEquals(new double[] {32 / 65.0, 2 / 65.0, 0}, absent.weights(), 1e-6);
        assertArrayEquals(new double[] {0, 0, 1}, LogLossGradients.factors(new double[] {0, 0, 1 - 1e-8},
                new boolean[] {false, false, true}), 1e-12);
        // a present task with loss 0: factor 1/ε = 1e8, rows (1e8, 0), (0, 1): MGDA puts α_1 = 1/(1e16 + 1) on it;
        // everything stays finite: raw weights (1e-8, 1)
        Combination z = run(mgda, new double[][] {{1, 0}, {0, 1}}, 0, 1);
        for (double v : z.weights()) {
            assertTrue(Double.isFinite(v), "" + v);
        }
        assertArrayEquals(new double[] {1e-8, 1}, z.weights(), 1e-6);
        assertArrayEquals(new double[] {1e-8, 1}, z.direction(), 1e-6);
    }

    @Test
    void delegatesEverythingButTheGradientsAndRefusesLossBasedStrategies() {
        LogLossGradients mgda = new LogLossGradients(Weightings.mgda());
        assertEquals("log-mgda", mgda.name());
        assertEquals(GradientMode.REPRESENTATION, mgda.preferredMode());
        assertEquals(new Mgda().gradientModes(), mgda.gradientModes());
        // state goes to the inner strategy
        LogLossGradients modo = new LogLossGradients(new MoDo(0.1, 0.1));
        run(modo, new double[][] {{1, 0}, {0, 2}}, 1, 1);
        Map<String, double[]> state = modo.state();
        assertEquals(ImmutableSet.of("lambda"), state.keySet());
        LogLossGradients fresh = new LogLossGradients(new MoDo(0.1, 0.1));
        fresh.restoreState(state);
        assertArrayEquals(state.get("lambda"), fresh.state().get("lambda"), 0);
        for (LossWeighting bad : new LossWeighting[] {Weightings.famo(), Weightings.equal(), Weightings.gls()}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LogLossGradients(bad));
            assertTrue(e.getMessage().startsWith("log-losses: '" + bad.name() + "' is loss-based"),
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new LogLossGradients(mgda));
    }

    private static double[][] random(int k, int d, long seed) {
        Random r = new Random(seed);
        double[][] g = new double[k][d];
        for (double[] row : g) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        return g;
    }
}
