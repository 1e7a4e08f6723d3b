package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import org.mtl4j.core.weighting.GradientMode;

/**
 * CAGrad, conflict-averse gradient descent (Liu et al., "Conflict-Averse Gradient Descent for Multi-task
 * Learning", NeurIPS 2021).
 *
 * <p>With {@code ḡ = (1/K) Σ_i g_i} the average gradient and {@code c = α‖ḡ‖}, CAGrad maximises the worst local
 * improvement of any task within a ball around {@code ḡ}. Its dual is a small problem on the simplex:
 * {@code w* = argmin_{w ∈ Δ} wᵀ G ḡ_w + c·√(wᵀ G w)} with {@code G} the Gram matrix and {@code ḡ_w = 1/K}, and the
 * update is {@code d = (ḡ + (c/‖g_w‖) g_w) / (1 + α²)} with {@code g_w = Σ_i w_i* g_i} (LibMTL's
 * {@code rescale = 1}); so the reported weights are {@code (1/K + (c/‖g_w‖) w_i*) / (1 + α²)}. {@code α = 0}
 * gives the average gradient; the default {@code α = 0.5} follows the paper and LibMTL. The simplex problem is
 * solved here by projected gradient descent with backtracking (LibMTL calls SciPy's SLSQP). Parameter mode only.
 */
final class CaGrad extends GramWeighting {

    /** The paper's and LibMTL's default conflict radius. */
    static final double DEFAULT_ALPHA = 0.5;
    private static final int MAX_ITERATIONS = 5000;

    private final double alpha;

    CaGrad(double alpha) {
        checkArgument(alpha >= 0 && Double.isFinite(alpha), "cagrad: alpha (c) must be finite and >= 0, got %s",
                alpha);
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "cagrad";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
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
     * The CAGrad weights for the (active) tasks of a Gram matrix.
     *
     * @param gram the Gram matrix
     * @param alpha the conflict radius α ({@code c = α‖ḡ‖})
     * @return {@code β} with {@code d = Σ_i β_i g_i}
     */
    static double[] solve(double[][] gram, double alpha) {
        int k = gram.length;
        double mean = 0; // ‖ḡ‖² = mean of G
        double trace = 0;
        for (int i = 0; i < k; i++) {
            trace += gram[i][i];
            for (int j = 0; j < k; j++) {
                mean += gram[i][j];
            }
        }
        mean /= (double) k * k;
        double[] beta = new double[k];
        Arrays.fill(beta, 1.0 / k / (1 + alpha * alpha));
        if (alpha == 0 || !(trace > 0) || !(mean > 0)) {
            return beta; // no conflict radius, or the average gradient vanishes: d = ḡ / (1 + α²)
        }
        // the minimiser does not change when G is scaled, so work with G / (trace / K) for conditioning
        double scale = trace / k;
        double[][] a = new double[k][k];
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                a[i][j] = gram[i][j] / scale;
                b[i] += a[i][j] / k; // (G ḡ_w)_i
            }
        }
        double c = alpha * Math.sqrt(mean / scale);
        double[] w = simplexMinimum(a, b, c);
        double gwNorm = Math.sqrt(Math.max(0, Gradients.quadratic(gram, w)));
        double lambda = gwNorm > 0 ? alpha * Math.sqrt(mean) / gwNorm : 0;
        for (int i = 0; i < k; i++) {
            beta[i] = (1.0 / k + lambda * w[i]) / (1 + alpha * alpha);
        }
        return beta;
    }

    /** {@code F(w) = wᵀb + c √(wᵀAw)}. */
    static double objective(double[][] a, double[] b, double c, double[] w) {
        double lin = 0;
        for (int i = 0; i < w.length; i++) {
            lin += w[i] * b[i];
        }
        return lin + c * Math.sqrt(Math.max(0, Gradients.quadratic(a, w)));
    }

    /** Minimises {@link #objective} over the simplex by projected gradient descent with backtracking. */
    static double[] simplexMinimum(double[][] a, double[] b, double c) {
        int k = b.length;
        double[] w = new double[k];
        Arrays.fill(w, 1.0 / k);
        double f = objective(a, b, c, w);
        double step = 1;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[] aw = Gradients.times(a, w);
            double norm = Math.sqrt(Math.max(1e-20, Gradients.quadratic(a, w)));
            double[] grad = new double[k];
            for (int i = 0; i < k; i++) {
                grad[i] = b[i] + c * aw[i] / norm;
            }
            double[] next = null;
            double fNext = f;
            step = Math.min(1, step * 2);
            while (step > 1e-14) {
                double[] trial = new double[k];
                for (int i = 0; i < k; i++) {
                    trial[i] = w[i] - step * grad[i];
                }
                trial = projectToSimplex(trial);
                double dec = 0;
                double dist = 0;
                for (int i = 0; i < k; i++) {
                    dec += grad[i] * (trial[i] - w[i]);
                    dist += (trial[i] - w[i]) * (trial[i] - w[i]);
                }
                double ft = objective(a, b, c, trial);
                if (ft <= f + dec + dist / (2 * step) + 1e-15) {
                    next = trial;
                    fNext = ft;
                    break;
                }
                step /= 2;
            }
            if (next == null) {
                break;
            }
            double change = 0;
            for (int i = 0; i < k; i++) {
                change += Math.abs(next[i] - w[i]);
            }
            w = next;
            f = fNext;
            if (change < 1e-13) {
                break;
            }
        }
        return w;
    }

    /** Euclidean projection onto the probability simplex (sort-based, Held et al. 1974). */
    static double[] projectToSimplex(double[] v) {
        int k = v.length;
        double[] u = v.clone();
        Arrays.sort(u);
        double cumulative = 0;
        double theta = 0;
        for (int i = k - 1; i >= 0; i--) {
            cumulative += u[i];
            double t = (cumulative - 1) / (k - i);
            if (i == 0 || u[i - 1] <= t) {
                theta = t;
                break;
            }
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            out[i] = Math.max(0, v[i] - theta);
        }
        return out;
    }

    @Override
    public String toString() {
        return name() + ":" + alpha;
    }
}
