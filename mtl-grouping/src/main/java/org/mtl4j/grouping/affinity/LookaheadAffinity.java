package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.google.common.collect.ImmutableList;
import java.util.List;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.gradient.TaskGradients;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingHistory;

/**
 * Lookahead inter-task affinity, after Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning"
 * (TAG, NeurIPS 2021): during one joint training run of all tasks, every {@code n} steps, take a step on the shared
 * parameters with one task's gradient alone and measure every task's loss on the same batch,
 *
 * <pre>
 *   Z(i→j) = 1 − L_j(θ_s − η·∇_{θ_s} L_i, θ_j) / L_j(θ_s, θ_j),
 * </pre>
 * then restore the parameters and let training continue untouched; the matrix reported is the mean of {@code Z} over
 * all measurements ({@link #matrix()}). Choose groups from it with {@link AffinityGrouping}. Cost: one joint training
 * plus, every {@code n} steps, one forward pass, {@code K} backward passes and {@code K} forward passes — against the
 * {@code 2^K − 1} trainings of Standley et al.
 *
 * <p>It is a DJL training listener: add it to the trainer of the joint model
 * ({@code model.trainer().addListeners(affinity).fit(train, val)}) or call {@link #train}. The lookahead is plain SGD
 * with rate {@code η} on the shared parameters ({@link MultiTaskBlock#sharedParameters()}), as in the paper's
 * definition; the reference implementation for Taskonomy copies SGD momentum and weight decay into the lookahead and
 * divides the score by the learning rate, a constant factor that does not change the chosen groups. Forward passes run
 * in training mode (batch statistics, as the training step itself sees them); every parameter value (batch-norm
 * running statistics included) and every gradient is restored afterwards, so the training run is the same with and
 * without the measurement. Tasks without labels in a batch are skipped for that measurement.
 */
public final class LookaheadAffinity extends TrainingListenerAdapter {

    private final MultiTaskBlock network;
    private final ImmutableList<Task> tasks;
    private final int every;
    private final float rate;
    private final double[][] sum;
    private final long[][] count;
    private long batches;
    private int measurements;

    /**
     * Creates the listener for a model.
     *
     * @param model the joint model whose training is observed
     * @param every measure on every {@code every}-th training step (the reference: 10), counting from the first
     * @param rate the lookahead step size {@code η}, positive
     */
    public LookaheadAffinity(MultiTaskModel model, int every, float rate) {
        this(checkNotNull(model, "model").network(), model.tasks(), every, rate);
    }

    /**
     * Creates the listener for a network and its tasks.
     *
     * @param network the joint network
     * @param tasks its tasks, in output order
     * @param every measure on every {@code every}-th training step
     * @param rate the lookahead step size {@code η}, positive
     */
    public LookaheadAffinity(MultiTaskBlock network, List<Task> tasks, int every, float rate) {
        this.network = checkNotNull(network, "network");
        this.tasks = ImmutableList.copyOf(checkNotNull(tasks, "tasks"));
        checkArgument(every >= 1, "measure every n steps with n ≥ 1, got %s", every);
        checkArgument(rate > 0 && Float.isFinite(rate), "lookahead rate must be positive, got %s", rate);
        checkArgument(network.taskNames().equals(this.tasks.stream().map(Task::name).toList()),
                "network outputs %s differ from the tasks %s", network.taskNames(),
                this.tasks.stream().map(Task::name).toList());
        this.every = every;
        this.rate = rate;
        int k = this.tasks.size();
        this.sum = new double[k][k];
        this.count = new long[k][k];
    }

    /**
     * Trains a joint model while measuring affinities, and returns them.
     *
     * @param model the joint model (all tasks)
     * @param train the training data
     * @param validation the validation data, or null
     * @param every measure every {@code every} steps
     * @param rate the lookahead step size
     * @return the mean affinities and the training history
     */
    public static Measured train(MultiTaskModel model, RandomAccessDataset train, RandomAccessDataset validation,
            int every, float rate) {
        LookaheadAffinity listener = new LookaheadAffinity(model, every, rate);
        TrainingHistory history = model.trainer().addListeners(listener).fit(train, validation);
        return new Measured(listener.matrix(), history);
    }

