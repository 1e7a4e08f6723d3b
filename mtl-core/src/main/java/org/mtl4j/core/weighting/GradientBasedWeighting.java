package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableSet;

/**
 * A gradient-based strategy ({@link GradientMode#PARAMETERS} or {@link GradientMode#REPRESENTATION}): it sees the
 * K×D matrix of per-task gradients and returns the D-vector to use as the shared gradient. PCGrad, MGDA, CAGrad,
 * IMTL, Nash-MTL, GradNorm and GradDrop are gradient-based.
 */
public interface GradientBasedWeighting extends LossWeighting {

    /** @return the gradient modes the method works in; both by default */
    @Override
    default ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    /**
     * Combines the per-task gradients.
     *
     * @param taskGradients the K×D matrix of per-task gradients
     * @param losses the K scalar task losses (already back-propagated; values only)
     * @param learnable the values of the learnable parameters (empty when there are none)
     * @param context the step's context
     * @return the combined D-vector and the weights
     */
    CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context);
}
