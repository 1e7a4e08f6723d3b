package org.mtl4j.core.monitor;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableDoubleArray;
import java.util.Optional;

/**
 * One optimiser step as a {@link GradientObserver} sees it.
 *
 * <p>In the gradient modes {@code cosines} holds the K×K matrix of pairwise cosine similarities of the task gradients
 * the strategy received, {@code cos_ij = g_i·g_j / (‖g_i‖ ‖g_j‖)} (row-major), NaN where a task is absent from the batch
 * or its gradient is zero; a pair {@code i < j} of present tasks <em>conflicts</em> when {@code cos_ij < 0}. In loss
 * mode there are no per-task gradients and {@code cosines} is empty.
 *
 * @param step the global optimiser step, from 0
 * @param epoch the epoch, from 0
 * @param taskNames the tasks in output order
 * @param losses the K unweighted task losses of the step (0 for absent tasks)
 * @param weights the K weights the strategy reported (NaN where a method has none)
 * @param present per task, whether the batch had labels for it
 * @param cosines the K×K cosine matrix, row-major; empty in loss mode
 */
public record StepRecord(long step, int epoch, ImmutableList<String> taskNames, ImmutableDoubleArray losses,
        ImmutableDoubleArray weights, ImmutableList<Boolean> present, Optional<ImmutableDoubleArray> cosines) {

    /**
     * Validates the record.
     *
     * @param step the global optimiser step, from 0
     * @param epoch the epoch, from 0
     * @param taskNames the tasks in output order
     * @param losses the K unweighted task losses
     * @param weights the K weights
     * @param present per task, whether the batch had labels for it
     * @param cosines the K×K cosine matrix, row-major; empty in loss mode
     */
    public StepRecord {
        checkNotNull(taskNames, "task names");
        int k = taskNames.size();
        checkArgument(losses.length() == k, "%s losses for %s tasks", losses.length(), k);
        checkArgument(weights.length() == k, "%s weights for %s tasks", weights.length(), k);
        checkArgument(present.size() == k, "%s presence flags for %s tasks", present.size(), k);
        checkArgument(cosines.isEmpty() || cosines.get().length() == k * k, "cosine matrix of %s values for %s tasks",
                cosines.map(ImmutableDoubleArray::length).orElse(0), k);
    }

    /**
     * The record of a step from its Gram matrix.
     *
     * @param step the global step
     * @param epoch the epoch
     * @param taskNames the tasks
     * @param losses the task losses
     * @param weights the strategy's weights
     * @param present per task, whether it had labels
     * @param gram the K×K Gram matrix of the task gradients, or null in loss mode
     * @return the record
     */
    public static StepRecord of(long step, int epoch, ImmutableList<String> taskNames, double[] losses,
            double[] weights, boolean[] present, double[][] gram) {
        ImmutableList.Builder<Boolean> p = ImmutableList.builder();
        for (boolean b : present) {
            p.add(b);
        }
        return new StepRecord(step, epoch, taskNames, ImmutableDoubleArray.copyOf(losses),
                ImmutableDoubleArray.copyOf(weights), p.build(),
                gram == null ? Optional.empty() : Optional.of(ImmutableDoubleArray.copyOf(cosines(gram, present))));
    }

    /**
     * Cosine similarities from a Gram matrix: {@code G_ij / √(G_ii G_jj)}, NaN for absent tasks and zero gradients.
     *
     * @param gram the K×K Gram matrix
     * @param present per task, whether it takes part
     * @return the K×K cosines, row-major
     */
    public static double[] cosines(double[][] gram, boolean[] present) {
        int k = gram.length;
        double[] c = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double d = Math.sqrt(gram[i][i] * gram[j][j]);
                boolean ok = present[i] && present[j] && d > 0 && Double.isFinite(d);
                c[i * k + j] = ok ? Math.max(-1, Math.min(1, gram[i][j] / d)) : Double.NaN;
            }
        }
        return c;
    }

    /** @return the number of tasks K */
    public int taskCount() {
        return taskNames.size();
    }

    /**
     * The cosine of two tasks' gradients.
     *
     * @param i a task index
     * @param j a task index
     * @return {@code cos_ij}, NaN where undefined or in loss mode
     */
    public double cosine(int i, int j) {
        return cosines.map(c -> c.get(i * taskCount() + j)).orElse(Double.NaN);
    }

    /** @return the pairs {@code i < j} whose gradients have a negative cosine (0 in loss mode) */
    public int conflictingPairs() {
        int n = 0;
        for (int i = 0; i < taskCount(); i++) {
            for (int j = i + 1; j < taskCount(); j++) {
                if (cosine(i, j) < 0) {
                    n++;
                }
            }
        }
        return n;
    }
}
