package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One task's primary metric measured on the current training batch, for strategies that weigh tasks by how well
 * they perform (dynamic task prioritisation). The training loop fills these only for strategies whose
 * {@link LossWeighting#usesTrainingMetrics()} is true.
 *
 * @param metric the metric's name (the task's primary metric)
 * @param value the value on this batch; NaN when the batch has no label of the task
 * @param higherIsBetter the metric's direction
 */
public record MetricSample(String metric, double value, boolean higherIsBetter) {

    /**
     * Validates the sample.
     *
     * @param metric the metric's name
     * @param value the value on this batch, or NaN
     * @param higherIsBetter the metric's direction
     */
    public MetricSample {
        checkNotNull(metric, "metric name");
    }
}
