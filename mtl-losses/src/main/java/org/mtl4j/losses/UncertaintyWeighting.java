package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import java.util.Optional;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.core.weighting.WeightingParameters;

/**
 * Uncertainty weighting (Kendall, Gal and Cipolla, "Multi-Task Learning Using Uncertainty to Weigh Losses for Scene
 * Geometry and Semantics", CVPR 2018).
 *
 * <p>Each task has a learnable log-variance {@code s_i = log σ_i²}, trained with the network; the loss is the
 * homoscedastic-uncertainty likelihood in its regression form, {@code L = Σ_i ( e^{−s_i} L_i / 2 + s_i / 2 )},
 * so the weights are {@code e^{−s_i} / 2} and {@code ∂L/∂s_i = (1 − e^{−s_i} L_i) / 2}: at the optimum
 * {@code e^{s_i} = L_i}, a noisy (high-loss) task is down-weighted, and the {@code s_i/2} term stops the weights from
 * collapsing to zero. {@code s_i} starts at {@value #DEFAULT_INITIAL_LOG_VARIANCE} by default, as in LibMTL and the
 * MTAN code. Tasks without labels in a batch contribute neither term. Loss mode only; one backward pass per step.
 */
final class UncertaintyWeighting implements LossBasedWeighting {

    /** LibMTL's and the MTAN code's initial log-variance. */
    static final float DEFAULT_INITIAL_LOG_VARIANCE = -0.5f;
    private static final String PARAMETER = "log_variance";

    private final float initialLogVariance;

    UncertaintyWeighting(double initialLogVariance) {
        checkArgument(Double.isFinite(initialLogVariance) && Math.abs(initialLogVariance) < 30,
                "uw: initial log-variance must be finite and within ±30, got %s", initialLogVariance);
        this.initialLogVariance = (float) initialLogVariance;
    }

    @Override
    public String name() {
        return "uw";
    }

    @Override
    public Optional<Block> createParameterBlock(ImmutableList<String> taskNames) {
        return Optional.of(new WeightingParameters(PARAMETER, taskNames.size(), initialLogVariance));
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        checkArgument(learnable.size() == 1 && learnable.get(0).size() == k,
                "uw expects one learnable vector of %s log-variances, got %s", k, learnable);
        NDArray s = learnable.get(0);
        NDArray l = NDArrays.stack(losses).reshape(k);
        double[] mask = new double[k];
        for (int i = 0; i < k; i++) {
            mask[i] = context.present(i) ? 1 : 0;
        }
        NDArray m = Gradients.vector(l, mask);
        // Σ_i m_i (e^{−s_i} L_i / 2 + s_i / 2)
        NDArray total = s.neg().exp().mul(l).add(s).mul(EngineArrays.scalar(l.getManager(), 0.5f)).mul(m).sum();
        return new WeightedLoss(total, weights(Gradients.toDouble(s.toFloatArray())));
    }

    /**
     * The weights {@code e^{−s_i} / 2}.
     *
     * @param logVariances {@code s}
     * @return the weights
     */
    static double[] weights(double[] logVariances) {
        double[] w = new double[logVariances.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = Math.exp(-logVariances[i]) / 2;
        }
        return w;
    }

    /**
     * The loss {@code Σ_i ( e^{−s_i} L_i / 2 + s_i / 2 )}.
     *
     * @param losses {@code L_i}
     * @param logVariances {@code s_i}
     * @return the loss
     */
    static double loss(double[] losses, double[] logVariances) {
        checkArgument(losses.length == logVariances.length, "uw: %s losses for %s log-variances", losses.length,
                logVariances.length);
        double total = 0;
        for (int i = 0; i < losses.length; i++) {
            total += Math.exp(-logVariances[i]) * losses[i] / 2 + logVariances[i] / 2;
        }
        return total;
    }

    /**
     * The gradient of the loss with respect to the log-variances, {@code (1 − e^{−s_i} L_i) / 2}.
     *
     * @param losses {@code L_i}
     * @param logVariances {@code s_i}
     * @return {@code ∂L/∂s_i}
     */
    static double[] logVarianceGradient(double[] losses, double[] logVariances) {
        checkArgument(losses.length == logVariances.length, "uw: %s losses for %s log-variances", losses.length,
                logVariances.length);
        double[] g = new double[losses.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = (1 - Math.exp(-logVariances[i]) * losses[i]) / 2;
        }
        return g;
    }

    @Override
    public String toString() {
        return name() + ":" + initialLogVariance;
    }
}
