package org.mtl4j.core.evaluation;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;
import org.mtl4j.core.task.TaskMetric;

/**
 * Streams a data set through a multi-task model (inference mode, no autograd) and accumulates every task's loss and
 * metrics over the whole split. Each batch lives in its own manager, closed after use.
 *
 * <p>Data sets give, per sample, {@code data = [input]} and {@code labels = [label_1, …, label_K, presence]} where
 * {@code presence} has shape {@code (K)} (1 = labelled); batched, it is {@code (N, K)}.
 */
public final class Evaluator {

    private Evaluator() {}

    /**
     * Evaluates {@code network} on {@code dataset}.
     *
     * @param network the initialised model
     * @param tasks the tasks in output order
     * @param dataset the data
     * @param batchSize the batch size
     * @param manager a manager on the model's device; batches open sub-managers of it
     * @return the results
     */
    public static EvaluationResult evaluate(MultiTaskBlock network, List<Task> tasks, RandomAccessDataset dataset,
            int batchSize, NDManager manager) {
        ParameterStore ps = new ParameterStore(manager, false);
        return evaluate((data, labels) -> network.forward(ps, data, false), tasks, dataset, batchSize, manager);
    }

    /** Gives predictions for a batch: one array per task. */
    @FunctionalInterface
    public interface Predictor {
        /**
         * Predicts a batch.
         *
         * @param data the batch inputs
         * @param labels the batch labels (for shape only; a predictor must not read their values)
         * @return one prediction per task
         */
        NDList predict(NDList data, NDList labels);
    }

    /**
     * Evaluates any predictor on {@code dataset}.
     *
     * @param predictor the predictor
     * @param tasks the tasks in output order
     * @param dataset the data
     * @param batchSize the batch size
     * @param manager a manager; batches open sub-managers of it
     * @return the results
     */
    public static EvaluationResult evaluate(Predictor predictor, List<Task> tasks, RandomAccessDataset dataset,
            int batchSize, NDManager manager) {
        checkArgument(dataset.size() > 0, "cannot evaluate on an empty data set");
        int k = tasks.size();
        TaskLossCalculator calculator = new TaskLossCalculator(ImmutableList.copyOf(tasks), ImmutableList.of());
        double[] lossSum = new double[k];
        double[] lossCount = new double[k];
        List<List<MetricAccumulator>> acc = new ArrayList<>();
        for (Task t : tasks) {
            List<MetricAccumulator> row = new ArrayList<>();
            for (TaskMetric m : t.metrics()) {
                row.add(m.newAccumulator());
            }
            acc.add(row);
        }
        try {
            for (Batch batch : dataset.getData(manager, new BatchSampler(new SequenceSampler(), batchSize, false))) {
                try (batch) {
                    NDList labels = batch.getLabels();
                    checkLabels(labels, tasks);
                    NDList preds = predictor.predict(batch.getData(), labels);
                    NDArray presence = labels.get(k);
                    float[] counts = presence.sum(new int[] {0}).toFloatArray();
                    for (int t = 0; t < k; t++) {
                        NDArray present = presence.get(":, " + t);
                        if (counts[t] > 0) {
                            float l = calculator.loss(t, preds.get(t), labels).getFloat();
                            lossSum[t] += (double) l * counts[t];
                            lossCount[t] += counts[t];
                        }
                        for (MetricAccumulator a : acc.get(t)) {
                            a.update(preds.get(t), labels.get(t), present);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException("could not read the evaluation data: " + e.getMessage(), e);
        }
        ImmutableMap.Builder<String, TaskResult> out = ImmutableMap.builder();
        for (int t = 0; t < k; t++) {
            ImmutableMap.Builder<String, Double> metrics = ImmutableMap.builder();
            ImmutableList<TaskMetric> defs = tasks.get(t).metrics();
            for (int m = 0; m < defs.size(); m++) {
                metrics.put(defs.get(m).name(), acc.get(t).get(m).value());
            }
            double loss = lossCount[t] == 0 ? Double.NaN : lossSum[t] / lossCount[t];
            out.put(tasks.get(t).name(), new TaskResult(loss, metrics.build()));
        }
        return new EvaluationResult(out.build());
    }

    /**
     * Checks the label layout of a batch: K task labels followed by the {@code (N, K)} presence mask.
     *
     * @param labels the batch labels
     * @param tasks the tasks
     * @throws IllegalArgumentException describing the expected layout
     */
    public static void checkLabels(NDList labels, List<Task> tasks) {
        int k = tasks.size();
        if (labels.size() != k + 1) {
            throw new IllegalArgumentException(String.format(
                    "the data set gives %d label arrays per batch; expected %d: one per task %s followed by the "
                            + "(N, %d) presence mask", labels.size(), k + 1,
                    tasks.stream().map(Task::name).toList(), k));
        }
        NDArray presence = labels.get(k);
        if (presence.getShape().dimension() != 2 || presence.getShape().get(1) != k) {
            throw new IllegalArgumentException(String.format(
                    "the presence mask has shape %s; expected (N, %d), one column per task %s",
                    presence.getShape(), k, tasks.stream().map(Task::name).toList()));
        }
    }
}
