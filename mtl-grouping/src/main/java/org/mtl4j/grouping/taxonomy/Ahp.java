package org.mtl4j.grouping.taxonomy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The Analytic Hierarchy Process normalisation of Taskonomy (Zamir et al., "Taskonomy: Disentangling Task Transfer
 * Learning", CVPR 2018, Section 3.3), which makes transfer results of different targets — losses on incomparable
 * scales — comparable: for one target, the contenders (readouts from each source, the network trained from scratch,
 * …) play a tournament on the test samples.
 *
 * <pre>
 *   W'[i][j] = fraction of test samples on which contender i has a lower loss than j   (ties count one half)
 *   W[i][j]  = clip(W'[i][j]) / clip(W'[j][i]),   clip to [0.001, 0.999]
 *   quality  = principal eigenvector of W, normalised to sum 1   (Perron vector: W is positive)
 * </pre>
 * {@code W} is a reciprocal pairwise-comparison matrix ({@code W[j][i] = 1/W[i][j]}); when the comparisons are
 * consistent ({@code W[i][j] = v_i/v_j}) the eigenvector is exactly {@code v}. Use {@link #normalise} on the
 * per-sample losses of every contender of one target.
 */
public final class Ahp {

    /** The clipping bound of the win rates: {@code [CLIP, 1 − CLIP]}. */
    public static final double CLIP = 0.001;

    private static final int MAX_ITERATIONS = 10_000;

    private Ahp() {}

    /**
     * The pairwise win rates {@code W'} of contenders on shared samples (lower loss wins, ties count one half; the
     * diagonal is 1/2).
     *
     * @param losses {@code losses[c][x]}: contender {@code c}'s loss on sample {@code x}; every row the same length
     * @return {@code W'}
     * @throws IllegalArgumentException if rows differ in length, are empty, or hold a non-finite loss
     */
    public static double[][] winRates(double[][] losses) {
        checkNotNull(losses, "losses");
        checkArgument(losses.length > 0, "no contenders");
        int m = losses[0].length;
        checkArgument(m > 0, "no samples");
        for (int c = 0; c < losses.length; c++) {
            checkArgument(losses[c].length == m, "contender %s has %s samples, contender 0 has %s", c,
                    losses[c].length, m);
            for (double v : losses[c]) {
                checkArgument(Double.isFinite(v), "contender %s has a non-finite loss %s", (Integer) c, (Double) v);
            }
        }
        int n = losses.length;
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i == j) {
                    w[i][j] = 0.5;
                    continue;
                }
                double wins = 0;
                for (int x = 0; x < m; x++) {
                    if (losses[i][x] < losses[j][x]) {
                        wins += 1;
                    } else if (losses[i][x] == losses[j][x]) {
                        wins += 0.5;
                    }
                }
                w[i][j] = wins / m;
            }
        }
        return w;
    }

    /**
     * The tournament matrix {@code W[i][j] = clip(W'[i][j]) / clip(W'[j][i])}.
     *
     * @param winRates {@code W'}, square, entries in [0, 1]
     * @return {@code W}
     */
    public static double[][] tournament(double[][] winRates) {
        int n = square(winRates, "win rates");
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                checkArgument(winRates[i][j] >= 0 && winRates[i][j] <= 1, "win rate [%s][%s] = %s is not in [0, 1]", i,
                        j, winRates[i][j]);
                w[i][j] = clip(winRates[i][j]) / clip(winRates[j][i]);
            }
        }
        return w;
    }

    /**
     * The principal eigenvector of a positive square matrix, by power iteration (to a change below 1e-14), normalised
     * to sum 1.
     *
     * @param a the matrix, all entries positive
     * @return the eigenvector, all entries positive, summing to 1
     */
    public static double[] principalEigenvector(double[][] a) {
        int n = square(a, "matrix");
        for (double[] row : a) {
            for (double v : row) {
                checkArgument(v > 0 && Double.isFinite(v), "the matrix must be positive and finite, found %s", v);
            }
        }
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0 / n);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] next = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += a[i][j] * v[j];
                }
                next[i] = s;
                sum += s;
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                next[i] /= sum;
                change = Math.max(change, Math.abs(next[i] - v[i]));
            }
            v = next;
            if (change < 1e-14) {
                break;
            }
        }
        return v;
    }

    /**
     * The AHP quality of every contender of one target: the principal eigenvector of the tournament of their win
     * rates, summing to 1.
     *
     * @param losses {@code losses[c][x]}: contender {@code c}'s loss on test sample {@code x}
     * @return the quality of each contender
     */
    public static double[] normalise(double[][] losses) {
        return principalEigenvector(tournament(winRates(losses)));
    }

    private static double clip(double v) {
        return Math.min(1 - CLIP, Math.max(CLIP, v));
    }

    private static int square(double[][] a, String what) {
        checkNotNull(a, what);
        checkArgument(a.length > 0, "the %s is empty", what);
        for (double[] row : a) {
            checkArgument(row != null && row.length == a.length, "the %s is not square (%s rows)", what, a.length);
        }
        return a.length;
    }
}
