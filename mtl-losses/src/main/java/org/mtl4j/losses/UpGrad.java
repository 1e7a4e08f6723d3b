package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import org.mtl4j.core.weighting.GradientMode;

/**
 * UPGrad, the unconflicting projection of gradients (Quinton and Rey, "Jacobian Descent for Multi-Objective
 * Optimization", 2024; TorchJD's {@code UPGrad}).
 *
 * <p>Each task gradient is projected onto the dual cone of all task gradients (the directions that conflict with
 * none of them), and the projections are averaged: with {@code J} the K×D Jacobian whose rows are the task
 * gradients, {@code A(J) = (1/K) Σ_i π_J(g_i)}, where {@code π_J(g_i) = Jᵀ w^(i)} and (Proposition 1)
 * {@code w^(i) = argmin_{v ≥ e_i} vᵀ G v}, {@code G = J Jᵀ}. The weights are therefore
 * {@code α = Σ_i p_i w^(i)} with the preference vector {@code p = 1/K} (TorchJD's default). The result never
 * conflicts with a task ({@code g_j·d ≥ 0} for all j: the paper's "non-conflicting"), equals the mean when the
 * gradients do not conflict, and scaling task i's gradient by {@code c_i > 0} scales its share {@code π_J(g_i)}
 * by {@code c_i} (the dual cone does not change: "linear under scaling"). The quadratic programs use TorchJD's {@code QuadprogProjector} preprocessing (Gram divided by its trace,
 * plus {@code regEps·I}; defaults {@code normEps = regEps = 1e-4}; see {@link DualCone}) and are solved exactly by an
 * active-set method instead of quadprog.
 *
 * <p>Use it when the tasks conflict and no task should get worse to first order, with weights that, unlike MGDA's,
 * do not collapse onto the smallest gradient. Inactive tasks (absent or with a zero gradient) are left out, so the
 * preference vector is {@code 1/K'} over the K' active tasks (TorchJD would keep a zero row and use {@code 1/K}:
 * the same direction up to the factor K'/K). Parameter mode, where TorchJD's {@code mtl_backward} applies it.
 */
final class UpGrad extends GramWeighting {

    private final double normEps;
    private final double regEps;

    UpGrad(double normEps, double regEps) {
        DualCone.checkEps("upgrad", normEps, regEps);
        this.normEps = normEps;
        this.regEps = regEps;
    }

    @Override
    public String name() {
        return "upgrad";
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
        return Gradients.scatter(solve(Gradients.subset(gram, idx), normEps, regEps), idx, gram.length);
    }

    /**
     * The UPGrad weights {@code Σ_i (1/K) argmin_{v ≥ e_i} vᵀ Q v} with {@code Q} the normalised, regularised Gram.
     *
     * @param gram the Gram matrix of the (active) task gradients
     * @param normEps the trace threshold of the normalisation
     * @param regEps the ridge
     * @return the weights
     */
    static double[] solve(double[][] gram, double normEps, double regEps) {
        int k = gram.length;
        double[][] q = DualCone.normalise(gram, normEps, regEps);
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            double[] u = new double[k];
            u[i] = 1.0 / k;
            double[] w = DualCone.project(q, u);
            for (int j = 0; j < k; j++) {
                alpha[j] += w[j];
            }
        }
        return alpha;
    }

    @Override
    public String toString() {
        return name();
    }
}
