package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;

/**
 * The unweighted multi-task loss {@code Σ_k L_k} as a DJL {@link Loss}, over labels
 * {@code [label_1, …, label_K, presence]} and predictions {@code [ŷ_1, …, ŷ_K, …]}. The training loop weights the
 * task losses itself; this class lets DJL's trainer, evaluators and listeners see the multi-task loss.
 */
public final class MultiTaskLoss extends Loss {

    private final ImmutableList<Task> tasks;
    private final TaskLossCalculator calculator;

    /**
     * Creates the loss.
     *
     * @param tasks the tasks in output order
     */
    public MultiTaskLoss(ImmutableList<Task> tasks) {
        super("multi_task_loss");
        this.tasks = tasks;
        this.calculator = new TaskLossCalculator(tasks, ImmutableList.of());
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        Evaluator.checkLabels(labels, tasks);
        NDArray total = null;
        for (NDArray l : calculator.losses(predictions, labels, false)) {
            total = total == null ? l : total.add(l);
        }
        return total;
    }
}
