package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDList;

/**
 * A loss-based strategy ({@link GradientMode#NONE}): it sees the K task losses and returns the loss to
 * back-propagate, {@code L = Σ_k w_k L_k} (plus whatever terms the method adds). Uncertainty weighting, DWA, DTP, RLW,
 * GLS and FAMO are loss-based.
 */
public interface LossBasedWeighting extends LossWeighting {

    /**
     * Combines the task losses into the loss to back-propagate.
     *
     * @param losses the K scalar task losses (mean over valid elements; 0 for tasks without labels in the batch)
     * @param learnable the values of the learnable parameters (empty when there are none)
     * @param context the step's context
     * @return the combined loss and the weights used
     */
    WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context);
}
