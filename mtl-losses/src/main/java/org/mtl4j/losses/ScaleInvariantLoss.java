package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * SI-LS, the scale-invariant linear scalarisation: the sum of the log losses, the "SI" baseline of Navon et al.,
 * "Multi-Task Learning as a Bargaining Game", ICML 2022 ({@code scaleinvls} in their nash-mtl code).
 *
 * <p>{@code L = Σ_i log(L_i + ε)}, so {@code ∇L = Σ_i ∇L_i / (L_i + ε)}: every task's gradient is divided by its own
 * loss, which makes the update invariant to a constant rescaling of any one loss ({@code log(c L_i) = log c +
 * log L_i}). The implied weights, reported, are {@code ∂L/∂L_i = 1 / (L_i + ε)}: a task with a small loss gets a
 * large weight. It is the same objective as minimising the geometric mean of the losses (GLS) up to a monotone
 * transformation, but its gradient is not rescaled by the geometric mean, so the step length grows as the losses
 * shrink. Use it as a cheap, tuning-free baseline when loss scales differ by orders of magnitude; it costs nothing
 * beyond a plain step. No hyper-parameters. Tasks without labels in the batch are left out (weight 0). Loss mode
 * only.
 *
 * <p>Deviations from the reference: nash-mtl computes {@code log(L_i)} with no ε (a zero loss gives −∞ and an infinite
 * gradient); here {@code ε = 10⁻⁸}, as in FAMO's log-loss variants ({@link LogLossGradients}), so a zero loss gives
 * {@code log ε ≈ −18.4} and weight {@code 10⁸}. nash-mtl reports weights of 1; here they are {@code ∂L/∂L_i}.
 */
final class ScaleInvariantLoss implements LossBasedWeighting {

    /** The ε added to each loss before the logarithm (FAMO's, for its log-loss methods). */
    static final double EPS = 1e-8;

    @Override
    public String name() {
        return "si-ls";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        checkArgument(losses.size() == k, "si-ls: %s losses for %s tasks", losses.size(), k);
        boolean[] present = context.presentTasks();
        double[] values = new double[k];
        NDManager manager = losses.get(0).getManager();
        NDArray eps = EngineArrays.scalar(manager, (float) EPS);
        NDArray total = null;
        for (int i = 0; i < k; i++) {
            values[i] = losses.get(i).getFloat();
            if (present[i]) {
                NDArray term = losses.get(i).add(eps).log();
                total = total == null ? term : total.add(term);
            }
        }
        if (total == null) {
            total = losses.get(0).mul(EngineArrays.scalar(manager, 0f));
        }
        return new WeightedLoss(total, weights(values, present));
    }

    /**
     * The implied weights {@code ∂L/∂L_i = 1 / (L_i + ε)}.
     *
     * @param losses {@code L_i}
     * @param present the tasks in the sum
     * @return the weights (0 for absent tasks)
     */
    static double[] weights(double[] losses, boolean[] present) {
        checkArgument(losses.length == present.length, "si-ls: %s losses for %s presence flags", losses.length,
                present.length);
        double[] w = new double[losses.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = present[i] ? 1 / (losses[i] + EPS) : 0;
        }
        return w;
    }

    /**
     * The loss {@code Σ_i log(L_i + ε)} over the present tasks.
     *
     * @param losses {@code L_i}
     * @param present the tasks in the sum
     * @return the loss
     */
    static double loss(double[] losses, boolean[] present) {
        double s = 0;
        for (int i = 0; i < losses.length; i++) {
            s += present[i] ? Math.log(losses[i] + EPS) : 0;
        }
        return s;
    }

    @Override
    public String toString() {
        return name();
    }
}
