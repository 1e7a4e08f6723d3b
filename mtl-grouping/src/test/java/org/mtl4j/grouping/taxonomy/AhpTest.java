package org.mtl4j.grouping.taxonomy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The AHP normalisation of Taskonomy against hand-computed examples. */
class AhpTest {

    /**
     * Three contenders on 15 samples. Per sample, the ranking (best first) is one of the six orders; counts: 0<1<2
     * seven times, 0<2<1 three, 1<0<2 twice, 1<2<0 once, 2<0<1 never, 2<1<0 twice. Then 0 beats 1 on 7+3+0 = 10
     * samples, 0 beats 2 on 7+3+2 = 12 and 1 beats 2 on 7+2+1 = 10.
     */
    private static double[][] handExample() {
        int[][] orders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        int[] counts = {7, 3, 2, 1, 0, 2};
        List<double[]> samples = new ArrayList<>();
        for (int o = 0; o < orders.length; o++) {
            for (int c = 0; c < counts[o]; c++) {
                double[] loss = new double[3];
                for (int rank = 0; rank < 3; rank++) {
                    loss[orders[o][rank]] = 0.1 * (rank + 1) + 0.01 * samples.size();
                }
                samples.add(loss);
            }
        }
        double[][] byContender = new double[3][samples.size()];
        for (int x = 0; x < samples.size(); x++) {
            for (int c = 0; c < 3; c++) {
                byContender[c][x] = samples.get(x)[c];
            }
        }
        return byContender;
    }

    @Test
    void handComputedThreeByThree() {
        double[][] w = Ahp.winRates(handExample());
        // W': 0 beats 1 on 10/15, 0 beats 2 on 12/15, 1 beats 2 on 10/15
        assertEquals(10.0 / 15, w[0][1], 1e-15);
        assertEquals(5.0 / 15, w[1][0], 1e-15);
        assertEquals(12.0 / 15, w[0][2], 1e-15);
        assertEquals(10.0 / 15, w[1][2], 1e-15);
        assertEquals(0.5, w[2][2]);
        // W = W'/W'ᵀ: 2, 4, 2 above the diagonal, reciprocals below — consistent: W[i][j] = v_i / v_j, v = (4, 2, 1)
        double[][] t = Ahp.tournament(w);
        assertEquals(2.0, t[0][1], 1e-12);
        assertEquals(4.0, t[0][2], 1e-12);
        assertEquals(2.0, t[1][2], 1e-12);
        assertEquals(0.25, t[2][0], 1e-12);
        assertEquals(1.0, t[1][1], 1e-12);
        // so the principal eigenvector is v/Σv = (4/7, 2/7, 1/7), eigenvalue 3
        double[] q = Ahp.normalise(handExample());
        assertEquals(4.0 / 7, q[0], 1e-12);
        assertEquals(2.0 / 7, q[1], 1e-12);
        assertEquals(1.0 / 7, q[2], 1e-12);
    }

    @Test
    void inconsistentTournamentSatisfiesTheEigenEquationAndTiesCountHalf() {
        // contender 0 beats 1 always (clipped to 0.999), 1 beats 2 always, 2 beats 0 always: a cycle
        double[][] losses = {{1, 1, 3, 3}, {2, 2, 1, 1}, {3, 3, 2, 2}};
        double[][] w = Ahp.winRates(losses);
        assertEquals(0.5, w[0][1], 1e-15, "0 wins two samples of four, 1 wins the other two");
        double[][] ties = {{1, 2}, {1, 1}};
        assertEquals(0.25, Ahp.winRates(ties)[0][1], 1e-15, "a tie counts one half: (0 + 0.5)/2");
        double[][] always = {{1, 1}, {2, 2}};
        double[][] t = Ahp.tournament(Ahp.winRates(always));
        assertEquals(0.999 / 0.001, t[0][1], 1e-9, "win rates are clipped to [0.001, 0.999]");
        double[][] a = {{1, 3, 0.5}, {1.0 / 3, 1, 4}, {2, 0.25, 1}};
        double[] v = Ahp.principalEigenvector(a);
        double lambda = 0;
        for (int j = 0; j < 3; j++) {
            lambda += a[0][j] * v[j];
        }
        lambda /= v[0];
        for (int i = 0; i < 3; i++) {
            double av = 0;
            for (int j = 0; j < 3; j++) {
                av += a[i][j] * v[j];
            }
            assertEquals(lambda * v[i], av, 1e-10, "row " + i);
        }
        assertTrue(lambda >= 3, "the principal eigenvalue of a reciprocal matrix is at least n: " + lambda);
        assertEquals(1.0, v[0] + v[1] + v[2], 1e-12);
    }

    @Test
    void badInputIsNamed() {
        assertThrows(IllegalArgumentException.class, () -> Ahp.winRates(new double[][] {{1, 2}, {1}}));
        String m = assertThrows(IllegalArgumentException.class,
                () -> Ahp.winRates(new double[][] {{1, Double.NaN}})).getMessage();
        assertTrue(m.contains("non-finite"), m);
        assertThrows(IllegalArgumentException.class, () -> Ahp.principalEigenvector(new double[][] {{1, -1}, {1, 1}}));
    }
}
