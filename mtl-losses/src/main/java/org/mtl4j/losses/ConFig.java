package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import org.mtl4j.core.weighting.GradientMode;

/**
 * ConFIG, conflict-free inverse gradients (Liu et al., "ConFIG: Towards Conflict-free Training of Physics Informed
 * Neural Networks", ICLR 2025; official code tum-pbs/ConFIG, also TorchJD's {@code ConFIG}).
 *
 * <p>The update makes the same angle with every task gradient and has a positive projection on each. With the unit
 * gradients {@code u_i = g_i/‖g_i‖} (Equation 2): {@code g_u = [u_1, …, u_K]ᵀ⁺ 1_K} (the minimum-norm x with
 * {@code u_iᵀx = 1} for all i, so every cosine is equal), {@code g_v = g_u/‖g_u‖}, and
 * {@code g_ConFIG = (Σ_i g_iᵀ g_v) g_v}: the direction's length is the sum of the gradients' projections on it.
 *
 * <p>In coefficient space: with {@code U} the K×D matrix of unit rows, {@code pinv(U) = Uᵀ (UUᵀ)⁺}, and
 * {@code UUᵀ = C} is the cosine matrix {@code C_ij = G_ij/(‖g_i‖‖g_j‖)}; so {@code g_u = Σ_i β_i u_i} with
 * {@code β = C⁺ 1}, {@code ‖g_u‖² = βᵀCβ}, {@code Σ_j g_jᵀ g_u = Σ_j ‖g_j‖ (Cβ)_j}, and
 * {@code g_ConFIG = Σ_i α_i g_i} with {@code α_i = (β_i/‖g_i‖) · Σ_j ‖g_j‖(Cβ)_j / (βᵀCβ)}. {@code C⁺} comes
 * from {@link SymmetricEigen}, dropping eigenvalues {@code ≤ λ_max · K · eps(float32)}. The references cut
 * instead the singular values of U below {@code max(K, D) · eps · σ_max} (the {@code torch.linalg.lstsq} and
 * {@code pinv} defaults; the official code calls {@code lstsq}, whose CUDA driver has no cut at all), a threshold
 * that grows with the parameter count D; the two agree whenever the unit gradients are clearly independent. When
 * {@code g_u = 0} (two exactly opposite gradients) the update is 0, as {@code normalize} gives in the references.
 *
 * <p>Use it when the losses must decrease together at the same rate, as for the residual and boundary terms of a
 * physics-informed network; the default equal weights (TorchJD's and the official {@code EqualWeight},
 * {@code 1_K}) are used. The official momentum variant (M-ConFIG) is not included. Inactive tasks (absent, or with a
 * zero gradient) are left out, as their zero rows are in the references. Parameter mode only, as in the paper.
 */
final class ConFig extends GramWeighting {

    @Override
    public String name() {
        return "config";
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
        return Gradients.scatter(solve(Gradients.subset(gram, idx)), idx, gram.length);
    }

    /**
     * The ConFIG weights.
     *
     * @param gram the Gram matrix of the task gradients, every diagonal entry positive
     * @return α with {@code g_ConFIG = Σ_i α_i g_i}
     */
    static double[] solve(double[][] gram) {
        int k = gram.length;
        double[] norm = new double[k];
        for (int i = 0; i < k; i++) {
            norm[i] = Math.sqrt(gram[i][i]);
        }
        double[][] cos = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                cos[i][j] = gram[i][j] / (norm[i] * norm[j]);
            }
        }
        // β = C⁺ 1
        SymmetricEigen eigen = SymmetricEigen.of(cos);
        int rank = eigen.rank();
        double[] beta = new double[k];
        for (int c = 0; c < rank; c++) {
            double proj = 0; // v_cᵀ 1
            for (int i = 0; i < k; i++) {
                proj += eigen.vectors[i][c];
            }
            for (int i = 0; i < k; i++) {
                beta[i] += eigen.vectors[i][c] * proj / eigen.values[c];
            }
        }
        double[] cb = Gradients.times(cos, beta);
        double gu2 = 0; // ‖g_u‖² = βᵀCβ
        double length = 0; // Σ_j g_jᵀ g_u
        for (int i = 0; i < k; i++) {
            gu2 += beta[i] * cb[i];
            length += norm[i] * cb[i];
        }
        double[] alpha = new double[k];
        // ‖g_u‖² = 1ᵀC⁺1 is 0 exactly when 1 is orthogonal to C's range (gradients that cancel), else at least
        // ‖P1‖²/K (λ ≤ tr C = K): a tiny value is rounding
        if (!(gu2 > 1e-12)) {
            return alpha;
        }
        for (int i = 0; i < k; i++) {
            alpha[i] = beta[i] / norm[i] * length / gu2;
        }
        return alpha;
    }

    @Override
    public String toString() {
        return name();
    }
}
