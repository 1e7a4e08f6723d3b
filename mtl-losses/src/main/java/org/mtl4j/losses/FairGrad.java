package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import org.mtl4j.core.weighting.GradientMode;

/**
 * FairGrad, α-fair resource allocation between tasks (Ban and Ji, "Fair Resource Allocation in Multi-Task
 * Learning", ICML 2024).
 *
 * <p>The tasks share the update d like users share a resource: task i's utility is its first-order loss decrease
 * {@code g_iᵀd}, and d maximises the α-fair welfare {@code Σ_i (g_iᵀd)^{1−α} / (1 − α)} over a ball. Its optimality
 * condition gives {@code d = Σ_i w_i g_i} with weights {@code w > 0} solving (the paper's Eq. 4)
 * <pre>  (G w)_i = w_i^{−1/α},   G = the Gram matrix g_iᵀg_j,</pre>
 * so every task gets {@code g_iᵀd = w_i^{−1/α}}. {@code α = 1} is proportional fairness (Nash-MTL's condition,
 * without its normalisation and clipping), {@code α → ∞} approaches max-min fairness (MGDA's spirit), and
 * {@code α → 0} gives {@code w = 1}, the plain sum (so {@code α = 0} returns weight 1 per task, the library's equal
 * weighting; TorchJD returns 1/K). Larger α protects the slowest task more. Defaults: {@code α = 1}, as LibMTL.
 *
 * <p>Solver: LibMTL and the official code call SciPy's {@code least_squares} on {@code Gw − w^{−1/α}} from
 * {@code w = 1/K}; here the same fixed point is the unique minimiser of the strictly convex
 * {@code F(w) = ½ wᵀGw − Σ_i u(w_i)} with {@code u′(w) = w^{−1/α}} ({@code u = log} for α = 1), found by damped
 * Newton steps that keep {@code w > 0}, from the exact solution for orthogonal gradients
 * {@code w_i = G_ii^{−α/(1+α)}}. G is scaled to unit mean diagonal first (the solution scales as
 * {@code s^{−α/(1+α)}} when G scales by s) and a ridge of {@code 10⁻⁹} is added to its diagonal, which changes
 * well-posed solutions negligibly and keeps the problem solvable when no positive solution exists (gradients that
 * cancel, such as two opposite ones: the weights then become large, equal where the tasks are symmetric, and
 * d vanishes). Inactive tasks (absent or zero gradient) get weight 0. Stateless. Parameter mode as in the paper and
 * LibMTL (preferred); the representation mode works as well, balancing the representation gradients' decreases as
 * MGDA-UB does.
 */
final class FairGrad extends GramWeighting {

    /** LibMTL's default fairness parameter α. */
    static final double DEFAULT_ALPHA = 1.0;
    static final double RIDGE = 1e-9;
    private static final int MAX_ITERATIONS = 200;

    private final double alpha;

