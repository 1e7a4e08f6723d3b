package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What a gradient-based strategy returns: the update direction for the shared parameters (or the shared
 * representation), flattened to one vector, the task weights it amounts to (for logs; NaN where a method has no
 * weights), and, for strategies with learnable weights ({@link LossWeighting#createParameterBlock}), the gradient
 * of their own objective with respect to those weights.
 *
 * <p>In the gradient modes the learnable weights take no part in the back-propagated graph, so the training loop
 * gives them {@code learnableGradients} itself (one array per learnable array, same shapes) before the optimiser
 * step: the optimiser then updates them like any other parameter (GradNorm's {@code ∂L_grad/∂w_i}, IMTL-L's scale
 * gradient).
 *
 * @param gradient the combined gradient, shape {@code (D)}
 * @param weights one weight per task, in task order
 * @param learnableGradients the gradients of the learnable weights, in the order of {@code learnable}; empty when
 *     the strategy has none or leaves them unchanged
 */
public record CombinedGradient(NDArray gradient, double[] weights, NDList learnableGradients) {

    /**
     * Validates the result.
     *
     * @param gradient the combined gradient, shape {@code (D)}
     * @param weights one weight per task, in task order
     * @param learnableGradients the gradients of the learnable weights; empty when none
     */
    public CombinedGradient {
        checkNotNull(gradient, "combined gradient");
        checkNotNull(weights, "weights");
        checkNotNull(learnableGradients, "learnable gradients");
    }

    /**
     * A result without learnable-weight gradients.
     *
     * @param gradient the combined gradient, shape {@code (D)}
     * @param weights one weight per task, in task order
     */
    public CombinedGradient(NDArray gradient, double[] weights) {
        this(gradient, weights, new NDList());
    }
}
