package org.mtl4j.core.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;

/**
 * The trivial baseline every trained task must beat: predict, for every sample, the training mean of the label
 * (per channel) — or, for class-index tasks (cross-entropy), the training class frequencies, whose arg-max is the
 * majority class. Labels equal to −1 and absent samples are skipped when the statistics are gathered.
 */
public final class MeanPredictor {

    private MeanPredictor() {}

    /**
     * Gathers the training statistics and evaluates the constant prediction on {@code evaluation}.
     *
     * @param tasks the tasks
     * @param train the data the statistics come from
     * @param evaluation the data to score on
     * @param batchSize the batch size
     * @param manager a manager
     * @return the results of the constant prediction
     */
    public static EvaluationResult evaluate(List<Task> tasks, RandomAccessDataset train,
            RandomAccessDataset evaluation, int batchSize, NDManager manager) {
        int k = tasks.size();
        double[][] sums = new double[k][];
        double[] counts = new double[k];
        for (int t = 0; t < k; t++) {
            sums[t] = new double[tasks.get(t).channels()];
        }
        try {
            for (Batch batch : train.getData(manager, new BatchSampler(new SequenceSampler(), batchSize, false))) {
                try (batch) {
                    NDList labels = batch.getLabels();
                    Evaluator.checkLabels(labels, tasks);
                    float[] presence = labels.get(k).toFloatArray();
                    for (int t = 0; t < k; t++) {
                        accumulate(tasks.get(t), labels.get(t), presence, t, k, sums[t], counts, t);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException("could not read the training data: " + e.getMessage(), e);
        }
        float[][] constant = new float[k][];
        for (int t = 0; t < k; t++) {
            constant[t] = new float[sums[t].length];
            boolean classes = isClassIndex(tasks.get(t));
            for (int c = 0; c < sums[t].length; c++) {
                double mean = counts[t] == 0 ? 0 : sums[t][c] / counts[t];
                constant[t][c] = classes ? (float) Math.log(mean + 1e-6) : (float) mean;
            }
        }
        return Evaluator.evaluate((data, labels) -> {
            long n = data.head().getShape().get(0);
            NDList out = new NDList(k);
            for (int t = 0; t < k; t++) {
                Task task = tasks.get(t);
                Shape ls = labels.get(t).getShape();
                long[] dims;
                if (task.kind() == OutputKind.DENSE) {
                    long h = ls.get(ls.dimension() - 2);
                    long w = ls.get(ls.dimension() - 1);
                    dims = new long[] {n, task.channels(), h, w};
                } else {
                    dims = new long[] {n, task.channels()};
                }
                Shape perChannel = task.kind() == OutputKind.DENSE ? new Shape(1, task.channels(), 1, 1)
                        : new Shape(1, task.channels());
                // engine-owned memory: broadcast() is a view, and a view of an array made from a Java array would
                // outlive the direct buffer behind it
                NDArray c = EngineArrays.create(labels.get(t).getManager(), constant[t], perChannel);
                out.add(c.broadcast(new Shape(dims)));
            }
            return out;
        }, tasks, evaluation, batchSize, manager);
    }

    private static boolean isClassIndex(Task task) {
        return task.loss().name().equals(TaskLosses.crossEntropy().name());
    }

    private static void accumulate(Task task, NDArray label, float[] presence, int column, int k, double[] sums,
            double[] counts, int t) {
        int n = (int) label.getShape().get(0);
        float[] values = label.toType(DataType.FLOAT32, false).toFloatArray();
        int perSample = values.length / n;
        if (isClassIndex(task)) {
            for (int i = 0; i < values.length; i++) {
                if (presence[(i / perSample) * k + column] == 0f) {
                    continue;
                }
                int y = (int) values[i];
                if (y >= 0 && y < sums.length) {
                    sums[y]++;
                    counts[t]++;
                }
            }
            return;
        }
        int channels = sums.length;
        int perChannel = perSample / channels;
        for (int i = 0; i < n; i++) {
            if (presence[i * k + column] == 0f) {
                continue;
            }
            for (int c = 0; c < channels; c++) {
                int base = i * perSample + c * perChannel;
                for (int j = 0; j < perChannel; j++) {
                    sums[c] += values[base + j];
                }
            }
            counts[t] += perChannel;
        }
    }
}
