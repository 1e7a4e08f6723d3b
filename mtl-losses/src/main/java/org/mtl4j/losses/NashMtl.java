package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Map;
import org.mtl4j.core.weighting.GradientMode;

/**
 * Nash-MTL, multi-task learning as a bargaining game (Navon et al., "Multi-Task Learning as a Bargaining Game",
 * ICML 2022).
 *
 * <p>The update {@code d = Σ_i α_i g_i} is the Nash bargaining solution: {@code α > 0} solves
 * {@code (G Gᵀ) α = 1/α} (element-wise), so that every task's directional derivative {@code g_i·d = 1/α_i} is
 * inversely proportional to its weight. As in the reference code the Gram matrix is first normalised by its
 * Frobenius norm, and the combined gradient is then clipped to norm {@code maxNorm} (1.0 by default, as the reference
 * clips the shared parameters' gradient). The reference solves a sequence of convex programs with cvxpy; here the
 * same fixed point is the unique minimiser of the strictly convex {@code ½ αᵀMα − Σ_i log α_i}, found by damped
 * Newton steps warm-started from the previous step's solution (kept as state). Parameter mode only, as in the paper
 * and LibMTL.
 */
final class NashMtl extends GramWeighting {

    /** The reference implementation's gradient-norm limit. */
    static final double DEFAULT_MAX_NORM = 1.0;
    private static final String STATE_ALPHA = "alpha";
    private static final int MAX_ITERATIONS = 100;

    private final double maxNorm;
    private double[] previous;

    NashMtl(double maxNorm) {
        checkArgument(maxNorm >= 0 && Double.isFinite(maxNorm),
                "nash: max norm must be finite and >= 0 (0 turns clipping off), got %s", maxNorm);
        this.maxNorm = maxNorm;
    }

    @Override
    public String name() {
        return "nash";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int k = gram.length;
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new double[k];
        }
        double[] start = null;
        if (previous != null && previous.length == k) {
            start = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                start[i] = previous[idx[i]];
            }
        }
        double[] alpha = Gradients.scatter(solve(Gradients.subset(gram, idx), maxNorm, start), idx, k);
        double[] remembered = previous != null && previous.length == k ? previous.clone() : new double[k];
        double clip = clipFactor(gram, alpha, maxNorm);
        for (int i : idx) {
            // remember the unclipped solution of the normalised problem, the warm start of the next step
            remembered[i] = alpha[i] / clip;
        }
        previous = remembered;
        return alpha;
    }

    /**
     * The Nash-MTL weights: solve {@code M α = 1/α} with {@code M = G / ‖G‖_F}, then scale α so that
     * {@code ‖Σ α_i g_i‖ ≤ maxNorm}.
     *
     * @param gram the Gram matrix of the (active) task gradients
     * @param maxNorm the norm limit of the combined gradient, 0 for none
     * @param start a warm start (the previous unclipped solution), or null
     * @return the weights
     */
    static double[] solve(double[][] gram, double maxNorm, double[] start) {
        int k = gram.length;
        double norm = frobenius(gram);
        double[] alpha = new double[k];
        if (!(norm > 0) || !Double.isFinite(norm)) {
            Arrays.fill(alpha, 1);
            return alpha;
        }
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                m[i][j] = gram[i][j] / norm;
            }
            m[i][i] += 1e-9; // keeps the problem bounded when the gradients cancel exactly
        }
        alpha = bargain(m, start);
        double clip = clipFactor(gram, alpha, maxNorm);
        for (int i = 0; i < k; i++) {
            alpha[i] *= clip;
        }
        return alpha;
    }

    /**
     * Solves {@code M α = 1/α}, {@code α > 0}, by damped Newton steps on {@code f(α) = ½ αᵀMα − Σ log α_i}.
     *
     * @param m a symmetric positive (semi-)definite matrix
     * @param start a positive starting point, or null
     * @return the solution
     */
    static double[] bargain(double[][] m, double[] start) {
        int k = m.length;
        double[] alpha = new double[k];
        boolean warm = start != null && start.length == k;
        for (int i = 0; i < k && warm; i++) {
            warm = start[i] > 0 && Double.isFinite(start[i]);
        }
        for (int i = 0; i < k; i++) {
            alpha[i] = warm ? start[i] : 1 / Math.sqrt(m[i][i]);
        }
        double f = barrier(m, alpha);
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] ma = Gradients.times(m, alpha);
            double[] grad = new double[k];
            double size = 0;
            for (int i = 0; i < k; i++) {
                grad[i] = ma[i] - 1 / alpha[i];
                size = Math.max(size, Math.abs(grad[i]) * alpha[i]);
            }
            if (size < 1e-13) {
                break;
            }
            double[][] h = new double[k][k];
            double[] rhs = new double[k];
            for (int i = 0; i < k; i++) {
                System.arraycopy(m[i], 0, h[i], 0, k);
                h[i][i] += 1 / (alpha[i] * alpha[i]);
                rhs[i] = -grad[i];
            }
            double[] delta = Gradients.solve(h, rhs);
            if (delta == null) {
                break;
            }
            double t = 1;
            for (int i = 0; i < k; i++) {
                if (delta[i] < 0) {
                    t = Math.min(t, 0.99 * alpha[i] / -delta[i]);
                }
            }
            double slope = 0;
            for (int i = 0; i < k; i++) {
                slope += grad[i] * delta[i];
            }
            double[] next = new double[k];
            double fNext = Double.NaN;
            while (t > 1e-12) {
                for (int i = 0; i < k; i++) {
                    next[i] = alpha[i] + t * delta[i];
                }
                fNext = barrier(m, next);
                if (fNext <= f + 1e-4 * t * slope) {
                    break;
                }
                t /= 2;
            }
            if (!(fNext <= f)) {
                break;
            }
            alpha = next.clone();
            f = fNext;
        }
        return alpha;
    }

    private static double barrier(double[][] m, double[] alpha) {
        double f = 0.5 * Gradients.quadratic(m, alpha);
        for (double a : alpha) {
            f -= Math.log(a);
        }
        return f;
    }

    private static double frobenius(double[][] gram) {
        double s = 0;
        for (double[] row : gram) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /** @return {@code min(1, maxNorm / ‖Σ α_i g_i‖)}, or 1 without a limit */
    private static double clipFactor(double[][] gram, double[] alpha, double maxNorm) {
        if (maxNorm <= 0) {
            return 1;
        }
        double dNorm = Math.sqrt(Math.max(0, Gradients.quadratic(gram, alpha)));
        return dNorm > maxNorm ? maxNorm / dNorm : 1;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        return previous == null ? ImmutableMap.of() : ImmutableMap.of(STATE_ALPHA, previous.clone());
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] a = state.get(STATE_ALPHA);
        previous = a == null ? null : a.clone();
    }

    @Override
    public String toString() {
        return name() + ":" + maxNorm;
    }
}
