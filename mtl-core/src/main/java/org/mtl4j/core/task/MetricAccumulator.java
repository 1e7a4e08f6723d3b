package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;

/**
 * The running state of a {@link TaskMetric} over one split. Samples whose presence mask is 0 are skipped.
 * Accumulators keep plain Java state only, so no array outlives the batch that fed it.
 */
public interface MetricAccumulator {

    /**
     * Adds one batch.
     *
     * @param prediction the head output
     * @param label the label
     * @param present the presence mask {@code (N)}
     */
    void update(NDArray prediction, NDArray label, NDArray present);

    /**
     * Returns the metric over everything added so far; NaN when nothing valid was added.
     *
     * @return the value
     */
    double value();
}
