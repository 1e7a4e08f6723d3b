package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The rule of every strategy in {@link Weightings} as a pure function over plain arrays: per-task losses (and the
 * strategy's state, passed explicitly) give weights; a K×D matrix of per-task gradients gives weights and the
 * combined direction. These are the functions the training hooks call (the gradient methods on the K×K Gram matrix
 * the engine computes, then {@code d = Σ_i α_i g_i} on the engine), so small hand-made inputs check the methods
 * themselves. All inputs are read, never modified; every task counts as present.
 */
public final class WeightingFunctions {

    private WeightingFunctions() {}

    /**
     * A gradient method's result.
     *
     * @param weights one weight per task ({@code d = Σ_i weights_i g_i}, except for GradDrop, where it is the share
     *     of each task's gradient magnitude that passes the mask)
     * @param direction the combined gradient {@code d}
     */
    public record Combination(double[] weights, double[] direction) {

        @Override
        public String toString() {
            return "Combination[weights=" + Arrays.toString(weights) + ", direction=" + Arrays.toString(direction)
                    + "]";
        }
    }

    /**
     * The quantities of one GradNorm step.
     *
     * @param gradientNorms {@code G_i = w_i ‖∇_W L_i‖}
     * @param targets {@code Ḡ · r_i^α}
     * @param loss {@code L_grad = Σ_i |G_i − Ḡ r_i^α|}
     * @param weightGradient {@code ∂L_grad/∂w_i = sign(G_i − Ḡ r_i^α) ‖∇_W L_i‖}
     */
    public record GradNormStep(double[] gradientNorms, double[] targets, double loss, double[] weightGradient) {}

    // ---- loss-based ----

    /**
     * Uncertainty weighting's loss {@code Σ_i e^{−s_i} L_i / 2 + s_i / 2} (Kendall et al., CVPR 2018).
     *
     * @param losses {@code L_i}
     * @param logVariances {@code s_i}
     * @return the loss
     */
    public static double uncertaintyLoss(double[] losses, double[] logVariances) {
        return UncertaintyWeighting.loss(losses, logVariances);
    }

    /**
     * Uncertainty weighting's loss weights {@code e^{−s_i} / 2}.
     *
     * @param logVariances {@code s_i}
     * @return the weights
     */
    public static double[] uncertaintyWeights(double[] logVariances) {
        return UncertaintyWeighting.weights(logVariances);
    }

    /**
     * Uncertainty weighting's gradient with respect to the log-variances, {@code (1 − e^{−s_i} L_i) / 2}.
     *
     * @param losses {@code L_i}
     * @param logVariances {@code s_i}
     * @return {@code ∂L/∂s_i}
     */
    public static double[] uncertaintyLogVarianceGradient(double[] losses, double[] logVariances) {
        return UncertaintyWeighting.logVarianceGradient(losses, logVariances);
    }

    /**
     * DWA's weights {@code λ_k = K softmax_k((L̄_k(t−1) / L̄_k(t−2)) / T)} (Liu et al., CVPR 2019).
     *
     * @param lastEpoch the epoch-mean losses of the last epoch
     * @param epochBefore those of the epoch before
     * @param temperature T
     * @return the weights, summing to K
     */
    public static double[] dwaWeights(double[] lastEpoch, double[] epochBefore, double temperature) {
        checkArgument(temperature > 0, "dwa: temperature must be positive, got %s", temperature);
        return DynamicWeightAverage.weights(lastEpoch, epochBefore, temperature);
    }

    /**
     * DTP's performance indicator of a metric value: the value itself for a higher-is-better metric, else
     * {@code m₀ / (m₀ + m)}; clamped to {@code [10⁻⁶, 1 − 10⁻⁶]}.
     *
     * @param value the metric value m
     * @param higherIsBetter the metric's direction
     * @param reference {@code m₀} (ignored for higher-is-better metrics)
     * @return κ
     */
    public static double dtpIndicator(double value, boolean higherIsBetter, double reference) {
        return DynamicTaskPrioritization.indicator(value, higherIsBetter, reference);
    }

    /**
     * DTP's focal weights {@code −(1 − κ̄_k)^γ log κ̄_k} (Guo et al., ECCV 2018).
     *
     * @param indicators {@code κ̄_k}
     * @param gamma γ
     * @return the weights
     */
    public static double[] dtpWeights(double[] indicators, double gamma) {
        return DynamicTaskPrioritization.weights(indicators, gamma);
    }

    /**
     * RLW's weights of one step, {@code softmax(z)}, {@code z ~ N(0, I)} drawn from {@code seed}.
     *
     * @param taskCount K
     * @param seed the step's seed
     * @return the weights, summing to 1
     */
    public static double[] rlwWeights(int taskCount, long seed) {
        checkArgument(taskCount > 0, "rlw: task count must be positive, got %s", taskCount);
        return RandomLossWeighting.weights(taskCount, seed);
    }

    /**
     * GLS's loss {@code (Π_k L_k)^{1/K}}.
     *
     * @param losses {@code L_k}
     * @return the geometric mean
     */
    public static double glsLoss(double[] losses) {
        return GeometricLossStrategy.loss(losses, Gradients.all(losses.length));
    }

    /**
     * GLS's implied weights {@code ∂L/∂L_k = L / (K L_k)}.
     *
     * @param losses {@code L_k}
     * @return the weights
     */
    public static double[] glsWeights(double[] losses) {
        return GeometricLossStrategy.weights(losses, Gradients.all(losses.length));
    }

    /**
     * FAMO's implied loss weights {@code z_k / (c (L_k + ε))}, {@code z = softmax(ξ)},
     * {@code c = Σ_k z_k / (L_k + ε)} (Liu et al., NeurIPS 2023).
     *
     * @param logits ξ
     * @param losses {@code L_k}
     * @return the weights, summing to 1
     */
    public static double[] famoWeights(double[] logits, double[] losses) {
        return Famo.weights(logits, losses, Gradients.all(losses.length));
    }

    /**
     * FAMO's logit gradient from the observed decrease, {@code z_j (δ_j − Σ_k z_k δ_k)} with
     * {@code δ_k = log(L_k(t) + ε) − log(L_k(t+1) + ε)}.
     *
     * @param logits ξ
     * @param before the losses before the step
     * @param after the losses of the same batch after the step
     * @return the gradient
     */
    public static double[] famoLogitGradient(double[] logits, double[] before, double[] after) {
        return Famo.logitGradient(logits, before, after, Gradients.all(logits.length));
    }

    /**
     * FAMO's logit update: one Adam step (β = (0.9, 0.999), ε = 10⁻⁸, weight decay added to the gradient) on the
     * logits, from the observed decrease.
     *
     * @param logits ξ (updated in place)
     * @param firstMoments Adam's first moments (updated in place)
     * @param secondMoments Adam's second moments (updated in place)
     * @param step the Adam step count, from 1
     * @param before the losses before the optimiser step
     * @param after the losses of the same batch after it
     * @param learningRate the logit learning rate
     * @param weightDecay the logit weight decay
     */
    public static void famoUpdate(double[] logits, double[] firstMoments, double[] secondMoments, long step,
            double[] before, double[] after, double learningRate, double weightDecay) {
        checkArgument(step >= 1, "famo: Adam steps count from 1, got %s", step);
        checkArgument(firstMoments.length == logits.length && secondMoments.length == logits.length,
                "famo: moments of length %s/%s for %s logits", firstMoments.length, secondMoments.length,
                logits.length);
        Famo.adamStep(logits, firstMoments, secondMoments, step, famoLogitGradient(logits, before, after),
                learningRate, weightDecay);
    }

    // ---- gradient-based ----

    /**
     * GradNorm's targets and weight gradient (Chen et al., ICML 2018).
     *
     * @param weights {@code w_i}
     * @param gradientNorms {@code ‖∇_W L_i‖} at the last shared layer
     * @param losses {@code L_i(t)}
     * @param initialLosses {@code L_i(0)}
     * @param alpha α
     * @return {@code G_i}, the targets, {@code L_grad} and {@code ∂L_grad/∂w_i}
     */
    public static GradNormStep gradNorm(double[] weights, double[] gradientNorms, double[] losses,
            double[] initialLosses, double alpha) {
        return GradNorm.step(weights, gradientNorms, losses, initialLosses, alpha, Gradients.all(weights.length));
    }

    /**
     * GradNorm's renormalisation {@code w ← K · max(w, 10⁻⁴) / Σ max(w, 10⁻⁴)}.
     *
     * @param weights the weights after an update
     * @return the renormalised weights, summing to K
     */
    public static double[] gradNormRenormalise(double[] weights) {
        return GradNorm.renormalise(weights);
    }

    /**
     * GradDrop's sign-dropout rule with given uniforms (Chen et al., NeurIPS 2020).
     *
     * @param gradients K×D per-task gradients with respect to the representation
     * @param uniforms the D draws of {@code U ~ Uniform(0, 1)}
     * @param leak ℓ ∈ [0, 1]
     * @return the kept share per task and the direction
     */
    public static Combination gradDrop(double[][] gradients, double[] uniforms, double leak) {
        checkArgument(leak >= 0 && leak <= 1, "graddrop: leak must lie in [0, 1], got %s", leak);
        return GradDrop.drop(gradients, uniforms, leak);
    }

    /**
     * PCGrad (Yu et al., NeurIPS 2020).
     *
     * @param gradients K×D per-task gradients
     * @param seed the seed of the random visiting orders
     * @return the weights ({@code Σ_i g_i^PC = Σ_l α_l g_l}) and the direction
     */
    public static Combination pcGrad(double[][] gradients, long seed) {
        return new PcGrad().combine(gradients, seed);
    }

    /**
     * MGDA's minimum-norm element of the convex hull of the task gradients (Sener and Koltun, NeurIPS 2018).
     *
     * @param gradients K×D per-task gradients
     * @return the weights (on the simplex) and the direction
     */
    public static Combination mgda(double[][] gradients) {
        return new Mgda().combine(gradients, 0);
    }

    /**
     * CAGrad (Liu et al., NeurIPS 2021), with LibMTL's rescaling by {@code 1/(1 + c²)}.
     *
     * @param gradients K×D per-task gradients
     * @param c the conflict radius relative to ‖ḡ‖
     * @return the weights and the direction
     */
    public static Combination caGrad(double[][] gradients, double c) {
        return new CaGrad(c).combine(gradients, 0);
    }

    /**
     * IMTL-G, the closed-form equal-projection combination (Liu et al., ICLR 2021), on unscaled gradients.
     *
     * @param gradients K×D per-task gradients
     * @return the weights (summing to 1) and the direction
     */
    public static Combination imtl(double[][] gradients) {
        return Imtl.combine(gradients, new double[gradients.length]);
    }

    /**
     * IMTL with IMTL-L log-scales: IMTL-G on the scaled gradients {@code e^{s_i} g_i}.
     *
     * @param gradients K×D per-task gradients
     * @param logScales {@code s_i}
     * @return the weights on the raw gradients and the direction
     */
    public static Combination imtl(double[][] gradients, double[] logScales) {
        return Imtl.combine(gradients, logScales);
    }

    /**
     * Nash-MTL (Navon et al., ICML 2022): {@code α} with {@code (G Gᵀ/‖G Gᵀ‖_F) α = 1/α}, then scaled so that
     * {@code ‖Σ α_i g_i‖ ≤ maxNorm}.
     *
     * @param gradients K×D per-task gradients
     * @param maxNorm the norm limit, 0 for none
     * @return the weights and the direction
     */
    public static Combination nashMtl(double[][] gradients, double maxNorm) {
        return new NashMtl(maxNorm).combine(gradients, 0);
    }
}
