package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;
import org.mtl4j.core.task.TaskMetric;
import org.mtl4j.core.weighting.MetricSample;

/**
 * A step of multi-input training: one batch per task, each in the single-task layout {@code [label, presence (N, 1)]}.
 * The task batches are stacked into one input batch and go through the network in one pass; task t's loss is computed
 * on the rows of task t's batch only. One pass (rather than one per task) is cheaper, and it keeps batch
 * normalisation consistent: its batch statistics in training and its running statistics in evaluation both describe
 * the mixture of the tasks' inputs.
 */
final class MultiInputBatch extends StepBatch {

    private final List<Batch> batches;
    private final ImmutableList<Task> tasks;
    private final TaskLossCalculator calculator;
    private final int networkOutputs;
    private final NDManager manager;
    private final float[] counts;
    private final int[] offsets;
    private NDList outputs;

    MultiInputBatch(List<Batch> batches, ImmutableList<Task> tasks, TaskLossCalculator calculator, int networkOutputs,
            NDManager parent) {
        this.batches = batches;
        this.tasks = tasks;
        this.calculator = calculator;
        this.networkOutputs = networkOutputs;
        this.manager = parent.newSubManager();
        this.counts = new float[tasks.size()];
        this.offsets = new int[tasks.size() + 1];
        for (int t = 0; t < tasks.size(); t++) {
            NDList labels = batches.get(t).getLabels();
            Evaluator.checkLabels(labels, List.of(tasks.get(t)));
            counts[t] = labels.get(1).sum().getFloat();
            offsets[t + 1] = offsets[t] + Math.toIntExact(labels.get(0).getShape().get(0));
        }
    }

    @Override
    NDManager manager() {
        return manager;
    }

    @Override
    float[] counts() {
        return counts;
    }

    @Override
    Forward forward(Trainer trainer, boolean checkLabels, NDManager into) {
        boolean own = into == manager;
        NDList inputs = new NDList(tasks.size());
        for (Batch b : batches) {
            inputs.add(b.getData().singletonOrThrow());
        }
        NDArray stacked = NDArrays.concat(inputs);
        stacked.attach(into);
        NDList out = trainer.forward(new NDList(stacked));
        if (own) {
            outputs = out;
        }
        NDList losses = new NDList(tasks.size());
        for (int t = 0; t < tasks.size(); t++) {
            NDList labels = own ? batches.get(t).getLabels() : views(batches.get(t).getLabels(), into);
            losses.add(calculator.taskLoss(t, rows(out, t), labels.get(0), labels.get(1).get(":, 0"), checkLabels));
        }
        NDList strategy = new NDList();
        for (int i = networkOutputs; i < out.size(); i++) {
            strategy.add(out.get(i));
        }
        return new Forward(losses, strategy);
    }

    /** The network's outputs (the task and deep-supervision ones) for task t's rows of the stacked batch. */
    private NDList rows(NDList out, int t) {
        NDList rows = new NDList(networkOutputs);
        for (int i = 0; i < networkOutputs; i++) {
            rows.add(out.get(i).get(offsets[t] + ":" + offsets[t + 1]));
        }
        return rows;
    }

    private NDList rows(int t) {
        return rows(outputs, t);
    }

    @Override
    ImmutableList<MetricSample> metrics() {
        ImmutableList.Builder<MetricSample> b = ImmutableList.builder();
        for (int t = 0; t < tasks.size(); t++) {
            TaskMetric metric = tasks.get(t).primaryMetric();
            double value = Double.NaN;
            if (counts[t] > 0) {
                NDList labels = batches.get(t).getLabels();
                MetricAccumulator acc = metric.newAccumulator();
                acc.update(rows(t).get(t).stopGradient(), labels.get(0), labels.get(1).get(":, 0"));
                value = acc.value();
            }
            b.add(new MetricSample(metric.name(), value, metric.higherIsBetter()));
        }
        return b.build();
    }

    /** Listeners hear of each task's batch in turn, with that batch's labels and the network's outputs for its rows. */
    @Override
    void notifyListeners(Trainer trainer) {
        for (int t = 0; t < tasks.size(); t++) {
            Batch batch = batches.get(t);
            NDList out = rows(t);
            trainer.notifyListeners(l -> l.onTrainingBatch(trainer, new TrainingListener.BatchData(batch,
                    Map.of(manager.getDevice(), batch.getLabels()), Map.of(manager.getDevice(), out))));
        }
    }

    @Override
    public void close() {
        batches.forEach(Batch::close);
        manager.close();
    }
}
