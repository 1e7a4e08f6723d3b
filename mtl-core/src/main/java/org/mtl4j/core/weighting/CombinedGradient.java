package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDArray;

/**
 * What a gradient-based strategy returns: the update direction for the shared parameters (or the shared
 * representation), flattened to one vector, and the task weights it amounts to (for logs; NaN where a method has
 * no weights).
 *
 * @param gradient the combined gradient, shape {@code (D)}
 * @param weights one weight per task, in task order
 */
public record CombinedGradient(NDArray gradient, double[] weights) {}
