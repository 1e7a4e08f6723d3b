package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import com.google.common.collect.ImmutableList;
import java.util.Map;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;
import org.mtl4j.core.task.TaskMetric;
import org.mtl4j.core.weighting.MetricSample;

/** A step of single-input training: one batch, labels {@code [label_1, …, label_K, presence (N, K)]}. */
final class InputBatch extends StepBatch {

    private final Batch batch;
    private final ImmutableList<Task> tasks;
    private final TaskLossCalculator calculator;
    private final int networkOutputs;
    private final NDList labels;
    private final float[] counts;
    private NDList outputs;

    InputBatch(Batch batch, ImmutableList<Task> tasks, TaskLossCalculator calculator, int networkOutputs) {
        this.batch = batch;
        this.tasks = tasks;
        this.calculator = calculator;
        this.networkOutputs = networkOutputs;
        this.labels = batch.getLabels();
        Evaluator.checkLabels(labels, tasks);
        this.counts = labels.get(tasks.size()).sum(new int[] {0}).toFloatArray();
    }

    @Override
    NDManager manager() {
        return batch.getManager();
    }

    @Override
    float[] counts() {
        return counts;
    }

    @Override
    Forward forward(Trainer trainer, boolean checkLabels, NDManager into) {
        boolean own = into == manager();
        NDList out = trainer.forward(own ? batch.getData() : views(batch.getData(), into));
        if (own) {
            outputs = out;
        }
        NDList strategy = new NDList();
        for (int i = networkOutputs; i < out.size(); i++) {
            strategy.add(out.get(i));
        }
        return new Forward(calculator.losses(out, own ? labels : views(labels, into), checkLabels), strategy);
    }

    @Override
    ImmutableList<MetricSample> metrics() {
        NDArray presence = labels.get(tasks.size());
        ImmutableList.Builder<MetricSample> b = ImmutableList.builder();
        for (int t = 0; t < tasks.size(); t++) {
            TaskMetric metric = tasks.get(t).primaryMetric();
            double value = Double.NaN;
            if (counts[t] > 0) {
                MetricAccumulator acc = metric.newAccumulator();
                acc.update(outputs.get(t).stopGradient(), labels.get(t), presence.get(":, " + t));
                value = acc.value();
            }
            b.add(new MetricSample(metric.name(), value, metric.higherIsBetter()));
        }
        return b.build();
    }

    @Override
    void notifyListeners(Trainer trainer) {
        trainer.notifyListeners(l -> l.onTrainingBatch(trainer, new TrainingListener.BatchData(batch,
                Map.of(manager().getDevice(), labels), Map.of(manager().getDevice(), outputs))));
    }

    @Override
    public void close() {
        batch.close();
    }
}
