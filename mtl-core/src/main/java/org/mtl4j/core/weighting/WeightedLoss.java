package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDArray;

/**
 * What a loss-based strategy returns: the scalar to back-propagate and the task weights it used (for logs).
 *
 * @param total the combined loss, carrying the autograd graph
 * @param weights one weight per task, in task order
 */
public record WeightedLoss(NDArray total, double[] weights) {}
