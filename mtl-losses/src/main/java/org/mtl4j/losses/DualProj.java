package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import org.mtl4j.core.weighting.GradientMode;

/**
 * DualProj, the mean gradient projected onto the dual cone of the task gradients (Quinton and Rey, "Jacobian
 * Descent for Multi-Objective Optimization", 2024, the paper's baseline; the projection is Equation 11 of GEM, Lopez-Paz
 * and Ranzato, NeurIPS 2017; TorchJD's {@code DualProj}).
 *
 * <p>With {@code J} the K×D Jacobian whose rows are the task gradients and {@code G = J Jᵀ}:
 * {@code A(J) = π_J(Jᵀ p)} with the preference vector {@code p = 1/K} (TorchJD's default, the mean gradient), and by
 * the paper's Proposition 1 {@code π_J(Jᵀ p) = Jᵀ w}, {@code w = argmin_{v ≥ p} vᵀ G v}; the weights are w. The
 * direction conflicts with no task and is the mean gradient itself when that conflicts with none. Unlike
 * {@link UpGrad} it projects once, so it is cheaper but not invariant to rescaling a single task's gradient. The
 * quadratic program uses TorchJD's {@code QuadprogProjector} preprocessing (Gram divided by its trace, plus
 * {@code regEps·I}; defaults {@code normEps = regEps = 1e-4}; see {@link DualCone}), solved exactly by an active-set
 * method instead of quadprog.
 *
 * <p>Inactive tasks (absent or with a zero gradient) are left out, so p is {@code 1/K'} over the K' active tasks.
 * Parameter mode, where TorchJD applies it.
 */
final class DualProj extends GramWeighting {

    private final double normEps;
    private final double regEps;

    DualProj(double normEps, double regEps) {
        DualCone.checkEps("dualproj", normEps, regEps);
        this.normEps = normEps;
        this.regEps = regEps;
    }

    @Override
    public String name() {
        return "dualproj";
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
     * The DualProj weights {@code argmin_{v ≥ 1/K} vᵀ Q v} with {@code Q} the normalised, regularised Gram.
     *
     * @param gram the Gram matrix of the (active) task gradients
     * @param normEps the trace threshold of the normalisation
     * @param regEps the ridge
     * @return the weights
     */
    static double[] solve(double[][] gram, double normEps, double regEps) {
        int k = gram.length;
        double[] p = new double[k];
        Arrays.fill(p, 1.0 / k);
        return DualCone.project(DualCone.normalise(gram, normEps, regEps), p);
    }

    @Override
    public String toString() {
        return name();
    }
}
