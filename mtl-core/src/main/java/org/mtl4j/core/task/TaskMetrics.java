package org.mtl4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Static factories of the streaming task metrics, with the definitions used by LibMTL for NYUv2 (confusion
 * matrix accumulated over the split; errors and angles pooled over all valid pixels).
 */
public final class TaskMetrics {

    private TaskMetrics() {}

    /**
     * Mean intersection over union from a split-wide confusion matrix.
     *
     * @param ignoreLabel labels to skip
     * @return the metric (higher is better)
     */
    public static TaskMetric meanIoU(int ignoreLabel) {
        return new ConfusionMetric(ConfusionMetric.Kind.MEAN_IOU, ignoreLabel);
    }

    /**
     * Accuracy (pixel accuracy for dense tasks): correct / total over valid labels.
     *
     * @param ignoreLabel labels to skip
     * @return the metric (higher is better)
     */
    public static TaskMetric accuracy(int ignoreLabel) {
        return new ConfusionMetric(ConfusionMetric.Kind.ACCURACY, ignoreLabel);
    }

    /**
     * Mean absolute error over present samples.
     *
     * @return the metric (lower is better)
     */
    public static TaskMetric absError() {
        return new ErrorMetric(ErrorMetric.Kind.ABS, null);
    }

    /**
     * Mean absolute error over elements whose label is not {@code invalidValue}.
     *
     * @param invalidValue the label that marks a missing measurement (depth 0 in NYUv2)
     * @return the metric (lower is better)
     */
    public static TaskMetric absError(float invalidValue) {
        return new ErrorMetric(ErrorMetric.Kind.ABS, invalidValue);
    }

    /**
     * Mean relative error {@code |p − g| / g} over elements whose label is not {@code invalidValue}.
     *
     * @param invalidValue the label that marks a missing measurement; labels must be non-zero elsewhere
     * @return the metric (lower is better)
     */
    public static TaskMetric relError(float invalidValue) {
        return new ErrorMetric(ErrorMetric.Kind.REL, invalidValue);
    }

    /**
     * Root-mean-square error over present samples.
     *
     * @return the metric (lower is better)
     */
    public static TaskMetric rmse() {
        return new ErrorMetric(ErrorMetric.Kind.RMSE, null);
    }

    /**
     * Mean angle in degrees between predicted and true normals.
     *
     * @return the metric (lower is better)
     */
    public static TaskMetric meanAngle() {
        return new AngleMetric(AngleMetric.Kind.MEAN, 0);
    }

    /**
     * Median angle in degrees between predicted and true normals (0.01° resolution).
     *
     * @return the metric (lower is better)
     */
    public static TaskMetric medianAngle() {
        return new AngleMetric(AngleMetric.Kind.MEDIAN, 0);
    }

    /**
     * Fraction of valid pixels whose normal angle error is below {@code degrees}.
     *
     * @param degrees the threshold, for example 11.25, 22.5 or 30
     * @return the metric (higher is better)
     */
    public static TaskMetric angleWithin(double degrees) {
        checkArgument(degrees > 0 && degrees <= 180, "angle threshold must lie in (0, 180], got %s", degrees);
        return new AngleMetric(AngleMetric.Kind.WITHIN, degrees);
    }
}
