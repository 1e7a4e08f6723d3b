package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-subset fit of Grad-TAE (Li, Sharma and Zhang, "Scalable Multitask Learning Using Gradient-based Estimation of
 * Task Affinity", KDD 2024): the linearised multitask objective of a task subset {@code S} in the projected
 * coordinates {@code w} ({@code θ = θ* + Mᵀw}),
 *
 * <pre>
 *   J_S(w) = Σ_{t ∈ S} (1/n_t) Σ_{i ≤ n_t} ψ_t(a_ti + ⟨h_ti, w⟩) + (λ/2)·‖w‖²,
 *   a_ti = link_t.offset(ℓ_ti),   h_ti = link_t.slope(ℓ_ti)·φ_ti          (see {@link LossLink}),
 * </pre>
 * the equal-weight sum of the task losses that multitask training of {@code S} minimises, with every per-sample loss
 * replaced by its linearisation at {@code θ*}. {@code J_S} is convex ({@code ψ} is), and strictly so for λ > 0.
 *
 * <p><b>Solver.</b> Newton's method from {@code w = 0} with a backtracking (Armijo) line search; the {@code d × d}
 * system is solved by Cholesky. When every task of {@code S} uses {@link LossLink#SQUARE}, {@code J_S} is quadratic
 * and the first step is the closed-form least-squares solution
 * {@code w = −(Σ_t (2/n_t) Σ_i h hᵀ + λI)⁻¹ Σ_t (2/n_t) Σ_i a·h}; with {@link LossLink#LOGISTIC} tasks it iterates to
 * the regularised logistic-regression optimum (a handful of steps). Per-task sufficient statistics of the
 * {@code SQUARE} tasks ({@code Σ h hᵀ}, {@code Σ a h}, {@code Σ a²}) are computed once ({@link #prepare}), so a
 * subset costs {@code O(|S|·d² + d³)} per Newton step, plus {@code O(n_t·d)} per logistic task.
 *
 * <p>{@link #loss} evaluates the linearised loss of one task's (validation) samples at a fitted {@code w}:
 * {@code L̂(S, t) = (1/n) Σ_i ψ_t(a_ti + ⟨h_ti, w_S⟩)}; at {@code w = 0} it is the mean loss at {@code θ*} exactly.
 */
public final class LinearisedFit {

    private LinearisedFit() {}

    /** One task's samples with the sufficient statistics of the fit computed once. */
    public static final class Prepared {
        private final String task;
        private final LossLink link;
        private final int n;
        private final int d;
        private final double[] a;
        private final double[][] h;
        private final double[][] gram; // SQUARE: (1/n) Σ h hᵀ
        private final double[] cross; // SQUARE: (1/n) Σ a h
        private final double constant; // SQUARE: (1/n) Σ a²
        private final double curvatureTrace; // tr ∇²J_t(0)

        private Prepared(ProjectedSamples s) {
            this.task = s.task();
            this.link = s.link();
            this.n = s.size();
            this.d = s.dimension();
            this.a = new double[n];
            this.h = new double[n][];
            double trace = 0;
            for (int i = 0; i < n; i++) {
                a[i] = link.offset(s.losses()[i]);
                double k = link.slope(s.losses()[i]);
                double[] row = new double[d];
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    row[j] = k * s.features()[i][j];
                    norm += row[j] * row[j];
                }
                h[i] = row;
                trace += link.second(a[i]) * norm;
            }
            this.curvatureTrace = trace / n;
            if (link == LossLink.SQUARE) {
                gram = new double[d][d];
                cross = new double[d];
                double c = 0;
                for (int i = 0; i < n; i++) {
                    double[] row = h[i];
                    for (int p = 0; p < d; p++) {
                        double rp = row[p] / n;
                        cross[p] += a[i] * rp;
                        for (int q = p; q < d; q++) {
                            gram[p][q] += rp * row[q];
                        }
                    }
                    c += a[i] * a[i];
                }
                for (int p = 0; p < d; p++) {
                    for (int q = 0; q < p; q++) {
                        gram[p][q] = gram[q][p];
                    }
                }
                constant = c / n;
            } else {
                gram = null;
                cross = null;
                constant = 0;
            }
        }

        /** @return the task's name */
        public String task() {
            return task;
        }

        /** @return the feature dimension */
        public int dimension() {
            return d;
        }

        /**
         * The trace of the Hessian of this task's term at {@code w = 0},
         * {@code (1/n) Σ_i ψ''(a_i)·‖h_i‖²}: its total curvature.
         *
         * @return the trace
         */
        public double curvatureTrace() {
            return curvatureTrace;
        }

        /** Adds this task's value, gradient and Hessian at {@code w} (the latter two when not null). */
        private double accumulate(double[] w, double[] grad, double[][] hess) {
            if (link == LossLink.SQUARE) {
                // c + 2⟨b, w⟩ + wᵀGw
                double[] gw = new double[d];
                double value = constant;
                for (int p = 0; p < d; p++) {
                    double s = 0;
                    for (int q = 0; q < d; q++) {
                        s += gram[p][q] * w[q];
                    }
                    gw[p] = s;
                    value += 2 * cross[p] * w[p] + w[p] * s;
                }
                if (grad != null) {
                    for (int p = 0; p < d; p++) {
                        grad[p] += 2 * cross[p] + 2 * gw[p];
                    }
                }
                if (hess != null) {
                    for (int p = 0; p < d; p++) {
                        for (int q = 0; q < d; q++) {
                            hess[p][q] += 2 * gram[p][q];
                        }
                    }
                }
                return value;
            }
            double value = 0;
            for (int i = 0; i < n; i++) {
                double[] row = h[i];
                double u = a[i];
                for (int p = 0; p < d; p++) {
                    u += row[p] * w[p];
                }
                value += link.value(u);
                if (grad != null) {
                    double g1 = link.first(u) / n;
                    for (int p = 0; p < d; p++) {
                        grad[p] += g1 * row[p];
                    }
                }
                if (hess != null) {
                    double g2 = link.second(u) / n;
                    for (int p = 0; p < d; p++) {
                        double x = g2 * row[p];
                        for (int q = p; q < d; q++) {
                            hess[p][q] += x * row[q];
                        }
                    }
                }
            }
            if (hess != null) {
                // only the upper triangle was accumulated above
                for (int p = 0; p < d; p++) {
                    for (int q = 0; q < p; q++) {
                        hess[p][q] = hess[q][p];
                    }
                }
            }
            return value / n;
        }
    }

    /**
     * Prepares one task's samples.
     *
     * @param samples the samples
     * @return the prepared statistics
     */
    public static Prepared prepare(ProjectedSamples samples) {
        return new Prepared(checkNotNull(samples, "samples"));
    }

    /**
     * Fits {@code w_S = argmin J_S(w)} on the given tasks' samples.
     *
     * @param parts the samples of every task in {@code S}
     * @param lambda the ridge weight λ ≥ 0 (λ = 0 needs a non-singular Hessian)
     * @param maxSteps the most Newton steps, at least 1
     * @return {@code w_S}
     */
    public static double[] solve(List<ProjectedSamples> parts, double lambda, int maxSteps) {
        List<Prepared> prepared = new ArrayList<>();
        for (ProjectedSamples s : parts) {
            prepared.add(prepare(s));
        }
        return solvePrepared(prepared, lambda, maxSteps);
    }

    /**
     * Fits {@code w_S} on prepared samples.
     *
     * @param parts the prepared samples of every task in {@code S}
     * @param lambda the ridge weight λ ≥ 0
     * @param maxSteps the most Newton steps, at least 1
     * @return {@code w_S}
     * @throws IllegalArgumentException when the Hessian is singular (λ = 0 with too few samples)
     */
    public static double[] solvePrepared(List<Prepared> parts, double lambda, int maxSteps) {
        checkArgument(!parts.isEmpty(), "no tasks to fit");
        checkArgument(Double.isFinite(lambda) && lambda >= 0, "the ridge weight must be non-negative, got %s", lambda);
        checkArgument(maxSteps >= 1, "at least one Newton step, got %s", maxSteps);
        int d = parts.get(0).d;
        for (Prepared p : parts) {
            checkArgument(p.d == d, "task %s has %s features, task %s has %s", p.task, p.d, parts.get(0).task, d);
        }
        double[] w = new double[d];
        for (int step = 0; step < maxSteps; step++) {
            double[] grad = new double[d];
            double[][] hess = new double[d][d];
            double value = objective(parts, lambda, w, grad, hess);
            double[] delta = newtonStep(hess, grad);
            double decrement = 0;
            for (int p = 0; p < d; p++) {
                decrement -= grad[p] * delta[p];
            }
            if (!(decrement > 1e-14 * (1 + Math.abs(value)))) {
                break;
            }
            double alpha = 1;
            double[] next = new double[d];
            while (true) {
                for (int p = 0; p < d; p++) {
                    next[p] = w[p] + alpha * delta[p];
                }
                double v = objective(parts, lambda, next, null, null);
                if (v <= value - 1e-4 * alpha * decrement || alpha < 1e-10) {
                    break;
                }
                alpha /= 2;
            }
            w = next.clone();
        }
        return w;
    }

    /**
     * {@code J_S(w)}.
     *
     * @param parts the prepared samples of every task in {@code S}
     * @param lambda the ridge weight
     * @param w the point
     * @return the objective
     */
    public static double objective(List<Prepared> parts, double lambda, double[] w) {
        return objective(parts, lambda, w, null, null);
    }

    private static double objective(List<Prepared> parts, double lambda, double[] w, double[] grad, double[][] hess) {
        double v = 0;
        for (Prepared p : parts) {
            v += p.accumulate(w, grad, hess);
        }
        double norm = 0;
        for (int p = 0; p < w.length; p++) {
            norm += w[p] * w[p];
            if (grad != null) {
                grad[p] += lambda * w[p];
            }
            if (hess != null) {
                hess[p][p] += lambda;
            }
        }
        return v + lambda / 2 * norm;
    }

    /** Solves {@code H·δ = −g} by Cholesky, falling back to pivoted elimination for a semi-definite {@code H}. */
    private static double[] newtonStep(double[][] hess, double[] grad) {
        int d = grad.length;
        double[] rhs = new double[d];
        for (int p = 0; p < d; p++) {
            rhs[p] = -grad[p];
        }
        double[][] l = new double[d][d];
        boolean ok = true;
        for (int i = 0; i < d && ok; i++) {
            for (int j = 0; j <= i; j++) {
                double s = hess[i][j];
                for (int k = 0; k < j; k++) {
                    s -= l[i][k] * l[j][k];
                }
                if (i == j) {
                    if (!(s > 1e-300)) {
                        ok = false;
                        break;
                    }
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        if (!ok) {
            try {
                return HigherOrderSurrogate.solve(hess, rhs);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("the linearised objective has a singular Hessian: use a ridge "
                        + "weight λ > 0 or more samples than projected dimensions", e);
            }
        }
        double[] y = new double[d];
        for (int i = 0; i < d; i++) {
            double s = rhs[i];
            for (int k = 0; k < i; k++) {
                s -= l[i][k] * y[k];
            }
            y[i] = s / l[i][i];
        }
        double[] x = new double[d];
        for (int i = d - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < d; k++) {
                s -= l[k][i] * x[k];
            }
            x[i] = s / l[i][i];
        }
        return x;
    }

    /**
     * The linearised mean loss of a task's samples at {@code w}: {@code (1/n) Σ_i ψ(a_i + ⟨h_i, w⟩)}.
     *
     * @param samples the samples (typically validation)
     * @param w the fitted weights
     * @return the estimated loss
     */
    public static double loss(ProjectedSamples samples, double[] w) {
        checkArgument(w.length == samples.dimension(), "weights of length %s for %s features", w.length,
                samples.dimension());
        LossLink link = samples.link();
        double sum = 0;
        for (int i = 0; i < samples.size(); i++) {
            double l = samples.losses()[i];
            double k = link.slope(l);
            double u = link.offset(l);
            double[] phi = samples.features()[i];
            for (int p = 0; p < w.length; p++) {
                u += k * phi[p] * w[p];
            }
            sum += link.value(u);
        }
        return sum / samples.size();
    }
}
