package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;

/**
 * The immutable facts a balancing strategy may use at one training step, passed explicitly instead of the implicit
 * trainer attributes of LibMTL: the global step (0-based), the epoch (0-based), the task names in output order, the
 * per-task epoch-mean <em>unweighted</em> training losses of every completed epoch (oldest first), a seed for
 * this step (for strategies that draw random numbers, such as random loss weighting, so that runs are repeatable),
 * the gradient mode the step runs in, and three optional per-step facts:
 * <ul>
 *   <li>{@code labelCounts}: how many samples of the batch carry each task's label (a task with 0 is absent from
 *       the batch: its loss is 0 and its gradient is zero, and strategies leave it out); empty when unknown, which
 *       counts every task as present;
 *   <li>{@code batchMetrics}: each task's primary metric on the batch, only for strategies whose
 *       {@link LossWeighting#usesTrainingMetrics()} is true (dynamic task prioritisation); empty otherwise;
 *   <li>{@code gradientSegments}: the layout of the columns of the K×D gradient matrix in the gradient modes (which
 *       columns belong to which shared tensor); empty in {@link GradientMode#NONE}.
 * </ul>
 *
 * @param step the global optimiser step, from 0
 * @param epoch the epoch, from 0
 * @param taskNames the task names in output order
 * @param lossHistory one row per completed epoch, each with one mean loss per task
 * @param stepSeed a seed derived from the run seed and the step
 * @param gradientMode the gradient mode of this step
 * @param labelCounts per task, the samples of this batch with its label; empty when unknown
 * @param batchMetrics per task, its primary metric on this batch; empty unless requested
 * @param gradientSegments the column layout of the per-task gradient matrix; empty in loss mode
 */
public record WeightingContext(long step, int epoch, ImmutableList<String> taskNames,
        ImmutableList<ImmutableList<Double>> lossHistory, long stepSeed, GradientMode gradientMode,
        ImmutableList<Integer> labelCounts,
        ImmutableList<MetricSample> batchMetrics, ImmutableList<GradientSegment> gradientSegments) {

    /**
     * Validates the context.
     *
     * @param step the global optimiser step, from 0
     * @param epoch the epoch, from 0
     * @param taskNames the task names in output order
     * @param lossHistory one row per completed epoch, each with one mean loss per task
     * @param stepSeed a seed derived from the run seed and the step
     * @param gradientMode the gradient mode of this step
     * @param labelCounts per task, the samples of this batch with its label; empty when unknown
     * @param batchMetrics per task, its primary metric on this batch; empty unless requested
     * @param gradientSegments the column layout of the per-task gradient matrix; empty in loss mode
     */
    public WeightingContext {
        checkNotNull(taskNames, "task names");
        checkNotNull(lossHistory, "loss history");
        checkNotNull(gradientMode, "gradient mode");
        checkNotNull(labelCounts, "label counts");
        checkNotNull(batchMetrics, "batch metrics");
        checkNotNull(gradientSegments, "gradient segments");
        checkArgument(step >= 0, "step must be non-negative, got %s", step);
        checkArgument(epoch >= 0, "epoch must be non-negative, got %s", epoch);
        checkArgument(!taskNames.isEmpty(), "at least one task is needed");
        for (ImmutableList<Double> row : lossHistory) {
            checkArgument(row.size() == taskNames.size(),
                    "loss history row has %s values for %s tasks", row.size(), taskNames.size());
        }
        checkArgument(labelCounts.isEmpty() || labelCounts.size() == taskNames.size(),
                "label counts have %s values for %s tasks", labelCounts.size(), taskNames.size());
        checkArgument(batchMetrics.isEmpty() || batchMetrics.size() == taskNames.size(),
                "batch metrics have %s values for %s tasks", batchMetrics.size(), taskNames.size());
        long next = 0;
        for (GradientSegment s : gradientSegments) {
            checkArgument(s.offset() == next, "gradient segment '%s' starts at column %s, expected %s", s.name(),
                    s.offset(), next);
            next = s.end();
        }
    }

    /**
     * A context without per-step facts: loss mode, every task counts as present, no batch metrics, no gradient
     * layout.
     *
     * @param step the global optimiser step, from 0
     * @param epoch the epoch, from 0
     * @param taskNames the task names in output order
     * @param lossHistory one row per completed epoch, each with one mean loss per task
     * @param stepSeed a seed derived from the run seed and the step
     */
    public WeightingContext(long step, int epoch, ImmutableList<String> taskNames,
            ImmutableList<ImmutableList<Double>> lossHistory, long stepSeed) {
        this(step, epoch, taskNames, lossHistory, stepSeed, GradientMode.NONE, ImmutableList.of(),
                ImmutableList.of(), ImmutableList.of());
    }

    /** @return the number of tasks K */
    public int taskCount() {
        return taskNames.size();
    }

    /**
     * Returns whether task {@code k} has at least one label in this batch (always true when the counts are unknown).
     *
     * @param k the task index
     * @return whether the task is present
     */
    public boolean present(int k) {
        checkArgument(k >= 0 && k < taskNames.size(), "task index %s out of range for %s tasks", k, taskNames.size());
        return labelCounts.isEmpty() || labelCounts.get(k) > 0;
    }

    /** @return for every task, whether it is present in this batch (see {@link #present(int)}) */
    public boolean[] presentTasks() {
        boolean[] p = new boolean[taskNames.size()];
        for (int k = 0; k < p.length; k++) {
            p[k] = present(k);
        }
        return p;
    }

    /**
     * Returns the epoch-mean losses of the epoch {@code epochsAgo} before the current one
     * ({@code 1} = the last completed epoch).
     *
     * @param epochsAgo how many epochs back, at least 1
     * @return the per-task mean losses
     * @throws IllegalArgumentException when that epoch is not in the history
     */
    public double[] meanLosses(int epochsAgo) {
        checkArgument(epochsAgo >= 1 && epochsAgo <= lossHistory.size(),
                "no loss history %s epoch(s) back: %s epoch(s) recorded", epochsAgo, lossHistory.size());
        return lossHistory.get(lossHistory.size() - epochsAgo).stream().mapToDouble(Double::doubleValue).toArray();
    }
}
