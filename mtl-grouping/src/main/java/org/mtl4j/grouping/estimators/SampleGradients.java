package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.gradient.TaskGradients;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;

/**
 * The engine side of Grad-TAE ({@link GradTae}): per-sample loss gradients of every task with respect to a network's
 * shared parameters at its current values {@code θ*}, projected to {@code d} features on the device, and the
 * evaluation of the network at shifted shared parameters {@code θ* + Mᵀw}.
 *
 * <p><b>Per-sample gradients.</b> Samples are visited one at a time in dataset order (batch size 1, so no sample's
 * gradient mixes with another's), in inference mode (batch-norm running statistics, no dropout: the network as it is
 * evaluated), with autograd on: one forward pass, the {@code K} task losses of the sample, then task by task a backward
 * pass with the graph kept ({@link TaskGradients#ofSharedParameters}), giving the {@code K × D} gradient matrix, which
 * is multiplied on the device by {@code Mᵀ} ({@code D × d}) — only {@code d} numbers per sample and task leave the
 * device. A sample contributes to a task only where it carries the task's label. Cost: {@code N} forward and
 * {@code N·K} backward passes of one sample, plus {@code 2·N·K·D·d} flops of projection.
 *
 * <p>Every array belongs to a sub-manager of the caller's manager (one per sample, closed after it); the projection
 * matrix lives on the manager's device for the duration of a call. The parameters' gradients are left at zero.
 */
public final class SampleGradients {

    private SampleGradients() {}

    /**
     * The total size {@code D} of the shared parameters.
     *
     * @param network the network
     * @return {@code D}
     */
    public static long dimension(MultiTaskBlock network) {
        long d = 0;
        for (Parameter p : network.sharedParameters()) {
            d += p.getArray().size();
        }
        return d;
    }

