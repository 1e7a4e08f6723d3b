package org.mtl4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableList;

/**
 * The K task losses of one forward pass, the one place that pairs outputs, labels and the presence mask: used by the
 * training loop, the evaluator and {@code MultiTaskLoss}.
 *
 * <p>Labels are {@code [label_1, …, label_K, presence]} with {@code presence} (N, K); outputs are
 * {@code [ŷ_1, …, ŷ_K, extra_1, …]} where the extras are deep-supervision predictions of the tasks listed in
 * {@code deepSupervision} (PAD-Net's intermediate predictions). {@code L_t = loss_t(ŷ_t) + Σ_{a: task(a)=t}
 * loss_t(extra_a)}, each over the samples that have task t's label.
 */
public final class TaskLossCalculator {

    private final ImmutableList<Task> tasks;
    private final ImmutableList<Integer> deepSupervision;

    /**
     * Creates a calculator.
     *
     * @param tasks the tasks in output order
     * @param deepSupervision for each extra output, the index of the task it predicts (empty: none counted)
     */
    public TaskLossCalculator(ImmutableList<Task> tasks, ImmutableList<Integer> deepSupervision) {
        checkArgument(!tasks.isEmpty(), "no tasks");
        for (int t : deepSupervision) {
            checkArgument(t >= 0 && t < tasks.size(), "deep supervision of task %s, but there are %s tasks", t,
                    tasks.size());
        }
        this.tasks = tasks;
        this.deepSupervision = deepSupervision;
    }

    /**
     * The loss of task {@code t} for one prediction.
     *
     * @param t the task index
     * @param prediction the prediction (a main or an extra output)
     * @param labels the batch's labels, presence last
     * @return the scalar loss over the samples that have the label (0 when none has it)
     */
    public NDArray loss(int t, NDArray prediction, NDList labels) {
        return tasks.get(t).loss().compute(prediction, labels.get(t), labels.get(tasks.size()).get(":, " + t));
    }

    /**
     * The K task losses, deep-supervision terms added to their task's loss.
     *
     * @param outputs the network's outputs
     * @param labels the batch's labels, presence last
     * @param checkLabels whether to check each label against its task first (a one-line error naming the task)
     * @return one scalar per task
     */
    public NDList losses(NDList outputs, NDList labels, boolean checkLabels) {
        int k = tasks.size();
        NDArray presence = labels.get(k);
        NDList losses = new NDList(k);
        for (int t = 0; t < k; t++) {
            losses.add(taskLoss(t, outputs, labels.get(t), presence.get(":, " + t), checkLabels));
        }
        return losses;
    }

    /**
     * The loss of one task from a forward pass, its deep-supervision terms added: what multi-input training computes
     * for each task's own batch.
     *
     * @param t the task index
     * @param outputs the network's outputs for the batch
     * @param label the task's label for the batch
     * @param present the (N) mask of the samples that have the label
     * @param checkLabel whether to check the label against the task first
     * @return the scalar loss
     */
    public NDArray taskLoss(int t, NDList outputs, NDArray label, NDArray present, boolean checkLabel) {
        Task task = tasks.get(t);
        if (checkLabel) {
            task.loss().checkLabel(task.name(), outputs.get(t), label);
        }
        NDArray loss = task.loss().compute(outputs.get(t), label, present);
        int k = tasks.size();
        for (int a = 0; a < deepSupervision.size(); a++) {
            if (deepSupervision.get(a) == t) {
                loss = loss.add(task.loss().compute(outputs.get(k + a), label, present));
            }
        }
        return loss;
    }
}
