package org.mtl4j.core.task;

/**
 * A metric of one task, computed streaming over a whole split (not averaged per batch), with its direction.
 *
 * <p>Metrics are definitions; {@link #newAccumulator()} opens the running state for one pass over a split. The
 * direction {@link #higherIsBetter()} drives the multi-task performance measures of
 * {@link org.mtl4j.core.evaluation.DeltaM}. Obtain metrics from {@link TaskMetrics}.
 */
public interface TaskMetric {

    /**
     * Returns the metric's name, unique within its task (for example {@code "mIoU"} or {@code "abs_err"}).
     *
     * @return the name
     */
    String name();

    /**
     * Returns whether a higher value is better (accuracy, mIoU) or worse (errors, angles).
     *
     * @return the direction
     */
    boolean higherIsBetter();

    /**
     * Opens a fresh accumulator for one pass over a split.
     *
     * @return a new accumulator
     */
    MetricAccumulator newAccumulator();
}