    FairGrad(double alpha) {
        checkArgument(alpha >= 0 && Double.isFinite(alpha), "fairgrad: alpha must be finite and >= 0, got %s",
                alpha);
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "fairgrad";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new double[gram.length];
        }
        return Gradients.scatter(solve(Gradients.subset(gram, idx), alpha), idx, gram.length);
    }

    /**
     * The α-fair weights of the (active) tasks of a Gram matrix.
     *
     * @param gram the Gram matrix, with a positive diagonal
     * @param alpha the fairness parameter α ≥ 0
     * @return {@code w > 0} with {@code (G w)_i = w_i^{−1/α}} (up to the ridge), or all ones for α = 0
     */
    static double[] solve(double[][] gram, double alpha) {
        int k = gram.length;
        double[] w = new double[k];
        if (alpha == 0) {
            Arrays.fill(w, 1);
            return w;
        }
        double scale = 0;
        for (int i = 0; i < k; i++) {
            scale += gram[i][i] / k;
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            Arrays.fill(w, 1);
            return w;
        }
        double[][] m = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                m[i][j] = gram[i][j] / scale;
            }
            m[i][i] += RIDGE;
        }
        w = fairPoint(m, alpha);
        double factor = Math.pow(scale, -alpha / (1 + alpha));
        for (int i = 0; i < k; i++) {
            w[i] *= factor;
        }
        return w;
    }

    /**
     * Solves {@code M w = w^{−1/α}}, {@code w > 0}, by damped Newton steps on {@code F}.
     *
     * @param m a symmetric positive definite matrix
     * @param alpha α > 0
     * @return the solution (the last iterate if the iteration limit is reached)
     */
    static double[] fairPoint(double[][] m, double alpha) {
        int k = m.length;
        double[] w = new double[k];
        for (int i = 0; i < k; i++) {
            w[i] = Math.pow(m[i][i], -alpha / (1 + alpha));
        }
        double f = objective(m, w, alpha);
        double residual = residual(m, w, alpha);
        for (int it = 0; it < MAX_ITERATIONS && residual > 1e-12; it++) {
            double[] mw = Gradients.times(m, w);
            double[][] h = new double[k][k];
            double[] grad = new double[k];
            double[] rhs = new double[k];
            for (int i = 0; i < k; i++) {
                grad[i] = mw[i] - Math.pow(w[i], -1 / alpha);
                System.arraycopy(m[i], 0, h[i], 0, k);
                h[i][i] += Math.pow(w[i], -1 / alpha - 1) / alpha;
                rhs[i] = -grad[i];
            }
            double[] delta = Gradients.solve(h, rhs);
            if (delta == null) {
                break;
            }
            double t = 1;
            double slope = 0;
            for (int i = 0; i < k; i++) {
                if (delta[i] < 0) {
                    t = Math.min(t, 0.99 * w[i] / -delta[i]); // stay inside w > 0
                }
                slope += grad[i] * delta[i];
            }
            double[] first = step(w, delta, t);
            double[] next = first;
            double fNext = objective(m, next, alpha);
            while (!(fNext <= f + 1e-4 * t * slope) && t > 1e-14) {
                t /= 2;
                next = step(w, delta, t);
                fNext = objective(m, next, alpha);
            }
            if (!(fNext <= f)) {
                // near the solution F changes below its rounding: take the Newton step if it reduces the residual
                next = first;
                fNext = objective(m, next, alpha);
            }
            double r = residual(m, next, alpha);
            if (!(fNext <= f) && !(r < residual)) {
                break;
            }
            w = next;
            f = fNext;
            residual = r;
        }
        return w;
    }

    private static double[] step(double[] w, double[] delta, double t) {
        double[] next = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            next[i] = w[i] + t * delta[i];
        }
        return next;
    }

    /** @return {@code max_i |(Mw)_i w_i^{1/α} − 1|}, the scale-free residual of the fixed point */
    private static double residual(double[][] m, double[] w, double alpha) {
        double[] mw = Gradients.times(m, w);
        double r = 0;
        for (int i = 0; i < w.length; i++) {
            r = Math.max(r, Math.abs(mw[i] * Math.pow(w[i], 1 / alpha) - 1));
        }
        return Double.isNaN(r) ? Double.POSITIVE_INFINITY : r;
    }

    /**
     * {@code F(w) = ½ wᵀMw − Σ_i u(w_i)} with {@code u(w) = (w^p − 1) / p}, {@code p = 1 − 1/α} ({@code log w} for
     * α = 1; the constant keeps F accurate for α near 1).
     */
    private static double objective(double[][] m, double[] w, double alpha) {
        double p = 1 - 1 / alpha;
        double f = 0.5 * Gradients.quadratic(m, w);
        for (double x : w) {
            f -= p == 0 ? Math.log(x) : Math.expm1(p * Math.log(x)) / p;
        }
        return Double.isNaN(f) ? Double.POSITIVE_INFINITY : f;
    }

    @Override
    public String toString() {
        return name() + ":" + alpha;
    }
}
