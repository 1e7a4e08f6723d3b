package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask;
import static org.mtl4j.losses.StrategyFixtures.dot;

import com.google.common.collect.ImmutableSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.WeightingFunctions.Combination;

/** UPGrad and the dual-cone quadratic program on hand-made gradients, degenerate inputs and random instances. */
class UpGradTest {

    private static final double EPS = DualCone.DEFAULT_NORM_EPS;

    private static Combination exact(double[]... g) {
        return new UpGrad(0, 0).combine(g, 0);
    }

    private static Combination defaults(double[]... g) {
        return new UpGrad(DualCone.DEFAULT_NORM_EPS, DualCone.DEFAULT_REG_EPS).combine(g, 0);
    }

    @Test
    void matchesTheHandComputedProjections() {
        // g1 = (1,0), g2 = (−2,1): G = [[1,−2],[−2,5]] (the trace normalisation does not move the minimiser).
        // w¹ = argmin_{v ≥ e1} vᵀGv: v1 = 1 held, v2 minimises −4v2 + 5v2² → v2 = 2/5 ≥ 0; (Gv)_1 = 1 − 4/5 ≥ 0, so
        // the bound's multiplier is non-negative: w¹ = (1, 0.4), π(g1) = g1 + 0.4 g2 = (0.2, 0.4) ⟂ g2.
        // w² = argmin_{v ≥ e2}: v2 = 1, v1 minimises v1² − 4v1 → v1 = 2; (Gv)_2 = −4 + 5 ≥ 0: w² = (2, 1),
        // π(g2) = 2g1 + g2 = (0, 1) ⟂ g1. UPGrad: α = ½(w¹ + w²) = (1.5, 0.7), d = (0.1, 0.7).
        Combination c = exact(new double[] {1, 0}, new double[] {-2, 1});
        assertArrayEquals(new double[] {1.5, 0.7}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {0.1, 0.7}, c.direction(), 1e-12);
        // TorchJD's defaults: Q = G/6 + 1e−4·I; the same active sets give w¹_2 = −Q12/Q22 and w²_1 = −Q12/Q11
        double q11 = 1.0 / 6 + EPS;
        double q12 = -2.0 / 6;
        double q22 = 5.0 / 6 + EPS;
        Combination d = defaults(new double[] {1, 0}, new double[] {-2, 1});
        assertArrayEquals(new double[] {0.5 * (1 - q12 / q11), 0.5 * (1 - q12 / q22)}, d.weights(), 1e-12);
    }

    @Test
    void nonConflictingGradientsGiveTheMean() {
        // g1 = (1,0), g2 = (1,1): G e_i ≥ 0, so v = e_i/2 already satisfies the KKT conditions: α = (½, ½)
        Combination c = defaults(new double[] {1, 0}, new double[] {1, 1});
        assertArrayEquals(new double[] {0.5, 0.5}, c.weights(), 1e-15);
        assertArrayEquals(new double[] {1, 0.5}, c.direction(), 1e-15);
    }

    @Test
    void degenerateInputs() {
        // one task: argmin_{v ≥ 1} v²‖g‖² = 1
        assertArrayEquals(new double[] {1}, defaults(new double[] {3, 4}).weights(), 1e-15);
        // identical: Q e1 = (½ + ε, ½) ≥ 0 → w^i = e_i/2 and α = (½, ½), d = g (exact also with the ridge)
        Combination same = defaults(new double[] {1, 2}, new double[] {1, 2});
        assertArrayEquals(new double[] {0.5, 0.5}, same.weights(), 1e-15);
        assertArrayEquals(new double[] {1, 2}, same.direction(), 1e-14);
        // opposite, no ridge: w¹: v1 = ½ held, v2 minimises (v1 − v2)² → ½; likewise w² = (½, ½): α = (1, 1), d = 0
        Combination opposite = exact(new double[] {1, 2}, new double[] {-1, -2});
        assertArrayEquals(new double[] {1, 1}, opposite.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, opposite.direction(), 1e-12);
        // with the ridge, Q = ½[[1,−1],[−1,1]] + εI: v2 = ½·(½)/(½ + ε), a direction of order ε
        double v2 = 0.25 / (0.5 + EPS);
        assertArrayEquals(new double[] {0.5 + v2, 0.5 + v2}, defaults(new double[] {1, 2}, new double[] {-1, -2})
                .weights(), 1e-12);
        // a zero gradient is inactive: weight 0, the rest as if it were absent (the hand example above)
        Combination withZero = exact(new double[] {1, 0}, new double[] {0, 0}, new double[] {-2, 1});
        assertArrayEquals(new double[] {1.5, 0, 0.7}, withZero.weights(), 1e-12);
        // the trace threshold: tiny gradients fall back to Q = εI, i.e. the mean (TorchJD's normalize)
        Combination tiny = defaults(new double[] {1e-3, 0}, new double[] {-2e-3, 1e-3});
        assertArrayEquals(new double[] {0.5, 0.5}, tiny.weights(), 1e-15);
    }

    @Test
    void theResultConflictsWithNoTaskOnRandomInstances() {
        Random r = new Random(11);
        for (int trial = 0; trial < 40; trial++) {
            int k = 2 + r.nextInt(5);
            int dim = 2 + r.nextInt(6);
            double[][] g = new double[k][dim];
            for (double[] row : g) {
                for (int j = 0; j < dim; j++) {
                    row[j] = r.nextGaussian() * (1 + 4 * r.nextDouble());
                }
            }
            double[][] gram = Gradients.gram(g);
            double trace = 0;
            for (int i = 0; i < k; i++) {
                trace += gram[i][i];
            }
            Combination c = exact(g);
            for (int j = 0; j < k; j++) {
                assertTrue(dot(g[j], c.direction()) >= -1e-9 * trace, "trial " + trial + ", task " + j);
                assertTrue(c.weights()[j] >= 1.0 / k - 1e-15, "trial " + trial);
            }
            // every single projection satisfies the KKT conditions of min vᵀQv, v ≥ u: Qv ≥ 0 (dual cone),
            // and (Qv)_j = 0 wherever v_j > u_j; for a convex program these certify the exact minimum
            double[][] q = DualCone.normalise(gram, EPS, EPS);
            for (int i = 0; i < k; i++) {
                double[] u = new double[k];
                u[i] = 1.0 / k;
                double[] v = DualCone.project(q, u);
                double[] qv = Gradients.times(q, v);
                for (int j = 0; j < k; j++) {
                    assertTrue(v[j] >= u[j], "trial " + trial);
                    assertTrue(qv[j] >= -1e-12, "trial " + trial + ": " + qv[j]);
                    if (v[j] > u[j] + 1e-12) {
                        assertEquals(0, qv[j], 1e-12, "trial " + trial);
                    }
                }
            }
        }
    }

    @Test
    void namesModesAndArguments() {
        assertEquals("upgrad", new UpGrad(EPS, EPS).name());
        assertEquals("upgrad", new UpGrad(EPS, EPS).toString());
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), new UpGrad(EPS, EPS).gradientModes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new UpGrad(-1, EPS));
        assertTrue(e.getMessage().contains("upgrad: norm eps must be finite and >= 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new UpGrad(EPS, Double.NaN));
        assertTrue(e.getMessage().contains("upgrad: reg eps"), e.getMessage());
    }

    @Test
    void theTrainingHookMatchesThePlainArrayFunctionAndSkipsAnAbsentTask() {
        assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask(() -> new UpGrad(EPS, EPS), GradientMode.PARAMETERS);
    }
}
