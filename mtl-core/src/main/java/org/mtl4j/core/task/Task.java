package org.mtl4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One task of a multi-task problem: its name, what its head outputs (channels; a dense map or a vector), its loss
 * and its metrics, each metric with its direction (higher or lower is better).
 *
 * <p>Tasks are immutable. Build one with {@link #builder(String)}, or take a ready recipe:
 * {@link #segmentation(String, int)}, {@link #depth(String)}, {@link #normals(String)},
 * {@link #denseRegression(String, int)}, {@link #classification(String, int)}, {@link #regression(String, int)}.
 *
 * <pre>{@code
 * Task depth = Task.builder("d").dense(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build();
 * }</pre>
 */
public final class Task {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final String name;
    private final OutputKind kind;
    private final int channels;
    private final TaskLoss loss;
    private final ImmutableList<TaskMetric> metrics;
    private final String recipe;

    private Task(Builder b) {
        this.name = b.name;
        this.kind = b.kind;
        this.channels = b.channels;
        this.loss = b.loss;
        this.metrics = ImmutableList.copyOf(b.metrics);
        this.recipe = b.recipe;
    }

    /**
     * Makes a task from its recipe, as {@link #recipe()} writes it: {@code segmentation:C}, {@code depth},
     * {@code normals}, {@code dense-regression:C}, {@code classification:C} or {@code regression:C}.
     *
     * @param name the task name
     * @param recipe the recipe
     * @return the task
     * @throws IllegalArgumentException naming the task and the recipe when it is not one of these
     */
    public static Task fromRecipe(String name, String recipe) {
        String[] parts = recipe.split(":", 2);
        int c = 0;
        if (parts.length == 2) {
            try {
                c = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("task '" + name + "': recipe '" + recipe
                        + "' has a channel count that is not a whole number");
            }
        }
        switch (parts[0]) {
            case "segmentation":
                return segmentation(name, c);
            case "depth":
                return depth(name);
            case "normals":
                return normals(name);
            case "dense-regression":
                return denseRegression(name, c);
            case "classification":
                return classification(name, c);
            case "regression":
                return regression(name, c);
            default:
                throw new IllegalArgumentException("task '" + name + "': unknown recipe '" + recipe + "'; known: "
                        + "segmentation:C, depth, normals, dense-regression:C, classification:C, regression:C");
        }
    }

    /**
     * Starts a task definition.
     *
     * @param name the task name: letters, digits, {@code _ . -}
     * @return a builder
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Semantic segmentation: cross-entropy ignoring −1, metrics mIoU and pixel accuracy.
     *
     * @param name the task name
     * @param classes the number of classes
     * @return the task
     */
    public static Task segmentation(String name, int classes) {
        return builder(name).recipe("segmentation:" + classes).dense(classes).loss(TaskLosses.crossEntropy())
                .metric(TaskMetrics.meanIoU(TaskLosses.DEFAULT_IGNORE_LABEL))
                .metric(TaskMetrics.accuracy(TaskLosses.DEFAULT_IGNORE_LABEL)).build();
    }

    /**
     * Depth estimation: masked L1 (label 0 = no measurement), metrics absolute and relative error.
     *
     * @param name the task name
     * @return the task
     */
    public static Task depth(String name) {
        return builder(name).recipe("depth").dense(1).loss(TaskLosses.l1(0f))
                .metric(TaskMetrics.absError(0f)).metric(TaskMetrics.relError(0f)).build();
    }

    /**
     * Surface normals: {@code 1 − cos} loss, metrics mean and median angle and the fraction within 11.25°, 22.5°, 30°.
     *
     * @param name the task name
     * @return the task
     */
    public static Task normals(String name) {
        return builder(name).recipe("normals").dense(3).loss(TaskLosses.normal())
                .metric(TaskMetrics.meanAngle()).metric(TaskMetrics.medianAngle())
                .metric(TaskMetrics.angleWithin(11.25)).metric(TaskMetrics.angleWithin(22.5))
                .metric(TaskMetrics.angleWithin(30)).build();
    }

    /**
     * A dense regression map (keypoint heat maps, edges, reshading, curvature): L1 loss, absolute error.
     *
     * @param name the task name
     * @param channels the channels of the map
     * @return the task
     */
    public static Task denseRegression(String name, int channels) {
        return builder(name).recipe("dense-regression:" + channels).dense(channels).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build();
    }

    /**
     * Per-sample classification: cross-entropy ignoring −1, accuracy.
     *
     * @param name the task name
     * @param classes the number of classes
     * @return the task
     */
    public static Task classification(String name, int classes) {
        return builder(name).recipe("classification:" + classes).vector(classes).loss(TaskLosses.crossEntropy())
                .metric(TaskMetrics.accuracy(TaskLosses.DEFAULT_IGNORE_LABEL)).build();
    }

    /**
     * Per-sample regression: L2 loss, RMSE and absolute error.
     *
     * @param name the task name
     * @param outputs the number of regression targets
     * @return the task
     */
    public static Task regression(String name, int outputs) {
        return builder(name).recipe("regression:" + outputs).vector(outputs).loss(TaskLosses.l2())
                .metric(TaskMetrics.rmse()).metric(TaskMetrics.absError()).build();
    }

    /** @return the task name */
    public String name() {
        return name;
    }

    /** @return whether the head predicts a dense map or a vector */
    public OutputKind kind() {
        return kind;
    }

    /** @return the number of output channels (classes for class-index losses) */
    public int channels() {
        return channels;
    }

    /** @return the loss */
    public TaskLoss loss() {
        return loss;
    }

    /** @return the metrics, in declaration order; the first is the task's primary metric */
    public ImmutableList<TaskMetric> metrics() {
        return metrics;
    }

    /**
     * How to make this task again: set by the ready recipes ({@link #fromRecipe}), empty for a task built with its
     * own loss and metrics. Saved models record it, so that {@code MultiTaskModel.load} can rebuild the task.
     *
     * @return the recipe, if the task came from one
     */
    public Optional<String> recipe() {
        return Optional.ofNullable(recipe);
    }

    /** @return the first metric, used where one metric per task is wanted (Vandenhende's Δ_MTL) */
    public TaskMetric primaryMetric() {
        return metrics.get(0);
    }

    @Override
    public String toString() {
        return name + "(" + kind.name().toLowerCase() + " " + channels + ", " + loss + ")";
    }

    /** Builder of {@link Task}; {@link #build()} validates every setting. */
    public static final class Builder {
        private final String name;
        private OutputKind kind;
        private int channels;
        private TaskLoss loss;
        private final List<TaskMetric> metrics = new ArrayList<>();
        private String recipe;

        private Builder(String name) {
            checkNotNull(name, "task name must not be null");
            checkArgument(NAME.matcher(name).matches(),
                    "task name '%s' is not valid: use letters, digits, '_', '.' or '-'", name);
            this.name = name;
        }

        /**
         * The head predicts a map {@code (channels, H, W)} at the input resolution.
         *
         * @param channels the channels (classes for cross-entropy)
         * @return this builder
         */
        public Builder dense(int channels) {
            return output(OutputKind.DENSE, channels);
        }

        /**
         * The head predicts a vector {@code (channels)} per sample.
         *
         * @param channels the outputs (classes for cross-entropy)
         * @return this builder
         */
        public Builder vector(int channels) {
            return output(OutputKind.VECTOR, channels);
        }

        private Builder output(OutputKind k, int c) {
            checkState(kind == null, "task '%s': output already set to %s %s", name, kind, channels);
            checkArgument(c > 0, "task '%s': output channels must be positive, got %s", name, c);
            this.kind = k;
            this.channels = c;
            return this;
        }

        private Builder recipe(String value) {
            this.recipe = value;
            return this;
        }

        /**
         * Sets the loss.
         *
         * @param taskLoss the loss
         * @return this builder
         */
        public Builder loss(TaskLoss taskLoss) {
            this.loss = checkNotNull(taskLoss, "task '%s': loss must not be null", name);
            return this;
        }

        /**
         * Adds a metric; the first one added is the primary metric.
         *
         * @param metric the metric
         * @return this builder
         */
        public Builder metric(TaskMetric metric) {
            metrics.add(checkNotNull(metric, "task '%s': metric must not be null", name));
            return this;
        }

        /**
         * Validates and builds the task.
         *
         * @return the task
         * @throws IllegalStateException naming the task and the missing setting
         */
        public Task build() {
            checkState(kind != null, "task '%s': call dense(channels) or vector(channels) to set the head output", name);
            checkState(loss != null, "task '%s': no loss set", name);
            checkState(!metrics.isEmpty(), "task '%s': at least one metric is needed", name);
            Set<String> seen = new HashSet<>();
            for (TaskMetric m : metrics) {
                checkState(seen.add(m.name()), "task '%s': metric '%s' added twice", name, m.name());
            }
            return new Task(this);
        }
    }
}
