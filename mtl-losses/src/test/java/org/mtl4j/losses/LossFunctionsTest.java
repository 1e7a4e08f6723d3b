package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The loss-based rules on hand-worked inputs (values computed from the papers' formulas). */
class LossFunctionsTest {

    private static final double LN2 = Math.log(2);

    @Test
    void uncertaintyLossWeightsAndLogVarianceGradients() {
        double[] l = {2, 0.5};
        double[] s = {0, LN2};
        // 2/2 + 0/2 + e^{-ln 2}·0.5/2 + ln 2/2
        assertEquals(1 + 0.125 + LN2 / 2, WeightingFunctions.uncertaintyLoss(l, s), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.25}, WeightingFunctions.uncertaintyWeights(s), 1e-12);
        // (1 − e^{−s} L)/2: (1 − 2)/2 and (1 − 0.25)/2
        assertArrayEquals(new double[] {-0.5, 0.375}, WeightingFunctions.uncertaintyLogVarianceGradient(l, s),
                1e-12);
        // at the optimum e^{s_i} = L_i the gradient vanishes
        double[] opt = {Math.log(2), Math.log(0.5)};
        assertArrayEquals(new double[] {0, 0}, WeightingFunctions.uncertaintyLogVarianceGradient(l, opt), 1e-12);
    }

    @Test
    void dwaWeightsFollowTheLossRatiosOfTheLastTwoEpochs() {
        double[] before = {1.0, 2.0, 0.5};
        double[] last = {0.8, 1.9, 0.5};
        // ratios 0.8, 0.95, 1.0 over T = 2, K·softmax
        double[] w = WeightingFunctions.dwaWeights(last, before, 2);
        assertArrayEquals(new double[] {0.9424907628, 1.0158958556, 1.0416133816}, w, 1e-9);
        assertEquals(3, Arrays.stream(w).sum(), 1e-12);
        // equal ratios give weight 1; a huge temperature flattens
        assertArrayEquals(new double[] {1, 1}, WeightingFunctions.dwaWeights(new double[] {1, 2},
                new double[] {2, 4}, 2), 1e-12);
        double[] flat = WeightingFunctions.dwaWeights(last, before, 1e6);
        assertArrayEquals(new double[] {1, 1, 1}, flat, 1e-6);
        // a task with no recorded loss counts as ratio 1
        double[] nan = WeightingFunctions.dwaWeights(new double[] {Double.NaN, 1}, new double[] {1, 1}, 2);
        assertArrayEquals(new double[] {1, 1}, nan, 1e-12);
        assertThrows(IllegalArgumentException.class, () -> WeightingFunctions.dwaWeights(last, before, 0));
    }

    @Test
    void dtpIndicatorsAndFocalWeights() {
        assertEquals(0.8, WeightingFunctions.dtpIndicator(0.8, true, Double.NaN), 1e-12);
        // an error of 2 against a first error of 6: κ = 6 / (6 + 2)
        assertEquals(0.75, WeightingFunctions.dtpIndicator(2, false, 6), 1e-12);
        assertEquals(0.5, WeightingFunctions.dtpIndicator(6, false, 6), 1e-12);
        assertArrayEquals(new double[] {0.0446287103, 0.0719205181},
                WeightingFunctions.dtpWeights(new double[] {0.8, 0.75}, 1), 1e-9);
        assertArrayEquals(new double[] {0.0089257421}, WeightingFunctions.dtpWeights(new double[] {0.8}, 2), 1e-9);
        // γ = 0 is plain −log κ; the harder task gets the larger weight
        double[] w = WeightingFunctions.dtpWeights(new double[] {0.9, 0.3}, 0);
        assertEquals(-Math.log(0.9), w[0], 1e-12);
        assertTrue(w[1] > w[0]);
    }

    @Test
    void rlwWeightsAreASoftmaxOfGaussiansRepeatableBySeed() {
        double[] a = WeightingFunctions.rlwWeights(4, 7);
        assertArrayEquals(a, WeightingFunctions.rlwWeights(4, 7), 0);
        assertFalse(Arrays.equals(a, WeightingFunctions.rlwWeights(4, 8)));
        assertEquals(1, Arrays.stream(a).sum(), 1e-12);
        double[] mean = new double[3];
        int n = 20_000;
        for (int s = 0; s < n; s++) {
            double[] w = WeightingFunctions.rlwWeights(3, s);
            for (int i = 0; i < 3; i++) {
                assertTrue(w[i] > 0 && w[i] < 1);
                mean[i] += w[i] / n;
            }
        }
        // symmetric distribution: every task gets 1/K on average
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, mean, 0.01);
    }

    @Test
    void glsIsTheGeometricMeanAndScaleInvariant() {
        double[] l = {1, 4, 2};
        assertEquals(2, WeightingFunctions.glsLoss(l), 1e-12);
        // ∂L/∂L_k = L / (K L_k)
        assertArrayEquals(new double[] {2 / 3.0, 1 / 6.0, 1 / 3.0}, WeightingFunctions.glsWeights(l), 1e-12);
        // scaling one loss by 10 scales L by 10^{1/3}: the relative weights of the others do not change
        double[] scaled = {1, 40, 2};
        assertEquals(2 * Math.cbrt(10), WeightingFunctions.glsLoss(scaled), 1e-12);
        double[] w = WeightingFunctions.glsWeights(scaled);
        assertEquals(2.0, w[0] / w[2], 1e-12);
    }

    @Test
    void famoWeightsAndLogitUpdate() {
        double[] logits = {0, 0};
        // z = (½, ½), c = ½/1 + ½/3 = 2/3: weights ¾ and ¼
        assertArrayEquals(new double[] {0.75, 0.25}, WeightingFunctions.famoWeights(logits, new double[] {1, 3}),
                1e-7);
        // δ = (log 2, log(3/2.7)); ∂ξ = z ⊙ (δ − zᵀδ)
        double[] before = {1, 3};
        double[] after = {0.5, 2.7};
        double[] g = WeightingFunctions.famoLogitGradient(logits, before, after);
        assertArrayEquals(new double[] {0.1469466638, -0.1469466638}, g, 1e-9);
        // first Adam step: m̂ = g, v̂ = g², so ξ moves by lr·g/(|g| + ε) ≈ −lr·sign(g): the task that improved faster
        // (task 0) loses weight
        double[] m = new double[2];
        double[] v = new double[2];
        WeightingFunctions.famoUpdate(logits, m, v, 1, before, after, 0.025, 1e-3);
        assertArrayEquals(new double[] {-0.025, 0.025}, logits, 1e-8);
        double[] z = Famo.softmax(logits);
        assertTrue(z[0] < z[1]);
        // second step with the same decrease: weight decay (1e-3·ξ) enters the gradient
        double[] expectedM = new double[2];
        double[] expectedV = new double[2];
        double[] x = logits.clone();
        double[] g2 = WeightingFunctions.famoLogitGradient(x, before, after);
        for (int i = 0; i < 2; i++) {
            double gi = g2[i] + 1e-3 * x[i];
            expectedM[i] = 0.9 * m[i] + 0.1 * gi;
            expectedV[i] = 0.999 * v[i] + 0.001 * gi * gi;
            x[i] -= 0.025 * (expectedM[i] / (1 - 0.81)) / (Math.sqrt(expectedV[i] / (1 - 0.999 * 0.999)) + 1e-8);
        }
        WeightingFunctions.famoUpdate(logits, m, v, 2, before, after, 0.025, 1e-3);
        assertArrayEquals(x, logits, 1e-12);
        assertArrayEquals(expectedM, m, 1e-15);
    }

    @Test
    void badArgumentsAreRefusedNamingTheCulprit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightingFunctions.uncertaintyLoss(new double[] {1}, new double[] {1, 2}));
        assertTrue(e.getMessage().contains("uw"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> WeightingFunctions.famoUpdate(new double[2], new double[2], new double[2], 0,
                        new double[2], new double[2], 0.1, 0));
        assertTrue(e.getMessage().contains("famo"), e.getMessage());
    }
}
