package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.Arrays;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * DWA, dynamic weight average (Liu, Johns and Davison, "End-to-End Multi-Task Learning with Attention", CVPR 2019).
 *
 * <p>The weights follow each task's rate of descent over the last two epochs:
 * {@code λ_k(t) = K · exp(w_k(t−1)/T) / Σ_i exp(w_i(t−1)/T)} with {@code w_k(t−1) = L̄_k(t−1) / L̄_k(t−2)}, where
 * {@code L̄} is the epoch-mean <em>unweighted</em> training loss (the loop's loss history, so no state of its own);
 * {@code λ = 1} in the first two epochs. The temperature {@code T} (2 by default) softens the weights: the MTAN
 * author suggests 0.5–5, larger is flatter. A task with no loss recorded in either epoch gets ratio 1. Loss mode
 * only; costs nothing beyond a plain step.
 */
final class DynamicWeightAverage implements LossBasedWeighting {

    /** The paper's default temperature. */
    static final double DEFAULT_TEMPERATURE = 2.0;

    private final double temperature;

    DynamicWeightAverage(double temperature) {
        checkArgument(temperature > 0 && Double.isFinite(temperature),
                "dwa: temperature T must be positive and finite, got %s", temperature);
        this.temperature = temperature;
    }

    @Override
    public String name() {
        return "dwa";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        double[] lambda;
        if (context.lossHistory().size() < 2) {
            lambda = new double[k];
            Arrays.fill(lambda, 1.0);
        } else {
            lambda = weights(context.meanLosses(1), context.meanLosses(2), temperature);
        }
        NDArray total = null;
        for (int i = 0; i < k; i++) {
            NDArray term = losses.get(i).mul(EngineArrays.scalar(losses.get(i).getManager(), (float) lambda[i]));
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, lambda);
    }

    /**
     * The DWA weights.
     *
     * @param lastEpoch {@code L̄_k(t−1)}
     * @param epochBefore {@code L̄_k(t−2)}
     * @param temperature T
     * @return {@code λ_k(t)}, summing to K
     */
    static double[] weights(double[] lastEpoch, double[] epochBefore, double temperature) {
        checkArgument(lastEpoch.length == epochBefore.length, "dwa: loss histories of %s and %s tasks",
                lastEpoch.length, epochBefore.length);
        int k = lastEpoch.length;
        double[] w = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double ratio = lastEpoch[i] / epochBefore[i];
            w[i] = (Double.isFinite(ratio) ? ratio : 1.0) / temperature;
            max = Math.max(max, w[i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            w[i] = Math.exp(w[i] - max);
            sum += w[i];
        }
        for (int i = 0; i < k; i++) {
            w[i] = k * w[i] / sum;
        }
        return w;
    }

    @Override
    public String toString() {
        return name() + ":" + temperature;
    }
}
