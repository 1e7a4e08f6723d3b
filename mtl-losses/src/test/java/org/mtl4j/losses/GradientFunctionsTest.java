package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.dot;
import static org.mtl4j.losses.StrategyFixtures.random;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.losses.WeightingFunctions.Combination;
import org.mtl4j.losses.WeightingFunctions.GradNormStep;

/** The gradient-based rules on hand-made inputs whose solution is known. */
class GradientFunctionsTest {

    @Test
    void pcGradProjectsTwoConflictingGradientsExactly() {
        double[][] g = {{1, 0}, {-1, 1}};
        Combination c = WeightingFunctions.pcGrad(g, 1);
        // g1' = g1 − (g1·g2/‖g2‖²) g2 = (½, ½); g2' = g2 − (g2·g1/‖g1‖²) g1 = (0, 1)
        assertArrayEquals(new double[] {0.5, 1.5}, c.direction(), 1e-12);
        assertArrayEquals(new double[] {2, 1.5}, c.weights(), 1e-12);
        // the projections are orthogonal to the gradient they conflicted with
        assertEquals(0, dot(new double[] {0.5, 0.5}, g[1]), 1e-12);
        // gradients that do not conflict pass unchanged
        Combination calm = WeightingFunctions.pcGrad(new double[][] {{1, 0}, {1, 1}}, 1);
        assertArrayEquals(new double[] {2, 1}, calm.direction(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, calm.weights(), 1e-12);
    }

    @Test
    void pcGradOnThreeTasksEqualsTheDirectProjectionForOneOfTheVisitingOrders() {
        double[][] g = {{1, 0.2, -0.5}, {-0.8, 1, 0.1}, {0.3, -1, 0.9}};
        // all 2³ combinations of visiting orders, computed directly in gradient space
        List<double[]> candidates = new ArrayList<>();
        int[][] orders = {{1, 2}, {2, 1}, {0, 2}, {2, 0}, {0, 1}, {1, 0}};
        for (int mask = 0; mask < 8; mask++) {
            double[] sum = new double[3];
            for (int i = 0; i < 3; i++) {
                double[] pc = g[i].clone();
                for (int j : orders[2 * i + ((mask >> i) & 1)]) {
                    double dij = dot(pc, g[j]);
                    if (dij < 0) {
                        double f = dij / dot(g[j], g[j]);
                        for (int d = 0; d < 3; d++) {
                            pc[d] -= f * g[j][d];
                        }
                    }
                }
                for (int d = 0; d < 3; d++) {
                    sum[d] += pc[d];
                }
            }
            candidates.add(sum);
        }
        for (long seed = 0; seed < 20; seed++) {
            double[] d = WeightingFunctions.pcGrad(g, seed).direction();
            boolean found = false;
            for (double[] cand : candidates) {
                double err = 0;
                for (int i = 0; i < 3; i++) {
                    err = Math.max(err, Math.abs(cand[i] - d[i]));
                }
                found |= err < 1e-12;
            }
            assertTrue(found, "seed " + seed + ": " + Arrays.toString(d));
            assertArrayEquals(d, WeightingFunctions.pcGrad(g, seed).direction(), 0);
        }
    }

    @Test
    void mgdaMatchesTheTwoTaskClosedForm() {
        double[][] g = {{1, 0}, {0, 2}};
        // α₁ = ((g₂ − g₁)·g₂)/‖g₁ − g₂‖² = 4/5
        Combination c = WeightingFunctions.mgda(g);
        assertArrayEquals(new double[] {0.8, 0.2}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {0.8, 0.4}, c.direction(), 1e-12);
        // the min-norm point is orthogonal to the segment
        assertEquals(0, dot(c.direction(), new double[] {1, -2}), 1e-12);
        // closed form clamps at the ends: the shorter of two aligned gradients is the min-norm point
        assertArrayEquals(new double[] {1, 0}, WeightingFunctions.mgda(new double[][] {{1, 0}, {2, 0}}).weights(),
                1e-12);
    }

    @Test
    void mgdaOnThreeTasksSatisfiesTheOptimalityConditions() {
        for (long seed = 0; seed < 5; seed++) {
            double[][] g = random(3, 4, seed);
            double[][] gram = Gradients.gram(g);
            double[] a = WeightingFunctions.mgda(g).weights();
            assertEquals(1, Arrays.stream(a).sum(), 1e-9);
            double q = Gradients.quadratic(gram, a);
            double[] ga = Gradients.times(gram, a);
            for (int i = 0; i < 3; i++) {
                assertTrue(a[i] >= 0);
                // KKT on the simplex: (Gα)_i ≥ αᵀGα, with equality where α_i > 0
                assertTrue(ga[i] >= q - 1e-6, "seed " + seed);
                if (a[i] > 1e-4) {
                    assertEquals(q, ga[i], 1e-5, "seed " + seed);
                }
            }
            // and no point of a fine grid on the simplex has a smaller norm
            for (int i = 0; i <= 200; i++) {
                for (int j = 0; i + j <= 200; j++) {
                    double[] w = {i / 200.0, j / 200.0, (200 - i - j) / 200.0};
                    assertTrue(Gradients.quadratic(gram, w) >= q - 1e-9);
                }
            }
        }
    }

    @Test
    void caGradOnOrthogonalEqualGradientsAndOnAConflictWorkedByHand() {
        // G = I: w* = (½, ½), λ = c‖ḡ‖/‖g_w‖ = 0.5, d = (ḡ + ½ g_w) / 1.25 = (0.6, 0.6)
        Combination c = WeightingFunctions.caGrad(new double[][] {{1, 0}, {0, 1}}, 0.5);
        assertArrayEquals(new double[] {0.6, 0.6}, c.direction(), 1e-6);
        // g₁ = (1, 0), g₂ = (−½, 0): F(p) = 0.1875 p − 0.0625 for p < ⅓ is minimal at w = (0, 1); λ = 0.25,
        // d = (ḡ + ¼ g₂) / 1.25 = (0.1, 0), weights (0.4, 0.6)
        Combination conflict = WeightingFunctions.caGrad(new double[][] {{1, 0}, {-0.5, 0}}, 0.5);
        assertArrayEquals(new double[] {0.4, 0.6}, conflict.weights(), 1e-6);
        assertArrayEquals(new double[] {0.1, 0}, conflict.direction(), 1e-6);
        // c = 0 is the average gradient
        Combination avg = WeightingFunctions.caGrad(new double[][] {{1, 2}, {3, -1}}, 0);
        assertArrayEquals(new double[] {2, 0.5}, avg.direction(), 1e-12);
    }

    @Test
    void caGradSimplexSolverReachesTheGridMinimum() {
        for (long seed = 0; seed < 5; seed++) {
            double[][] g = random(3, 5, seed + 10);
            double[][] gram = Gradients.gram(g);
            double[] b = new double[3];
            double mean = 0;
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    b[i] += gram[i][j] / 3;
                    mean += gram[i][j] / 9;
                }
            }
            double c = 0.5 * Math.sqrt(mean);
            double[] w = CaGrad.simplexMinimum(gram, b, c);
            double f = CaGrad.objective(gram, b, c, w);
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= 300; i++) {
                for (int j = 0; i + j <= 300; j++) {
                    best = Math.min(best, CaGrad.objective(gram, b, c,
                            new double[] {i / 300.0, j / 300.0, (300 - i - j) / 300.0}));
                }
            }
            assertTrue(f <= best + 1e-9, "seed " + seed + ": " + f + " > grid " + best);
            // the direction is a combination of the task gradients with the reported weights, ḡ's share 1/K each
            Combination comb = WeightingFunctions.caGrad(g, 0.5);
            assertArrayEquals(Gradients.combine(g, comb.weights()), comb.direction(), 1e-12);
            for (double x : comb.weights()) {
                assertTrue(x >= 1 / 3.0 / 1.25 - 1e-12);
            }
        }
    }

    @Test
    void imtlGivesEqualProjectionsOnEveryUnitGradient() {
        // two tasks by hand: α₂ = g₁·(u₁ − u₂) / ((g₁ − g₂)·(u₁ − u₂)) = 1/3
        Combination two = WeightingFunctions.imtl(new double[][] {{1, 0}, {0, 2}});
        assertArrayEquals(new double[] {2 / 3.0, 1 / 3.0}, two.weights(), 1e-12);
        assertArrayEquals(new double[] {2 / 3.0, 2 / 3.0}, two.direction(), 1e-12);
        for (long seed = 0; seed < 5; seed++) {
            double[][] g = random(4, 7, seed);
            Combination c = WeightingFunctions.imtl(g);
            assertEquals(1, Arrays.stream(c.weights()).sum(), 1e-9);
            double p0 = dot(c.direction(), g[0]) / Math.sqrt(dot(g[0], g[0]));
            for (int i = 1; i < 4; i++) {
                assertEquals(p0, dot(c.direction(), g[i]) / Math.sqrt(dot(g[i], g[i])), 1e-9, "seed " + seed);
            }
        }
        // with IMTL-L scales the rule applies to e^{s_i} g_i and the weights refer to the raw gradients
        double[] s = {0.3, -0.2};
        Combination scaled = WeightingFunctions.imtl(new double[][] {{1, 0}, {0, 2}}, s);
        Combination onScaled = WeightingFunctions.imtl(new double[][] {{Math.exp(0.3), 0}, {0, 2 * Math.exp(-0.2)}});
        assertArrayEquals(onScaled.direction(), scaled.direction(), 1e-12);
        assertEquals(onScaled.weights()[0] * Math.exp(0.3), scaled.weights()[0], 1e-12);
        // parallel gradients make D Uᵀ singular: equal weights
        assertArrayEquals(new double[] {0.5, 0.5},
                WeightingFunctions.imtl(new double[][] {{1, 0}, {2, 0}}).weights(), 1e-12);
    }

    @Test
    void nashMtlSolvesTheBargainingEquations() {
        // orthogonal gradients: M diagonal, α_i = 1/√M_ii with M = G/‖G‖_F, ‖G‖_F = √(81 + 256)
        // (to the solver's 1e-9 ridge)
        double[][] g = {{3, 0}, {0, 4}};
        double q = Math.pow(337, 0.25);
        Combination free = WeightingFunctions.nashMtl(g, 0);
        assertArrayEquals(new double[] {q / 3, q / 4}, free.weights(), 1e-7);
        assertArrayEquals(new double[] {q, q}, free.direction(), 1e-7);
        // clipped to norm 1 as in the reference code
        Combination clipped = WeightingFunctions.nashMtl(g, 1);
        assertArrayEquals(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, clipped.direction(), 1e-9);
        for (long seed = 0; seed < 5; seed++) {
            double[][] r = random(3, 6, seed);
            double[][] gram = Gradients.gram(r);
            double norm = 0;
            for (double[] row : gram) {
                for (double v : row) {
                    norm += v * v;
                }
            }
            norm = Math.sqrt(norm);
            double[] a = WeightingFunctions.nashMtl(r, 0).weights();
            double[] ga = Gradients.times(gram, a);
            for (int i = 0; i < 3; i++) {
                assertTrue(a[i] > 0);
                // (G/‖G‖) α = 1/α, and every task improves along d: g_i·d = ‖G‖/α_i > 0
                assertEquals(1 / a[i], ga[i] / norm, 1e-6 / a[i], "seed " + seed);
            }
        }
    }

    @Test
    void gradDropKeepsOneSignPerElementByPurity() {
        double[][] g = {{1, -2, 3}, {-1, -2, 1}};
        // purity P = (0.5, ≈0, ≈1): element 0 keeps the positive sign when P > U, elements 1 and 2 their majority
        Combination c = WeightingFunctions.gradDrop(g, new double[] {0.3, 0.5, 0.7}, 0);
        assertArrayEquals(new double[] {1, -4, 4}, c.direction(), 1e-12);
        assertArrayEquals(new double[] {1, 0.75}, c.weights(), 1e-12);
        Combination other = WeightingFunctions.gradDrop(g, new double[] {0.7, 0.5, 0.7}, 0);
        assertArrayEquals(new double[] {-1, -4, 4}, other.direction(), 1e-12);
        // a leak of ½ lets half of every dropped gradient through
        Combination leaky = WeightingFunctions.gradDrop(g, new double[] {0.3, 0.5, 0.7}, 0.5);
        assertArrayEquals(new double[] {0.5, -4, 4}, leaky.direction(), 1e-12);
        // leak 1 is the plain sum
        Combination sum = WeightingFunctions.gradDrop(g, new double[] {0.3, 0.5, 0.7}, 1);
        assertArrayEquals(new double[] {0, -4, 4}, sum.direction(), 1e-12);
    }

    @Test
    void gradNormTargetsAndWeightUpdateForTwoTasks() {
        double[] w = {1, 1};
        double[] norms = {2, 1};
        double[] losses = {0.5, 0.8};
        double[] initial = {1, 1};
        GradNormStep s = WeightingFunctions.gradNorm(w, norms, losses, initial, 1.5);
        // G = (2, 1), Ḡ = 1.5; L̃ = (0.5, 0.8), r = L̃/0.65; targets Ḡ r^1.5
        assertArrayEquals(new double[] {2, 1}, s.gradientNorms(), 1e-12);
        assertArrayEquals(new double[] {1.0119900223, 2.0481238014}, s.targets(), 1e-9);
        assertEquals(2.0361337792, s.loss(), 1e-9);
        // ∂L_grad/∂w_i = sign(G_i − target_i)·‖∇_W L_i‖
        assertArrayEquals(new double[] {2, -1}, s.weightGradient(), 1e-12);
        // one SGD step of 0.1 then renormalisation to Σw = K
        double[] updated = {w[0] - 0.1 * s.weightGradient()[0], w[1] - 0.1 * s.weightGradient()[1]};
        assertArrayEquals(new double[] {0.8421052632, 1.1578947368},
                WeightingFunctions.gradNormRenormalise(updated), 1e-9);
        // α = 0 asks for equal gradient norms whatever the losses
        GradNormStep flat = WeightingFunctions.gradNorm(w, norms, losses, initial, 0);
        assertArrayEquals(new double[] {1.5, 1.5}, flat.targets(), 1e-12);
        // a weight pushed below zero is floored before renormalising
        double[] r = WeightingFunctions.gradNormRenormalise(new double[] {-1, 2});
        assertEquals(2, r[0] + r[1], 1e-12);
        assertTrue(r[0] > 0 && r[0] < 1e-3);
    }
}
