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

/** DualProj on hand-made gradients, degenerate inputs and random instances. */
class DualProjTest {

    private static final double EPS = DualCone.DEFAULT_NORM_EPS;

    private static Combination exact(double[]... g) {
        return new DualProj(0, 0).combine(g, 0);
    }

    private static Combination defaults(double[]... g) {
        return new DualProj(DualCone.DEFAULT_NORM_EPS, DualCone.DEFAULT_REG_EPS).combine(g, 0);
    }

    @Test
    void matchesTheHandComputedProjection() {
        // g1 = (1,0), g2 = (−2,1): G = [[1,−2],[−2,5]], the mean (−½, ½) conflicts with g1 (g1·mean = −½).
        // w = argmin_{v ≥ (½,½)} vᵀGv: G(½,½) = (−½, 3/2), so free v1 with v2 = ½ held: v1 minimises
        // v1² − 4·v1·½ → v1 = 1 ≥ ½; (Gv)_2 = −2 + 5/2 = ½ ≥ 0 keeps v2's bound. w = (1, ½), d = g1 + ½g2 = (0, ½):
        // g1·d = 0, g2·d = ½.
        Combination c = exact(new double[] {1, 0}, new double[] {-2, 1});
        assertArrayEquals(new double[] {1, 0.5}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0.5}, c.direction(), 1e-12);
        // TorchJD's defaults: Q = G/6 + 1e−4·I, same active set: v1 = −Q12·½/Q11
        double v1 = (2.0 / 6) * 0.5 / (1.0 / 6 + EPS);
        assertArrayEquals(new double[] {v1, 0.5}, defaults(new double[] {1, 0}, new double[] {-2, 1}).weights(),
                1e-12);
    }

    @Test
    void aMeanInTheDualConeIsKept() {
        // g1 = (1,0), g2 = (−1,2): mean (0, 1), g1·mean = 0, g2·mean = 2: no conflict, w = (½, ½)
        Combination c = defaults(new double[] {1, 0}, new double[] {-1, 2});
        assertArrayEquals(new double[] {0.5, 0.5}, c.weights(), 1e-15);
        assertArrayEquals(new double[] {0, 1}, c.direction(), 1e-15);
    }

    @Test
    void degenerateInputs() {
        assertArrayEquals(new double[] {1}, defaults(new double[] {3, 4}).weights(), 1e-15);
        // identical: the mean is g itself
        Combination same = defaults(new double[] {1, 2}, new double[] {1, 2});
        assertArrayEquals(new double[] {0.5, 0.5}, same.weights(), 1e-15);
        assertArrayEquals(new double[] {1, 2}, same.direction(), 1e-14);
        // opposite: Q(½,½) = 0 (no ridge) satisfies the KKT conditions, w = (½, ½), d = 0
        Combination opposite = exact(new double[] {1, 2}, new double[] {-1, -2});
        assertArrayEquals(new double[] {0.5, 0.5}, opposite.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, opposite.direction(), 1e-12);
        // a zero gradient is inactive: the mean runs over the other tasks
        Combination withZero = exact(new double[] {1, 0}, new double[] {-2, 1}, new double[] {0, 0});
        assertArrayEquals(new double[] {1, 0.5, 0}, withZero.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, exact(new double[] {0, 0}, new double[] {0, 0}).weights(), 0);
    }

    @Test
    void theResultIsTheClosestNonConflictingCombinationOnRandomInstances() {
        Random r = new Random(5);
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
            double[] w = c.weights();
            double[] gw = Gradients.times(gram, w);
            for (int j = 0; j < k; j++) {
                // d is in the dual cone, and KKT: the bound w_j ≥ 1/K is held wherever g_j·d > 0
                assertTrue(dot(g[j], c.direction()) >= -1e-9 * trace, "trial " + trial);
                assertTrue(w[j] >= 1.0 / k - 1e-15, "trial " + trial);
                if (w[j] > 1.0 / k + 1e-9) {
                    assertEquals(0, gw[j], 1e-9 * trace, "trial " + trial);
                }
            }
        }
    }

    @Test
    void namesModesAndArguments() {
        assertEquals("dualproj", new DualProj(EPS, EPS).name());
        assertEquals("dualproj", new DualProj(EPS, EPS).toString());
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), new DualProj(EPS, EPS).gradientModes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DualProj(EPS, -1));
        assertTrue(e.getMessage().contains("dualproj: reg eps must be finite and >= 0"), e.getMessage());
    }

    @Test
    void theTrainingHookMatchesThePlainArrayFunctionAndSkipsAnAbsentTask() {
        assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask(() -> new DualProj(EPS, EPS), GradientMode.PARAMETERS);
    }
}
