package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask;
import static org.mtl4j.losses.StrategyFixtures.dot;

import com.google.common.collect.ImmutableSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.WeightingFunctions.Combination;

/** ConFIG on hand-made gradients, degenerate inputs and the equal-angle property. */
class ConFigTest {

    private static final double S2 = Math.sqrt(2);

    private static Combination config(double[]... g) {
        return new ConFig().combine(g, 0);
    }

    @Test
    void matchesTheHandComputedUpdates() {
        // g1 = (1,0), g2 = (0,2): u1 = (1,0), u2 = (0,1), g_u = pinv([u1 u2]ᵀ)·1 = (1,1), g_v = (1,1)/√2,
        // length = g1·g_v + g2·g_v = 1/√2 + 2/√2 = 3/√2, g_ConFIG = (3/√2)(1,1)/√2 = (1.5, 1.5) = 1.5 g1 + 0.75 g2
        Combination c = config(new double[] {1, 0}, new double[] {0, 2});
        assertArrayEquals(new double[] {1.5, 0.75}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {1.5, 1.5}, c.direction(), 1e-12);
        // g1 = (1,0), g2 = (−1,1), u2 = (−1,1)/√2: u1·x = 1 → x1 = 1, u2·x = 1 → x2 = 1 + √2; ‖x‖² = 4 + 2√2;
        // length = (g1 + g2)·x/‖x‖ = (1 + √2)/‖x‖; g_ConFIG = (1 + √2)/(4 + 2√2)·x = (√2/4)·(1, 1 + √2)
        // = (√2/4, (2 + √2)/4) = a1 g1 + a2 g2 with a2 = (2 + √2)/4, a1 = √2/4 + a2 = (1 + √2)/2
        Combination conflict = config(new double[] {1, 0}, new double[] {-1, 1});
        assertArrayEquals(new double[] {(1 + S2) / 2, (2 + S2) / 4}, conflict.weights(), 1e-12);
        assertArrayEquals(new double[] {S2 / 4, (2 + S2) / 4}, conflict.direction(), 1e-12);
    }

    @Test
    void degenerateInputs() {
        // one task: g_u = u, length = ‖g‖, g_ConFIG = g
        Combination one = config(new double[] {3, 4});
        assertArrayEquals(new double[] {1}, one.weights(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, one.direction(), 1e-12);
        // identical: C = [[1,1],[1,1]], C⁺1 = (½,½), g_u = u, length = 2‖g‖, d = 2g
        Combination same = config(new double[] {1, 2}, new double[] {1, 2});
        assertArrayEquals(new double[] {1, 1}, same.weights(), 1e-12);
        assertArrayEquals(new double[] {2, 4}, same.direction(), 1e-12);
        // opposite: 1 ⟂ range(C) = span(1,−1): g_u = 0 and the update is 0 (normalize(0) = 0 in the references)
        Combination opposite = config(new double[] {1, 2}, new double[] {-1, -2});
        assertArrayEquals(new double[] {0, 0}, opposite.weights(), 0);
        // parallel with different norms: u1 = u2 = u, β = C⁺1 = (½, ½), g_u = u, length = 1 + 3, d = 4u = g1 + g2;
        // the coefficients split u equally: α_i = β_i/‖g_i‖·4/1 = (2, ⅔) (any α with α1 + 3α2 = 4 gives the same d)
        Combination parallel = config(new double[] {1, 0}, new double[] {3, 0});
        assertArrayEquals(new double[] {2, 2.0 / 3}, parallel.weights(), 1e-12);
        assertArrayEquals(new double[] {4, 0}, parallel.direction(), 1e-12);
        // a zero gradient is inactive
        Combination withZero = config(new double[] {0, 0}, new double[] {1, 0}, new double[] {0, 2});
        assertArrayEquals(new double[] {0, 1.5, 0.75}, withZero.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, config(new double[] {0, 0}, new double[] {0, 0}).weights(), 0);
    }

    @Test
    void theUpdateMakesEqualAnglesWithEveryGradientOnRandomInstances() {
        Random r = new Random(13);
        for (int trial = 0; trial < 40; trial++) {
            int k = 2 + r.nextInt(5);
            int dim = k + r.nextInt(5); // K ≤ D: the unit gradients are independent
            double[][] g = new double[k][dim];
            for (double[] row : g) {
                double scale = Math.exp(3 * r.nextGaussian());
                for (int j = 0; j < dim; j++) {
                    row[j] = r.nextGaussian() * scale;
                }
            }
            Combination c = config(g);
            double[] d = c.direction();
            double dn = Math.sqrt(dot(d, d));
            double cos0 = dot(g[0], d) / Math.sqrt(dot(g[0], g[0])) / dn;
            assertTrue(cos0 > 0, "trial " + trial);
            double length = 0;
            for (int i = 0; i < k; i++) {
                double ni = Math.sqrt(dot(g[i], g[i]));
                assertEquals(cos0, dot(g[i], d) / ni / dn, 1e-8, "trial " + trial + ", task " + i);
                length += dot(g[i], d) / dn;
            }
            // ‖g_ConFIG‖ = Σ_i g_iᵀ g_v
            assertEquals(length, dn, 1e-9 * length, "trial " + trial);
        }
    }

    @Test
    void nameAndModes() {
        assertEquals("config", new ConFig().name());
        assertEquals("config", new ConFig().toString());
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), new ConFig().gradientModes());
    }

    @Test
    void theTrainingHookMatchesThePlainArrayFunctionAndSkipsAnAbsentTask() {
        assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask(() -> new ConFig(), GradientMode.PARAMETERS);
    }
}