    /**
     * Collects projected per-sample gradients of every task.
     *
     * @param network the network at {@code θ*}, initialised
     * @param tasks its tasks, in output order
     * @param links the link of each task, in task order
     * @param data the samples, labelled in the mtl4j layout ({@code [label_1 … label_K, presence]})
     * @param projection {@code M}, with {@code D} = the shared parameters' total size
     * @param maxPerTask the most samples per task (the first labelled ones in dataset order), or 0 for all
     * @param manager a manager on the network's device
     * @return one entry per task, in task order
     * @throws IllegalArgumentException when a task has no labelled sample or the projection does not fit
     * @throws IllegalStateException when called inside another gradient collector (DJL allows one at a time): call
     *     it after training, not from a training listener
     */
    public static ImmutableList<ProjectedSamples> collect(MultiTaskBlock network, List<Task> tasks,
            List<LossLink> links, RandomAccessDataset data, GradientProjection projection, int maxPerTask,
            NDManager manager) {
        checkNotNull(network, "network");
        checkArgument(links.size() == tasks.size(), "%s links for %s tasks", links.size(), tasks.size());
        checkArgument(maxPerTask >= 0, "the samples per task must be non-negative, got %s", maxPerTask);
        List<Parameter> shared = network.sharedParameters();
        checkArgument(!shared.isEmpty(), "the network reports no shared parameters");
        long dim = dimension(network);
        checkArgument(dim == projection.inputDimension(), "the shared parameters have %s values but the projection "
                + "takes %s", dim, projection.inputDimension());
        int k = tasks.size();
        int d = projection.outputDimension();
        TaskLossCalculator calculator = new TaskLossCalculator(ImmutableList.copyOf(tasks), ImmutableList.of());
        List<List<double[]>> features = new ArrayList<>();
        List<List<Double>> losses = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            features.add(new ArrayList<>());
            losses.add(new ArrayList<>());
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray mt = projection.toArray(scope).transpose();
            ParameterStore ps = new ParameterStore(scope, false);
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                defineGradients(collector, shared, scope);
                for (Batch batch : data.getData(scope, new BatchSampler(new SequenceSampler(), 1, false))) {
                    try (batch; NDManager step = scope.newSubManager()) {
                        NDList labels = batch.getLabels();
                        Evaluator.checkLabels(labels, tasks);
                        float[] present = labels.get(k).toFloatArray();
                        List<Integer> wanted = new ArrayList<>();
                        for (int t = 0; t < k; t++) {
                            if (present[t] > 0 && (maxPerTask == 0 || losses.get(t).size() < maxPerTask)) {
                                wanted.add(t);
                            }
                        }
                        if (wanted.isEmpty()) {
                            if (maxPerTask > 0 && allFull(losses, maxPerTask)) {
                                break;
                            }
                            continue;
                        }
                        NDList outputs = network.forward(ps, batch.getData(), false);
                        NDList taskLosses = new NDList(wanted.size());
                        for (int t : wanted) {
                            taskLosses.add(calculator.loss(t, outputs.get(t), labels));
                        }
                        double[] values = new double[wanted.size()];
                        for (int i = 0; i < values.length; i++) {
                            values[i] = taskLosses.get(i).getFloat();
                        }
                        NDArray g = TaskGradients.ofSharedParameters(taskLosses, shared, step);
                        float[] projected = g.matMul(mt).toFloatArray();
                        for (int i = 0; i < values.length; i++) {
                            int t = wanted.get(i);
                            double[] row = new double[d];
                            for (int j = 0; j < d; j++) {
                                row[j] = projected[i * d + j];
                            }
                            features.get(t).add(row);
                            losses.get(t).add(values[i]);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (TranslateException e) {
                throw new IllegalStateException("could not read the data: " + e.getMessage(), e);
            } finally {
                TaskGradients.zeroGradients(shared);
            }
        }
        ImmutableList.Builder<ProjectedSamples> out = ImmutableList.builder();
        for (int t = 0; t < k; t++) {
            checkArgument(!losses.get(t).isEmpty(), "task %s has no labelled sample", tasks.get(t).name());
            double[] l = losses.get(t).stream().mapToDouble(Double::doubleValue).toArray();
            out.add(new ProjectedSamples(tasks.get(t).name(), links.get(t), l,
                    features.get(t).toArray(new double[0][])));
        }
        return out.build();
    }

    private static boolean allFull(List<List<Double>> losses, int max) {
        for (List<Double> l : losses) {
            if (l.size() < max) {
                return false;
            }
        }
        return true;
    }

    /**
     * Gives every shared parameter a (zero) gradient, so that zeroing and reading gradients works on a network that
     * has never been trained: back-propagates {@code 0·Σ_p Σ θ_p}.
     */
    private static void defineGradients(GradientCollector collector, List<Parameter> shared, NDManager manager) {
        try (NDManager m = manager.newSubManager()) {
            NDArray zero = EngineArrays.scalar(m, 0f);
            NDArray total = null;
            for (Parameter p : shared) {
                NDArray sum = p.getArray().sum();
                sum.attach(m);
                NDArray s = sum.mul(zero);
                total = total == null ? s : total.add(s);
            }
            collector.backward(total);
        }
        TaskGradients.zeroGradients(shared);
    }

    /**
     * Evaluates the network with its shared parameters moved to {@code θ* + Δθ}, then restores them (bit for bit).
     *
     * @param network the network at {@code θ*}
     * @param tasks its tasks
     * @param data the samples
     * @param step {@code Δθ}, length {@code D}, in the order of {@link MultiTaskBlock#sharedParameters()}
     * @param batchSize the evaluation batch size
     * @param manager a manager on the network's device
     * @return every task's mean loss and metrics at {@code θ* + Δθ}
     */
    public static EvaluationResult evaluateShifted(MultiTaskBlock network, List<Task> tasks, RandomAccessDataset data,
            double[] step, int batchSize, NDManager manager) {
        List<Parameter> shared = network.sharedParameters();
        long dim = dimension(network);
        checkArgument(step.length == dim, "a step of %s values for %s shared parameter values", step.length, dim);
        boolean grad = JniUtils.isGradMode();
        try (NDManager scope = manager.newSubManager()) {
            JniUtils.setGradMode(false);
            List<NDArray> saved = new ArrayList<>();
            for (Parameter p : shared) {
                NDArray copy = p.getArray().duplicate();
                copy.attach(scope);
                saved.add(copy);
            }
            try {
                float[] f = new float[step.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) step[i];
                }
                NDArray delta = EngineArrays.create(scope, f);
                long offset = 0;
                for (Parameter p : shared) {
                    NDArray w = p.getArray();
                    long size = w.size();
                    try (NDArray part = delta.get(offset + ":" + (offset + size)).reshape(w.getShape())) {
                        w.addi(part);
                    }
                    offset += size;
                }
                return Evaluator.evaluate(network, tasks, data, batchSize, scope);
            } finally {
                for (int i = 0; i < shared.size(); i++) {
                    shared.get(i).getArray().set(new NDIndex("..."), saved.get(i));
                }
                JniUtils.setGradMode(grad);
            }
        }
    }
}
