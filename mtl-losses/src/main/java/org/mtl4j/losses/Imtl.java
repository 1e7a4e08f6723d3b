package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Optional;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.core.weighting.WeightingParameters;
import org.mtl4j.losses.WeightingFunctions.Combination;

/**
 * IMTL, impartial multi-task learning (Liu et al., "Towards Impartial Multi-task Learning", ICLR 2021), in its
 * hybrid form as in the paper and LibMTL: IMTL-L scales the losses, IMTL-G combines the scaled gradients.
 *
 * <p><b>IMTL-L</b>: learnable log-scales {@code s_i} (initialised to 0) turn the losses into {@code e^{s_i} L_i − s_i},
 * which pushes every scaled loss towards 1; the loop gives {@code s} the gradient {@code e^{s_i} L_i − 1} and the
 * optimiser updates it. <b>IMTL-G</b>: with the scaled gradients {@code g_i = e^{s_i} ∇L_i} and their unit vectors
 * {@code u_i}, find the combination {@code d = Σ α_i g_i}, {@code Σ α_i = 1}, whose projections on every
 * {@code u_i} are equal: with {@code D = [g_1 − g_2, …, g_1 − g_K]} and {@code U = [u_1 − u_2, …, u_1 − u_K]},
 * {@code α_{2:K} = g_1 Uᵀ (D Uᵀ)⁻¹} and {@code α_1 = 1 − Σ_{i≥2} α_i}, all from the Gram matrix. The weights on
 * the raw task gradients are {@code α_i e^{s_i}}; they need not be non-negative. When {@code D Uᵀ} is singular (two
 * parallel gradients) the weights fall back to {@code 1/K}. Works in parameter and representation mode.
 */
final class Imtl implements GradientBasedWeighting {

    private static final String PARAMETER = "imtl_log_scale";

    @Override
    public String name() {
        return "imtl";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    @Override
    public Optional<Block> createParameterBlock(ImmutableList<String> taskNames) {
        return Optional.of(new WeightingParameters(PARAMETER, taskNames.size(), 0f));
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(learnable.size() == 1 && learnable.get(0).size() == k,
                "imtl expects one learnable vector of %s log-scales, got %s", k, learnable);
        double[] s = Gradients.toDouble(learnable.get(0).toFloatArray());
        double[][] gram = Gradients.gram(taskGradients);
        boolean[] active = Gradients.active(gram, context.presentTasks());
        double[] weights = weights(gram, s, active);
        double[] sGradient = new double[k];
        for (int i = 0; i < k; i++) {
            sGradient[i] = context.present(i) ? Math.exp(s[i]) * losses.get(i).getFloat() - 1 : 0;
        }
        NDArray ds = Gradients.vector(learnable.get(0), sGradient).reshape(learnable.get(0).getShape());
        return new CombinedGradient(Gradients.combine(taskGradients, weights), weights, new NDList(ds));
    }

    /**
     * The IMTL weights on the raw task gradients.
     *
     * @param gram the Gram matrix of the raw task gradients
     * @param logScales the IMTL-L log-scales {@code s_i}
     * @param active the tasks that take part
     * @return {@code α_i e^{s_i}} (0 for inactive tasks)
     */
    static double[] weights(double[][] gram, double[] logScales, boolean[] active) {
        int k = gram.length;
        int[] idx = Gradients.indices(active);
        double[] out = new double[k];
        if (idx.length == 0) {
            return out;
        }
        double[][] scaled = new double[idx.length][idx.length];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < idx.length; j++) {
                scaled[i][j] = Math.exp(logScales[idx[i]] + logScales[idx[j]]) * gram[idx[i]][idx[j]];
            }
        }
        double[] alpha = impartial(scaled);
        for (int i = 0; i < idx.length; i++) {
            out[idx[i]] = alpha[i] * Math.exp(logScales[idx[i]]);
        }
        return out;
    }

    /**
     * IMTL-G on a Gram matrix: the weights {@code α} (summing to 1) whose combination has equal projections on all
     * unit task gradients.
     *
     * @param gram the Gram matrix of the (scaled, active) task gradients
     * @return α
     */
    static double[] impartial(double[][] gram) {
        int k = gram.length;
        double[] alpha = new double[k];
        if (k == 1) {
            alpha[0] = 1;
            return alpha;
        }
        double[] n = new double[k];
        for (int i = 0; i < k; i++) {
            n[i] = Math.sqrt(gram[i][i]);
        }
        // gU[j] = g_1 · (u_1 − u_{j+1});  du[i][j] = (g_1 − g_{i+1}) · (u_1 − u_{j+1})
        double[] gU = new double[k - 1];
        double[][] du = new double[k - 1][k - 1];
        for (int j = 1; j < k; j++) {
            gU[j - 1] = gram[0][0] / n[0] - gram[0][j] / n[j];
            for (int i = 1; i < k; i++) {
                du[i - 1][j - 1] = gram[0][0] / n[0] - gram[0][j] / n[j] - gram[i][0] / n[0] + gram[i][j] / n[j];
            }
        }
        // α_{2:K} is the row vector gU (D Uᵀ)⁻¹, that is (D Uᵀ)ᵀ x = gUᵀ
        double[][] duT = new double[k - 1][k - 1];
        for (int i = 0; i < k - 1; i++) {
            for (int j = 0; j < k - 1; j++) {
                duT[i][j] = du[j][i];
            }
        }
        double[] rest = Gradients.solve(duT, gU);
        if (rest == null) {
            Arrays.fill(alpha, 1.0 / k);
            return alpha;
        }
        double sum = 0;
        for (int i = 1; i < k; i++) {
            alpha[i] = rest[i - 1];
            sum += rest[i - 1];
        }
        alpha[0] = 1 - sum;
        return alpha;
    }

    /**
     * The plain-array form.
     *
     * @param gradients K rows of equal length
     * @param logScales the IMTL-L log-scales
     * @return the weights on the raw gradients and the direction
     */
    static Combination combine(double[][] gradients, double[] logScales) {
        checkArgument(logScales.length == gradients.length, "imtl: %s log-scales for %s task gradients",
                logScales.length, gradients.length);
        double[][] gram = Gradients.gram(gradients);
        double[] w = weights(gram, logScales, Gradients.active(gram, Gradients.all(gradients.length)));
        return new Combination(w, Gradients.combine(gradients, w));
    }

    @Override
    public String toString() {
        return name();
    }
}
