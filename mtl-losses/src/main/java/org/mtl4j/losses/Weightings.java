package org.mtl4j.losses;

import org.mtl4j.core.weighting.LossWeighting;

/**
 * Static factories of the loss-weighting and gradient-combination strategies, for
 * {@code MultiTask.builder().weighting(...)}.
 *
 * <ul>
 *   <li>{@link #equal()}: {@code L = Σ_k L_k}, the baseline every strategy is compared with;
 *   <li>{@link #fixed(double...)}: {@code L = Σ_k λ_k L_k} with hand-tuned weights.
 * </ul>
 */
public final class Weightings {

    private Weightings() {}

    /**
     * Equal weighting (LibMTL's EW): {@code L = Σ_k L_k}.
     *
     * @return the strategy
     */
    public static LossWeighting equal() {
        return LossWeighting.equal();
    }

    /**
     * Fixed weights: {@code L = Σ_k λ_k L_k}.
     *
     * @param weights one non-negative weight per task, in task order
     * @return the strategy
     */
    public static LossWeighting fixed(double... weights) {
        return LossWeighting.fixed(weights);
    }
}
