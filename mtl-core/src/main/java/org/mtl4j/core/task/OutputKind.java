package org.mtl4j.core.task;

/**
 * The shape of what a task head predicts for one sample.
 *
 * <p>{@link #DENSE} heads predict a map with one value per input pixel and channel, shape {@code (C, H, W)}
 * (semantic segmentation, depth, surface normals, edges). {@link #VECTOR} heads predict one vector per sample,
 * shape {@code (C)} (image classification, attributes, regression targets of tabular data).
 */
public enum OutputKind {
    /** A per-pixel prediction of shape {@code (C, H, W)} at the input resolution. */
    DENSE,
    /** A per-sample prediction of shape {@code (C)}. */
    VECTOR
}
