package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Projection onto the dual cone of the task gradients, in coefficient space, shared by {@link UpGrad} and
 * {@link DualProj} (Quinton and Rey, "Jacobian Descent for Multi-Objective Optimization", 2024).
 *
 * <p>The dual cone of the rows of the Jacobian {@code J} (the task gradients) is {@code {x : J x ≥ 0}}, the
 * directions that conflict with no task. By the paper's Proposition 1 the projection of {@code Jᵀu} onto it is
 * {@code Jᵀw} with {@code w = argmin_{v ≥ u} vᵀ G v}, {@code G = J Jᵀ}. As in TorchJD's {@code QuadprogProjector}
 * the Gram matrix is first normalised by its trace (the squared Frobenius norm of J; a trace below
 * {@code normEps} makes it 0) and regularised with {@code regEps·I}; TorchJD's defaults are
 * {@code normEps = regEps = 1e-4}. TorchJD calls quadprog; here the small bound-constrained QP is solved exactly by
 * a primal active-set method (Lawson–Hanson style): finitely many equality-constrained solves on the free
 * variables, each exact up to rounding. With the default ridge the program is strictly convex and the KKT residual
 * stays near 1e−13; with {@code regEps = 0} and a rank-deficient Gram matrix the minimiser is not unique and badly
 * conditioned inputs hold the KKT conditions only to about 1e−7 relative.
 */
final class DualCone {

    /** TorchJD's {@code QuadprogProjector} default: a Gram matrix with trace below this is treated as 0. */
    static final double DEFAULT_NORM_EPS = 1e-4;
    /** TorchJD's {@code QuadprogProjector} default: the ridge added to the normalised Gram matrix. */
    static final double DEFAULT_REG_EPS = 1e-4;

    private DualCone() {}

    /** Checks the two constants the way both strategies do. */
    static void checkEps(String name, double normEps, double regEps) {
        checkArgument(normEps >= 0 && Double.isFinite(normEps), "%s: norm eps must be finite and >= 0, got %s", name,
                normEps);
        checkArgument(regEps >= 0 && Double.isFinite(regEps), "%s: reg eps must be finite and >= 0, got %s", name,
                regEps);
    }

    /**
     * TorchJD's {@code regularize(normalize(G, normEps), regEps)}: {@code G / tr(G) + regEps·I}, or
     * {@code regEps·I} when {@code tr(G) < normEps}.
     *
     * @param gram the Gram matrix, not modified
     * @param normEps the trace threshold
     * @param regEps the ridge
     * @return the matrix of the quadratic program
     */
    static double[][] normalise(double[][] gram, double normEps, double regEps) {
        int k = gram.length;
        double trace = 0;
        for (int i = 0; i < k; i++) {
            trace += gram[i][i];
        }
        boolean zero = trace < normEps || !(trace > 0);
        double[][] q = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                q[i][j] = zero ? 0 : gram[i][j] / trace;
            }
            q[i][i] += regEps;
        }
        return q;
    }

    /**
     * Solves {@code min_v vᵀ Q v} subject to {@code v ≥ u} exactly (for positive definite Q; for a singular Q one
     * of the minimisers).
     *
     * @param q a symmetric positive semi-definite matrix
     * @param u the lower bounds
     * @return the minimiser
     */
    static double[] project(double[][] q, double[] u) {
        int k = u.length;
        checkArgument(q.length == k, "%s bounds for a %s×%s matrix", k, q.length, q.length);
        // v = u + x, x ≥ 0: minimise ½ xᵀQx + xᵀc with c = Q u
        double[] c = Gradients.times(q, u);
        double scale = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                scale = Math.max(scale, Math.abs(q[i][j]));
            }
        }
        double uMax = 0;
        for (double b : u) {
            uMax = Math.max(uMax, Math.abs(b));
        }
        double tol = 1e-13 * scale * Math.max(1, uMax);
        double[] x = new double[k];
        boolean[] free = new boolean[k];
        for (int iteration = 0; iteration < 20 * k + 100; iteration++) {
            int[] f = Gradients.indices(free);
            double[] z = freeMinimiser(q, c, f);
            boolean feasible = true;
            for (double zi : z) {
                feasible &= zi >= 0;
            }
            if (feasible) {
                for (int i = 0; i < f.length; i++) {
                    x[f[i]] = z[i];
                }
                // the multipliers of the bounds still held are the gradient entries; free the most negative one
                double[] grad = Gradients.times(q, x);
                int worst = -1;
                for (int j = 0; j < k; j++) {
                    grad[j] += c[j];
                    if (!free[j] && grad[j] < -tol && (worst < 0 || grad[j] < grad[worst])) {
                        worst = j;
                    }
                }
                if (worst < 0) {
                    break;
                }
                free[worst] = true;
            } else {
                // walk from x towards z until the first free variable reaches its bound
                double step = 1;
                int blocking = -1;
                for (int i = 0; i < f.length; i++) {
                    if (z[i] < 0) {
                        double s = x[f[i]] / (x[f[i]] - z[i]);
                        if (s < step) {
                            step = s;
                            blocking = f[i];
                        }
                    }
                }
                for (int i = 0; i < f.length; i++) {
                    x[f[i]] += step * (z[i] - x[f[i]]);
                    if (x[f[i]] <= 0 || f[i] == blocking) {
                        x[f[i]] = 0;
                        free[f[i]] = false;
                    }
                }
            }
        }
        double[] v = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = u[i] + x[i];
        }
        return v;
    }

    /** Solves {@code Q_FF z = −c_F} (the other variables at their bound 0); a tiny ridge if Q_FF is singular. */
    private static double[] freeMinimiser(double[][] q, double[] c, int[] f) {
        if (f.length == 0) {
            return new double[0];
        }
        double[][] a = Gradients.subset(q, f);
        double[] b = new double[f.length];
        double trace = 0;
        for (int i = 0; i < f.length; i++) {
            b[i] = -c[f[i]];
            trace += a[i][i];
        }
        double[] z = Gradients.solve(a, b);
        for (double ridge = 1e-14 * trace; z == null && ridge <= trace && ridge > 0; ridge *= 100) {
            double[][] r = Gradients.subset(q, f);
            for (int i = 0; i < f.length; i++) {
                r[i][i] += ridge;
            }
            z = Gradients.solve(r, b);
        }
        return z == null ? new double[f.length] : z;
    }
}