    /**
     * Affinities with the run that measured them.
     *
     * @param affinities the mean affinities
     * @param history the training run
     */
    public record Measured(AffinityMatrix affinities, TrainingHistory history) {}

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long b = batches++;
        if (b % every != 0) {
            return;
        }
        Batch batch = batchData.getBatch();
        double[][] z = lookahead(network, tasks, batch.getData(), batch.getLabels(), rate, batch.getManager());
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z.length; j++) {
                if (!Double.isNaN(z[i][j])) {
                    sum[i][j] += z[i][j];
                    count[i][j]++;
                }
            }
        }
        measurements++;
    }

    /** @return the number of lookahead measurements so far */
    public int measurements() {
        return measurements;
    }

    /**
     * The mean affinities so far.
     *
     * @return the matrix (NaN where a pair was never measured)
     */
    public AffinityMatrix matrix() {
        int k = tasks.size();
        double[][] z = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                z[i][j] = count[i][j] == 0 ? Double.NaN : sum[i][j] / count[i][j];
            }
        }
        return new AffinityMatrix(tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList()), z,
                measurements);
    }

    /**
     * One lookahead measurement on one batch: {@code Z(i→j)} for every pair. Must run with autograd on and gradients
     * attached to the parameters (inside a DJL gradient collector of a trainer of this network, as a training
     * listener does). Leaves every parameter value and gradient as it found it.
     *
     * @param network the network
     * @param tasks its tasks, in output order
     * @param inputs the batch inputs
     * @param labels the batch labels, {@code [label_1, …, label_K, presence]}
     * @param rate the lookahead step size {@code η}
     * @param manager a manager for temporary arrays (closed before returning)
     * @return {@code z[i][j] = Z(i→j)}; column {@code j} is NaN when task {@code j} has no label in the batch
     * @throws IllegalStateException if autograd is off
     */
    public static double[][] lookahead(MultiTaskBlock network, List<Task> tasks, NDList inputs, NDList labels,
            float rate, NDManager manager) {
        checkState(JniUtils.isGradMode(), "lookahead affinity needs autograd: call it inside a gradient collector "
                + "(for example as a training listener)");
        int k = tasks.size();
        checkArgument(labels.size() == k + 1, "expected %s task labels and the presence mask, got %s arrays", k,
                labels.size());
        List<Parameter> shared = network.sharedParameters();
        checkArgument(!shared.isEmpty(), "the network reports no shared parameters");
        double[][] z = new double[k][k];
        try (NDManager m = manager.newSubManager()) {
            ParameterSnapshot snapshot = new ParameterSnapshot(network, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray presence = labels.get(k);
            try {
                NDList outputs = network.forward(ps, inputs, true);
                NDList losses = ParameterSnapshot.losses(tasks, outputs, labels, presence);
                double[] before = new double[k];
                for (int j = 0; j < k; j++) {
                    before[j] = losses.get(j).getFloat();
                }
                NDArray g = TaskGradients.ofSharedParameters(losses, shared, m);
                JniUtils.setGradMode(false);
                for (int i = 0; i < k; i++) {
                    long offset = 0;
                    try (NDArray row = g.get(i)) {
                        for (Parameter p : shared) {
                            NDArray w = p.getArray();
                            long size = w.size();
                            try (NDArray part = row.get(offset + ":" + (offset + size)).reshape(w.getShape());
                                    NDArray step = part.mul(rate)) {
                                w.subi(step);
                            }
                            offset += size;
                        }
                    }
                    NDList after = ParameterSnapshot.losses(tasks, network.forward(ps, inputs, true), labels,
                            presence);
                    for (int j = 0; j < k; j++) {
                        double a = after.get(j).getFloat();
                        z[i][j] = before[j] > 0 && Double.isFinite(before[j]) && Double.isFinite(a)
                                ? 1 - a / before[j] : Double.NaN;
                    }
                    snapshot.restore(shared);
                }
            } finally {
                snapshot.restoreAll();
            }
        }
        return z;
    }
}
