package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import org.mtl4j.core.weighting.GradientMode;

/**
 * MGDA-UB, multiple-gradient descent as multi-objective optimisation (Sener and Koltun, "Multi-Task Learning as
 * Multi-Objective Optimization", NeurIPS 2018).
 *
 * <p>The common descent direction is the minimum-norm point of the convex hull of the task gradients,
 * {@code α* = argmin_{α ∈ Δ} ‖Σ_i α_i g_i‖²}, {@code d = Σ_i α_i* g_i}; for two tasks
 * {@code α_1 = clamp(((g_2 − g_1)·g_2) / ‖g_1 − g_2‖², 0, 1)}. For more tasks the solver is Frank–Wolfe on the
 * Gram matrix, started from the best pair as in the authors' {@code MinNormSolver}, with an exact line search on
 * each segment. "UB" (upper bound) is the paper's cheap variant that uses gradients with respect to the shared
 * representation, so this strategy prefers {@link GradientMode#REPRESENTATION}; parameter mode gives plain MGDA.
 * The weights sum to 1 (not K): the step is a convex combination of the task gradients.
 */
final class Mgda extends GramWeighting {

    private static final int MAX_ITERATIONS = 500;
    private static final double TOLERANCE = 1e-10;

    @Override
    public String name() {
        return "mgda";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.REPRESENTATION, GradientMode.PARAMETERS);
    }

    @Override
    public GradientMode preferredMode() {
        return GradientMode.REPRESENTATION;
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new double[gram.length];
        }
        return Gradients.scatter(minNorm(Gradients.subset(gram, idx)), idx, gram.length);
    }

    /**
     * Finds {@code argmin_{α ∈ Δ} αᵀ G α} by Frank–Wolfe with exact line search.
     *
     * @param gram the Gram matrix of the (active) task gradients
     * @return the minimum-norm weights, on the simplex
     */
    static double[] minNorm(double[][] gram) {
        int k = gram.length;
        double[] alpha = new double[k];
        if (k == 1) {
            alpha[0] = 1;
            return alpha;
        }
        // start from the best pair (exact two-point solution), as MinNormSolver does
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double gamma = segment(gram[i][i], gram[i][j], gram[j][j]); // weight on g_j
                double cost = (1 - gamma) * (1 - gamma) * gram[i][i] + 2 * gamma * (1 - gamma) * gram[i][j]
                        + gamma * gamma * gram[j][j];
                if (cost < best) {
                    best = cost;
                    java.util.Arrays.fill(alpha, 0);
                    alpha[i] = 1 - gamma;
                    alpha[j] = gamma;
                }
            }
        }
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] galpha = Gradients.times(gram, alpha);
            int t = 0;
            for (int i = 1; i < k; i++) {
                if (galpha[i] < galpha[t]) {
                    t = i;
                }
            }
            double uu = Gradients.quadratic(gram, alpha); // u = Σ α_i g_i
            double gamma = segment(uu, galpha[t], gram[t][t]); // move towards g_t
            double change = 0;
            for (int i = 0; i < k; i++) {
                double next = (1 - gamma) * alpha[i] + (i == t ? gamma : 0);
                change += Math.abs(next - alpha[i]);
                alpha[i] = next;
            }
            if (change < TOLERANCE) {
                break;
            }
        }
        return alpha;
    }

    /**
     * The minimum-norm point of the segment {@code (1 − γ) u + γ v}: returns {@code γ* = clamp((u·u − u·v) /
     * (u·u + v·v − 2 u·v), 0, 1)}.
     */
    static double segment(double uu, double uv, double vv) {
        double denom = uu + vv - 2 * uv;
        if (!(denom > 0)) {
            return 0;
        }
        return Math.max(0, Math.min(1, (uu - uv) / denom));
    }

    @Override
    public String toString() {
        return name();
    }
}
