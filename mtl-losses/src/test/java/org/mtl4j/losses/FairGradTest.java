package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.counts;
import static org.mtl4j.losses.StrategyFixtures.ones;
import static org.mtl4j.losses.StrategyFixtures.taskNames;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;

/** FairGrad's α-fair weights on hand-worked cases and its degenerate cases. */
class FairGradTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** One step: returns the weights, then the direction. */
    private static double[][] step(double alpha, double[][] g, int... counts) {
        return StrategyFixtures.step(manager, new FairGrad(alpha), g, ones(g.length),
                context(taskNames(g.length), GradientMode.PARAMETERS, counts(counts)));
    }

    @Test
    void orthogonalGradientsGetTheirClosedFormWeights() {
        // G = diag(1, 4): (Gw)_i = G_ii w_i = w_i^{−1/α}, so w_i = G_ii^{−α/(1+α)}
        // α = 1: w = (1, 4^{−½}) = (1, 0.5), d = (1, 0) + 0.5·(0, 2) = (1, 1)
        double[][] r = step(1, new double[][] {{1, 0}, {0, 2}});
        assertArrayEquals(new double[] {1, 0.5}, r[0], 1e-6);
        assertArrayEquals(new double[] {1, 1}, r[1], 1e-6);
        // α = 2: w_2 = 4^{−2/3} = 0.3968503, d = (1, 0.7937005)
        r = step(2, new double[][] {{1, 0}, {0, 2}});
        assertArrayEquals(new double[] {1, 0.3968503}, r[0], 1e-6);
        assertArrayEquals(new double[] {1, 0.7937005}, r[1], 1e-6);
    }

    @Test
    void correlatedGradientsSolveTheFixedPointWorkedByHand() {
        // g1 = (1, 0), g2 = (1, 1): G = [[1, 1], [1, 2]], α = 1:
        //   w1 + w2 = 1/w1  →  w2 = 1/w1 − w1;   w1 + 2 w2 = 1/w2  →  (2 − w1²)/w1 = w1/(1 − w1²)
        //   with x = w1²: (2 − x)(1 − x) = x  →  x² − 4x + 2 = 0  →  x = 2 − √2 (the root below 1)
        //   w1 = √(2 − √2) = 0.7653669, w2 = 1/w1 − w1 = 1.3065630 − 0.7653669 = 0.5411961
        //   d = w1 g1 + w2 g2 = (1.3065630, 0.5411961)
        double[][] r = step(1, new double[][] {{1, 0}, {1, 1}});
        assertArrayEquals(new double[] {0.7653669, 0.5411961}, r[0], 1e-6);
        assertArrayEquals(new double[] {1.3065630, 0.5411961}, r[1], 1e-6);
        // each task's decrease g_iᵀd is 1/w_i: 1.3065630 = 1/0.7653669, 1.8477591 = 1/0.5411961
        assertEquals(1 / r[0][0], r[1][0], 1e-5);
        assertEquals(1 / r[0][1], r[1][0] + r[1][1], 1e-5);
    }

    @Test
    void identicalGradientsShareEqually() {
        // g1 = g2 = (3, 4): (Gw)_i = 25 (w1 + w2) = w_i^{−1/α}, so w1 = w2 = w with 50 w = w^{−1/α}:
        // α = 1: w = 50^{−½} = 0.1414214, d = 2w (3, 4) = (0.8485281, 1.1313708)
        double[][] r = step(1, new double[][] {{3, 4}, {3, 4}});
        assertArrayEquals(new double[] {0.1414214, 0.1414214}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.8485281, 1.1313708}, r[1], 1e-6);
        // α = 2: w = 50^{−2/3} = exp(−(2/3)·3.9120230) = 0.0736806
        r = step(2, new double[][] {{3, 4}, {3, 4}});
        assertArrayEquals(new double[] {0.0736806, 0.0736806}, r[0], 1e-6);
    }

    @Test
    void oneTaskGetsTheNormalisedGradientForAlphaOne() {
        // 25 w = 1/w → w = 0.2, d = (0.6, 0.8), a unit vector
        double[][] r = step(1, new double[][] {{3, 4}});
        assertArrayEquals(new double[] {0.2}, r[0], 1e-7);
        assertArrayEquals(new double[] {0.6, 0.8}, r[1], 1e-6);
    }

    @Test
    void alphaZeroIsThePlainSum() {
        double[][] r = step(0, new double[][] {{1, 0}, {1, 1}});
        assertArrayEquals(new double[] {1, 1}, r[0], 0);
        assertArrayEquals(new double[] {2, 1}, r[1], 1e-6);
    }

    @Test
    void oppositeGradientsGetLargeEqualWeightsAndCancel() {
        // no positive solution exists ((Gw)_1 = −(Gw)_2); with the ridge ε = 1e−9 on G/1:
        // ε w = 1/w → w = ε^{−½} = 31622.78 each, and d = w (g1 + g2) = 0
        double[][] r = step(1, new double[][] {{1, 0}, {-1, 0}});
        assertEquals(31622.78, r[0][0], 0.1);
        assertEquals(r[0][0], r[0][1], 1e-6 * r[0][0]);
        assertArrayEquals(new double[] {0, 0}, r[1], 1e-6);
    }

    @Test
    void absentAndZeroGradientTasksAreLeftOut() {
        // task 2 absent, task 1 zero: task 0 alone, w = ‖g‖^{−1} = 0.2 for α = 1
        double[][] r = step(1, new double[][] {{3, 4}, {0, 0}, {5, 5}}, 3, 3, 0);
        assertArrayEquals(new double[] {0.2, 0, 0}, r[0], 1e-7);
        assertArrayEquals(new double[] {0.6, 0.8}, r[1], 1e-6);
    }

    @Test
    void solverMeetsTheFixedPointOnRandomAndIllConditionedProblems() {
        Random random = new Random(3);
        for (int trial = 0; trial < 40; trial++) {
            int k = 2 + trial % 4;
            double[][] g = new double[k][6];
            for (double[] row : g) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = random.nextGaussian() * Math.pow(10, trial % 3 - 1);
                }
            }
            if (trial % 5 == 0) {
                g[1] = g[0].clone(); // nearly collinear pair
                g[1][0] += 1e-3 * Math.abs(g[0][0]);
            }
            double[][] gram = Gradients.gram(g);
            for (double alpha : new double[] {0.5, 1, 1.0001, 2, 10}) {
                double[] w = FairGrad.solve(gram, alpha);
                double[] gw = Gradients.times(gram, w);
                for (int i = 0; i < k; i++) {
                    assertTrue(w[i] > 0 && Double.isFinite(w[i]), "w " + Arrays.toString(w));
                    assertEquals(1, gw[i] * Math.pow(w[i], 1 / alpha), 1e-6,
                            "trial " + trial + " alpha " + alpha + " w " + Arrays.toString(w));
                }
            }
        }
    }

    @Test
    void rejectsANegativeAlpha() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FairGrad(-1));
        assertTrue(e.getMessage().contains("fairgrad: alpha"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FairGrad(Double.POSITIVE_INFINITY));
    }
}
