package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableSet;
import java.util.Locale;
import org.mtl4j.core.weighting.GradientMode;

/**
 * Aligned-MTL (Senushkin et al., "Independent Component Alignment for Multi-Task Learning", CVPR 2023).
 *
 * <p>The paper measures conflict and dominance together by the condition number of the gradient matrix
 * {@code G = [g_1 … g_K]} (D×K) and removes both by aligning the gradients' principal components: with
 * {@code M = GᵀG = V Λ Vᵀ} (the K×K Gram matrix), {@code Σ = Λ^{1/2}} the singular values of G and
 * {@code σ_min} the smallest of them, the balance transformation is {@code B = σ_min V Σ⁻¹ Vᵀ}, and the aligned
 * gradients {@code Ĝ = G B} have {@code ĜᵀĜ = σ_min² V Vᵀ}: orthogonal, of equal norm, condition number 1
 * (Algorithm 1). The update is {@code Ĝ w = G (B w)}, so the task weights are {@code α = B w}, with the task
 * weights {@code w = 1} of the official code (SamsungLabs/MTL {@code ProcrustesSolver}, summing the aligned
 * gradients) and LibMTL ({@code alpha = B.sum(0)}). TorchJD's {@code AlignedMTL} uses its preference vector
 * {@code w = 1/K} instead, the same direction scaled by 1/K.
 *
 * <p>Eigenvalues {@code λ ≤ λ_max · K · eps} are dropped before inverting, where {@code eps = 2⁻²³ ≈ 1.19e−7} is the
 * float32 machine epsilon ({@code torch.finfo().eps} in all three references); {@code σ_min} is then the smallest
 * kept singular value, so dependent gradients are aligned within their span (two identical gradients keep weight 1
 * each; two opposite ones cancel). The scale {@code σ_min} is the references' default {@code "min"}; the official
 * code and TorchJD also offer {@code "median"} ({@code √median(λ)}, torch's lower median for an even count) and
 * {@code "rmse"} ({@code √mean(λ)}), selected as {@code aligned:median} and {@code aligned:rmse}.
 *
 * <p>Use it when task gradients differ in magnitude as well as direction: every aligned gradient gets the same norm,
 * so no task dominates. In {@link GradientMode#REPRESENTATION} mode (gradients with respect to the shared
 * representation) this is the paper's Aligned-MTL-UB, its cheaper variant. Inactive tasks (absent, or with a zero
 * gradient) are left out; a zero row would only add a dropped zero eigenvalue, so this matches the references.
 * The eigendecomposition is the Jacobi method of {@link SymmetricEigen}.
 */
final class AlignedMtl extends GramWeighting {

    /** How the balance transformation is scaled. */
    enum ScaleMode {
        /** {@code σ_min = √λ_min}, the paper's and every reference's default. */
        MIN,
        /** {@code √median(λ)} (the lower median of an even count, as {@code torch.median}). */
        MEDIAN,
        /** {@code √mean(λ)}, the root mean square of the singular values. */
        RMSE;

        /**
         * Parses the command-line spelling.
         *
         * @param s {@code min}, {@code median} or {@code rmse}
         * @return the mode
         */
        static ScaleMode parse(String s) {
            String t = String.valueOf(s).trim().toLowerCase(Locale.ROOT);
            for (ScaleMode m : values()) {
                if (m.name().toLowerCase(Locale.ROOT).equals(t)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("aligned: scale mode must be min, median or rmse, got '" + s + "'");
        }
    }

    private final ScaleMode scaleMode;

    AlignedMtl(ScaleMode scaleMode) {
        checkArgument(scaleMode != null, "aligned: scale mode must be given (min, median or rmse), got %s",
                scaleMode);
        this.scaleMode = scaleMode;
    }

    @Override
    public String name() {
        return "aligned";
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
        double[][] b = balance(Gradients.subset(gram, idx), scaleMode);
        double[] alpha = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < idx.length; j++) {
                alpha[i] += b[i][j]; // α = B·1
            }
        }
        return Gradients.scatter(alpha, idx, gram.length);
    }

    /**
     * The balance transformation {@code B = s · V_r Σ_r⁻¹ V_rᵀ} over the r eigenvalues above the rank cut-off.
     *
     * @param gram the Gram matrix {@code M = GᵀG} of the (active) task gradients
     * @param scaleMode how {@code s} is chosen
     * @return the symmetric K×K matrix B (the identity when M has rank 0, as in TorchJD)
     */
    static double[][] balance(double[][] gram, ScaleMode scaleMode) {
        int k = gram.length;
        SymmetricEigen eigen = SymmetricEigen.of(gram);
        int rank = eigen.rank();
        double[][] b = new double[k][k];
        if (rank == 0) {
            for (int i = 0; i < k; i++) {
                b[i][i] = 1;
            }
            return b;
        }
        double[] lambda = java.util.Arrays.copyOf(eigen.values, rank); // descending
        double scale;
        switch (scaleMode) {
            case MIN:
                scale = Math.sqrt(lambda[rank - 1]);
                break;
            case MEDIAN:
                scale = Math.sqrt(lambda[rank / 2]); // index (r−1)/2 of the ascending order = lower median
                break;
            case RMSE:
                double mean = 0;
                for (double l : lambda) {
                    mean += l / rank;
                }
                scale = Math.sqrt(mean);
                break;
            default:
                throw new IllegalStateException("unknown scale mode " + scaleMode);
        }
        for (int c = 0; c < rank; c++) {
            double f = scale / Math.sqrt(lambda[c]);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    b[i][j] += f * eigen.vectors[i][c] * eigen.vectors[j][c];
                }
            }
        }
        return b;
    }

    @Override
    public String toString() {
        return name() + ":" + scaleMode.name().toLowerCase(Locale.ROOT);
    }
}
