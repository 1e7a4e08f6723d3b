package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * What one epoch of multi-input training is: one pass over a chosen task's data set, one pass over the data set that
 * takes the most steps (the default: every data set is seen at least once per epoch), or a fixed number of steps.
 * Validation, checkpoints and the learning-rate schedule count in these epochs.
 *
 * @param task the task whose data set defines the epoch, or null
 * @param steps the fixed number of steps, or 0
 */
public record EpochLength(String task, long steps) {

    /** Validates: at most one of task and steps. */
    public EpochLength {
        checkArgument(steps >= 0, "steps per epoch must be positive, got %s", steps);
        checkArgument(task == null || steps == 0, "an epoch is either a task's pass or a step count, not both");
    }

    /** @return an epoch is one pass over the data set that needs the most steps */
    public static EpochLength longestTask() {
        return new EpochLength(null, 0);
    }

    /**
     * @param task the task
     * @return an epoch is one pass over that task's data set
     */
    public static EpochLength ofTask(String task) {
        return new EpochLength(checkNotNull(task, "task"), 0);
    }

    /**
     * @param steps the steps, positive
     * @return an epoch is that many steps
     */
    public static EpochLength steps(long steps) {
        checkArgument(steps > 0, "steps per epoch must be positive, got %s", steps);
        return new EpochLength(null, steps);
    }

    /**
     * The optimiser steps of one epoch.
     *
     * @param tasks the task names, in order
     * @param sizes their data set sizes
     * @param batchSizes their per-step batch sizes
     * @return the steps
     * @throws IllegalArgumentException when the chosen task is not among {@code tasks}
     */
    public long stepsPerEpoch(List<String> tasks, long[] sizes, int[] batchSizes) {
        if (steps > 0) {
            return steps;
        }
        if (task != null) {
            int t = tasks.indexOf(task);
            checkArgument(t >= 0, "the epoch is defined by task '%s', which has no input; tasks: %s", task, tasks);
            return ceilDiv(sizes[t], batchSizes[t]);
        }
        long most = 1;
        for (int t = 0; t < sizes.length; t++) {
            most = Math.max(most, ceilDiv(sizes[t], batchSizes[t]));
        }
        return most;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
