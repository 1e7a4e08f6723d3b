package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;

/**
 * The immutable facts a balancing strategy may use at one training step, passed explicitly instead of the implicit
 * trainer attributes of LibMTL: the global step (0-based), the epoch (0-based), the task names in output order, the
 * per-task epoch-mean <em>unweighted</em> training losses of every completed epoch (oldest first), and a seed for
 * this step (for strategies that draw random numbers, such as random loss weighting, so that runs are repeatable).
 *
 * @param step the global optimiser step, from 0
 * @param epoch the epoch, from 0
 * @param taskNames the task names in output order
 * @param lossHistory one row per completed epoch, each with one mean loss per task
 * @param stepSeed a seed derived from the run seed and the step
 */
public record WeightingContext(long step, int epoch, ImmutableList<String> taskNames,
        ImmutableList<ImmutableList<Double>> lossHistory, long stepSeed) {

    /**
     * Validates the context.
     *
     * @param step the global optimiser step, from 0
     * @param epoch the epoch, from 0
     * @param taskNames the task names in output order
     * @param lossHistory one row per completed epoch, each with one mean loss per task
     * @param stepSeed a seed derived from the run seed and the step
     */
    public WeightingContext {
        checkArgument(step >= 0, "step must be non-negative, got %s", step);
        checkArgument(epoch >= 0, "epoch must be non-negative, got %s", epoch);
        checkArgument(!taskNames.isEmpty(), "at least one task is needed");
        for (ImmutableList<Double> row : lossHistory) {
            checkArgument(row.size() == taskNames.size(),
                    "loss history row has %s values for %s tasks", row.size(), taskNames.size());
        }
    }

    /** @return the number of tasks K */
    public int taskCount() {
        return taskNames.size();
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
