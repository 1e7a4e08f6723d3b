package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask;

import com.google.common.collect.ImmutableSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.AlignedMtl.ScaleMode;
import org.mtl4j.losses.WeightingFunctions.Combination;

/** Aligned-MTL on hand-made gradients, degenerate inputs and the alignment property. */
class AlignedMtlTest {

    private static final double S3 = Math.sqrt(3);

    private static Combination aligned(ScaleMode mode, double[]... g) {
        return new AlignedMtl(mode).combine(g, 0);
    }

    private static double[][] random(int k, int d, Random r) {
        double[][] g = new double[k][d];
        for (double[] row : g) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian() * (1 + 3 * r.nextDouble());
            }
        }
        return g;
    }

    @Test
    void matchesTheHandComputedBalanceTransformation() {
        // g1 = (1,1,0), g2 = (0,1,1): M = [[2,1],[1,2]], λ = 3 (v = (1,1)/√2) and 1 (v = (1,−1)/√2), σ_min = 1.
        // B = 1·(1/√3)·½[[1,1],[1,1]] + 1·(1/1)·½[[1,−1],[−1,1]], so B11 = 1/(2√3) + ½, B12 = 1/(2√3) − ½,
        // α = B·1 = (1/√3, 1/√3) and d = (1/√3)(g1 + g2) = (1, 2, 1)/√3.
        double[][] g = {{1, 1, 0}, {0, 1, 1}};
        double[][] b = AlignedMtl.balance(Gradients.gram(g), ScaleMode.MIN);
        assertEquals(1 / (2 * S3) + 0.5, b[0][0], 1e-12);
        assertEquals(1 / (2 * S3) - 0.5, b[0][1], 1e-12);
        Combination c = aligned(ScaleMode.MIN, g);
        assertArrayEquals(new double[] {1 / S3, 1 / S3}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {1 / S3, 2 / S3, 1 / S3}, c.direction(), 1e-12);
        // median of {1, 3} is torch's lower median 1 (same as min); rmse: scale √((3 + 1)/2) = √2
        assertArrayEquals(c.weights(), aligned(ScaleMode.MEDIAN, g).weights(), 1e-12);
        assertArrayEquals(new double[] {Math.sqrt(2) / S3, Math.sqrt(2) / S3}, aligned(ScaleMode.RMSE, g).weights(),
                1e-12);
    }

    @Test
    void orthogonalGradientsAreRescaledToTheSmallestNorm() {
        // g_i = i·e_i: M = diag(1, 4, 9), V = I, σ = (1, 2, 3) and B = s·diag(1, 1/2, 1/3), α = B·1.
        // min: s = 1 → α = (1, ½, ⅓), d = (1, 1, 1); median: λ = {1, 4, 9} → s = √4 = 2 → α = (2, 1, ⅔);
        // rmse: s = √((1 + 4 + 9)/3) = √(14/3).
        double[][] g = {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}};
        Combination min = aligned(ScaleMode.MIN, g);
        assertArrayEquals(new double[] {1, 0.5, 1.0 / 3}, min.weights(), 1e-12);
        assertArrayEquals(new double[] {1, 1, 1}, min.direction(), 1e-12);
        assertArrayEquals(new double[] {2, 1, 2.0 / 3}, aligned(ScaleMode.MEDIAN, g).weights(), 1e-12);
        double s = Math.sqrt(14.0 / 3);
        assertArrayEquals(new double[] {s, s / 2, s / 3}, aligned(ScaleMode.RMSE, g).weights(), 1e-12);
        // two tasks: the median of {1, 4} is the lower one, 1 (torch.median)
        assertArrayEquals(new double[] {1, 0.5},
                aligned(ScaleMode.MEDIAN, new double[] {1, 0}, new double[] {0, 2}).weights(), 1e-12);
    }

    @Test
    void degenerateInputs() {
        // one task: M = [‖g‖²], B = σ/σ = 1
        Combination one = aligned(ScaleMode.MIN, new double[] {3, 4});
        assertArrayEquals(new double[] {1}, one.weights(), 1e-12);
        assertArrayEquals(new double[] {3, 4}, one.direction(), 1e-12);
        // identical: M = ‖g‖²[[1,1],[1,1]], λ = (2‖g‖², 0); the 0 is dropped, B = V₁V₁ᵀ = ½[[1,1],[1,1]], α = (1, 1)
        Combination same = aligned(ScaleMode.MIN, new double[] {1, 2}, new double[] {1, 2});
        assertArrayEquals(new double[] {1, 1}, same.weights(), 1e-12);
        assertArrayEquals(new double[] {2, 4}, same.direction(), 1e-12);
        // opposite: V₁ = (1,−1)/√2, B = ½[[1,−1],[−1,1]], α = B·1 = 0
        Combination opposite = aligned(ScaleMode.MIN, new double[] {1, 2}, new double[] {-1, -2});
        assertArrayEquals(new double[] {0, 0}, opposite.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, opposite.direction(), 1e-12);
        // a zero gradient is inactive: weight 0, the others as if it were not there
        Combination withZero = aligned(ScaleMode.MIN, new double[] {1, 0, 0}, new double[] {0, 0, 0},
                new double[] {0, 2, 0});
        assertArrayEquals(new double[] {1, 0, 0.5}, withZero.weights(), 1e-12);
        // no active task at all
        assertArrayEquals(new double[] {0, 0}, aligned(ScaleMode.MIN, new double[] {0, 0}, new double[] {0, 0})
                .weights(), 0);
        // an absent task through the Gram entry point
        double[][] gram = Gradients.gram(new double[][] {{1, 1, 0}, {5, 5, 5}, {0, 1, 1}});
        double[] w = new AlignedMtl(ScaleMode.MIN).weights(gram, new boolean[] {true, false, true}, 0);
        assertArrayEquals(new double[] {1 / S3, 0, 1 / S3}, w, 1e-12);
    }

    @Test
    void alignedGradientsAreOrthogonalWithEqualNormOnRandomInstances() {
        Random r = new Random(7);
        for (int trial = 0; trial < 30; trial++) {
            int k = 2 + r.nextInt(5);
            double[][] g = random(k, k + 1 + r.nextInt(6), r);
            double[][] gram = Gradients.gram(g);
            SymmetricEigen eigen = SymmetricEigen.of(gram);
            double sigmaMin2 = eigen.values[k - 1];
            for (ScaleMode mode : ScaleMode.values()) {
                double[][] b = AlignedMtl.balance(gram, mode);
                // the aligned gradients ĝ_j = Σ_i B_ij g_i: their Gram BᵀMB = s² I
                double[][] aligned = new double[k][];
                for (int j = 0; j < k; j++) {
                    double[] col = new double[k];
                    for (int i = 0; i < k; i++) {
                        col[i] = b[i][j];
                    }
                    aligned[j] = Gradients.combine(g, col);
                }
                double[][] ag = Gradients.gram(aligned);
                double s2 = ag[0][0];
                if (mode == ScaleMode.MIN) {
                    assertEquals(sigmaMin2, s2, 1e-9 * eigen.values[0], "trial " + trial);
                }
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        assertEquals(i == j ? s2 : 0, ag[i][j], 1e-9 * eigen.values[0], "trial " + trial);
                    }
                }
                // the reported weights are the row sums of B, and the direction is the sum of the aligned gradients
                Combination c = new AlignedMtl(mode).combine(g, 0);
                double[] sum = new double[g[0].length];
                for (double[] a : aligned) {
                    for (int d = 0; d < sum.length; d++) {
                        sum[d] += a[d];
                    }
                }
                assertArrayEquals(sum, c.direction(), 1e-9 * Math.sqrt(eigen.values[0]));
            }
        }
    }

    @Test
    void jacobiDecomposesRandomSymmetricMatrices() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int k = 1 + r.nextInt(8);
            double[][] a = Gradients.gram(random(k, 1 + r.nextInt(10), r)); // PSD, possibly rank-deficient
            SymmetricEigen e = SymmetricEigen.of(a);
            for (int c = 1; c < k; c++) {
                assertTrue(e.values[c - 1] >= e.values[c]);
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double rec = 0;
                    double orth = 0;
                    for (int c = 0; c < k; c++) {
                        rec += e.vectors[i][c] * e.values[c] * e.vectors[j][c];
                        orth += e.vectors[c][i] * e.vectors[c][j];
                    }
                    assertEquals(a[i][j], rec, 1e-10 * Math.max(1, e.values[0]));
                    assertEquals(i == j ? 1 : 0, orth, 1e-12);
                }
            }
        }
    }

    @Test
    void namesModesAndArguments() {
        assertEquals("aligned", new AlignedMtl(ScaleMode.MIN).name());
        assertEquals("aligned:median", new AlignedMtl(ScaleMode.parse(" Median")).toString());
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION),
                new AlignedMtl(ScaleMode.RMSE).gradientModes());
        assertEquals(GradientMode.PARAMETERS, new AlignedMtl(ScaleMode.MIN).preferredMode());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ScaleMode.parse("max"));
        assertTrue(e.getMessage().contains("aligned: scale mode must be min, median or rmse"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new AlignedMtl(null));
    }

    @Test
    void theTrainingHookMatchesThePlainArrayFunctionAndSkipsAnAbsentTask() {
        assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask(() -> new AlignedMtl(ScaleMode.MIN),
                GradientMode.REPRESENTATION);
    }
}
