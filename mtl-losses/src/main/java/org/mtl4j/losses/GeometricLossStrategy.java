package org.mtl4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * GLS, the geometric loss strategy (Chennupati et al., "MultiNet++: Multi-Stream Feature Aggregation and Geometric
 * Loss Strategy for Multi-Task Learning", CVPR Workshops 2019).
 *
 * <p>Minimises the geometric mean of the task losses, {@code L = (Π_k L_k)^{1/K}}, computed as
 * {@code exp(mean_k log L_k)}. It is invariant to each loss's scale (multiplying one loss by c multiplies L by
 * {@code c^{1/K}} and leaves the gradient direction unchanged), and its implied weights
 * {@code ∂L/∂L_k = L / (K L_k)} favour the tasks with small losses. Tasks without labels in a batch (loss 0) are
 * left out of the product, and losses are floored at {@code 1e-12}. Loss mode only; no extra cost.
 */
final class GeometricLossStrategy implements LossBasedWeighting {

    /** Losses are floored here before the logarithm. */
    static final double FLOOR = 1e-12;

    @Override
    public String name() {
        return "gls";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        double[] values = new double[k];
        boolean[] present = context.presentTasks();
        NDArray logSum = null;
        int n = 0;
        for (int i = 0; i < k; i++) {
            values[i] = losses.get(i).getFloat();
            if (present[i]) {
                NDArray log = losses.get(i).maximum(EngineArrays.scalar(losses.get(i).getManager(), (float) FLOOR)).log();
                logSum = logSum == null ? log : logSum.add(log);
                n++;
            }
        }
        if (n == 0) {
            NDArray zero = losses.get(0).mul(EngineArrays.scalar(losses.get(0).getManager(), 0f));
            return new WeightedLoss(zero, new double[k]);
        }
        NDArray total = logSum.div(EngineArrays.scalar(logSum.getManager(), n)).exp();
        return new WeightedLoss(total, weights(values, present));
    }

    /**
     * The geometric mean {@code (Π_k L_k)^{1/K}} over the present tasks.
     *
     * @param losses {@code L_k}
     * @param present the tasks in the product
     * @return the loss
     */
    static double loss(double[] losses, boolean[] present) {
        double logSum = 0;
        int n = 0;
        for (int i = 0; i < losses.length; i++) {
            if (present[i]) {
                logSum += Math.log(Math.max(losses[i], FLOOR));
                n++;
            }
        }
        return n == 0 ? 0 : Math.exp(logSum / n);
    }

    /**
     * The implied weights {@code ∂L/∂L_k = L / (K L_k)} (0 for absent tasks).
     *
     * @param losses {@code L_k}
     * @param present the tasks in the product
     * @return the weights
     */
    static double[] weights(double[] losses, boolean[] present) {
        double total = loss(losses, present);
        int n = 0;
        for (boolean p : present) {
            n += p ? 1 : 0;
        }
        double[] w = new double[losses.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = present[i] && losses[i] > FLOOR ? total / (n * losses[i]) : 0;
        }
        return w;
    }

    @Override
    public String toString() {
        return name();
    }
}
