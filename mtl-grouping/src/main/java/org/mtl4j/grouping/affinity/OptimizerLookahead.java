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
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.gradient.TaskGradients;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.CheckpointableOptimizer;
import org.mtl4j.core.training.OptimizerAware;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.grouping.affinity.TransferGains.Source;

/**
 * Optimiser-aware lookahead transfer gains, after Wang, Pan and Yu, "Towards Principled Task Grouping for Multi-Task
 * Learning" (arXiv 2402.15328, 2024): during one joint training run of all tasks, every {@code n} steps, for every
 * update source {@code S} — each task alone, each pair of tasks and (optionally) each task paired with itself — take
 * the update the run's optimiser would make from the gradient of {@code Σ_{k ∈ S} L_k} on the shared parameters,
 * apply it to them, and measure every task's loss on the same batch:
 *
 * <pre>
 *   G(S → t) = 1 − L_t(θ_s + Δ_S, θ_t) / L_t(θ_s, θ_t),
 *   Δ_S = CheckpointableOptimizer.lookahead(θ_s, ∇_{θ_s} Σ_{k ∈ S} L_k) − θ_s,
 * </pre>
 * then restore the parameters. {@code Δ_S} is computed with the optimiser's own kernel, update number, learning-rate
 * schedule, weight decay and a copy of its state (Adam's moments and bias correction, SGD's momentum buffer), so it is
 * exactly the update the next optimiser step would make with that gradient; the optimiser itself is not changed. This
 * is the difference from TAG ({@link LookaheadAffinity}: a plain SGD step {@code −η∇L_i}, single tasks only). The
 * averages over all measurements are {@link #gains()}; choose groups from them with {@link OverlappingGroups} (via
 * {@link TransferGains#groupValues}).
 *
 * <p>It is a DJL training listener that needs the run's optimiser: add it to a {@link MultiTaskModel}'s trainer
 * ({@code model.trainer().addListeners(lookahead).fit(train, val)}), which hands the optimiser over
 * ({@link OptimizerAware}), or call {@link #train}. As in {@link LookaheadAffinity}: only the shared parameters
 * ({@link MultiTaskBlock#sharedParameters()}) move, as the paper's CelebA code moves the shared encoder (its Taskonomy
 * code also steps the task heads); forward passes run in training mode (batch statistics); every parameter value
 * (batch-norm running statistics included) and gradient is restored afterwards, so training is the same with and
 * without the measurement (unless the network draws random numbers in training mode, e.g. dropout). A source with a
 * task that has no label in the batch, and a target without labels, are skipped for that measurement. The run's
 * gradient clipping by global norm is not applied to {@code Δ_S}.
 *
 * <p>Cost per measurement: one forward pass and {@code K} backward passes (the per-task gradients on the shared
 * parameters), then one optimiser lookahead and one forward pass per source: {@code K + K(K−1)/2} sources
 * ({@code + K} self-pairs) — 20 forward passes for five tasks with self-pairs. Memory: the {@code K × D} gradient
 * matrix and one copy of the parameters and of the optimiser's state of one parameter at a time.
 */
public final class OptimizerLookahead extends TrainingListenerAdapter implements OptimizerAware {

    private final MultiTaskBlock network;
    private final ImmutableList<Task> tasks;
    private final int every;
    private final ImmutableList<Source> sources;
    private final double[][] sum;
    private final long[][] count;
    private CheckpointableOptimizer optimizer;
    private long batches;
    private int measurements;

    /**
     * Creates the listener for a model.
     *
     * @param model the joint model whose training is observed
     * @param every measure on every {@code every}-th training step, counting from the first
     * @param selfPairs whether to measure each task paired with itself ({@code {i, i}}, the paper's code does)
     */
    public OptimizerLookahead(MultiTaskModel model, int every, boolean selfPairs) {
        this(checkNotNull(model, "model").network(), model.tasks(), every, selfPairs);
    }

    /**
     * Creates the listener for a network and its tasks.
     *
     * @param network the joint network
     * @param tasks its tasks, in output order
     * @param every measure on every {@code every}-th training step
     * @param selfPairs whether to measure each task paired with itself
     */
    public OptimizerLookahead(MultiTaskBlock network, List<Task> tasks, int every, boolean selfPairs) {
        this.network = checkNotNull(network, "network");
        this.tasks = ImmutableList.copyOf(checkNotNull(tasks, "tasks"));
        checkArgument(every >= 1, "measure every n steps with n ≥ 1, got %s", every);
        checkArgument(network.taskNames().equals(this.tasks.stream().map(Task::name).toList()),
                "network outputs %s differ from the tasks %s", network.taskNames(),
                this.tasks.stream().map(Task::name).toList());
        this.every = every;
        this.sources = TransferGains.sources(this.tasks.size(), selfPairs);
        this.sum = new double[sources.size()][this.tasks.size()];
        this.count = new long[sources.size()][this.tasks.size()];
    }

    /**
     * Trains a joint model while measuring transfer gains, and returns them.
     *
     * @param model the joint model (all tasks)
     * @param train the training data
     * @param validation the validation data, or null
     * @param every measure every {@code every} steps
     * @param selfPairs whether to measure each task paired with itself
     * @return the mean gains and the training history
     */
    public static Measured train(MultiTaskModel model, RandomAccessDataset train, RandomAccessDataset validation,
            int every, boolean selfPairs) {
        OptimizerLookahead listener = new OptimizerLookahead(model, every, selfPairs);
        TrainingHistory history = model.trainer().addListeners(listener).fit(train, validation);
        return new Measured(listener.gains(), history);
    }

    /**
     * Gains with the run that measured them.
     *
     * @param gains the mean gains
     * @param history the training run
     */
    public record Measured(TransferGains gains, TrainingHistory history) {}

    @Override
    public void optimizerCreated(CheckpointableOptimizer run) {
        this.optimizer = checkNotNull(run, "optimizer");
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        // the optimiser's moments are freed with the run
        optimizer = null;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        long b = batches++;
        if (b % every != 0) {
            return;
        }
        checkState(optimizer != null, "optimiser-aware lookahead needs the run's optimiser: add the listener to a "
                + "MultiTaskModel's trainer (MultiTaskTrainer.addListeners), which hands it over");
        Batch batch = batchData.getBatch();
        double[][] g = measure(network, tasks, optimizer, sources, batch.getData(), batch.getLabels(),
                batch.getManager());
        for (int s = 0; s < g.length; s++) {
            for (int t = 0; t < g[s].length; t++) {
                if (!Double.isNaN(g[s][t])) {
                    sum[s][t] += g[s][t];
                    count[s][t]++;
                }
            }
        }
        measurements++;
    }

    /** @return the number of measurements so far */
    public int measurements() {
        return measurements;
    }

    /** @return the update sources measured, in row order */
    public ImmutableList<Source> sources() {
        return sources;
    }

    /**
     * The mean gains so far.
     *
     * @return the gains (NaN where never measured)
     */
    public TransferGains gains() {
        double[][] mean = new double[sum.length][];
        for (int s = 0; s < sum.length; s++) {
            mean[s] = new double[sum[s].length];
            for (int t = 0; t < sum[s].length; t++) {
                mean[s][t] = count[s][t] == 0 ? Double.NaN : sum[s][t] / count[s][t];
            }
        }
        return TransferGains.of(tasks.stream().map(Task::name).toList(), sources, mean, count, measurements);
    }

    /**
     * One measurement on one batch: {@code G(S → t)} for every source and target. Must run with autograd on and
     * gradients attached to the parameters (inside a gradient collector of a trainer of this network, as a training
     * listener does). Leaves every parameter value and gradient, and the optimiser, as it found them.
     *
     * @param network the network
     * @param tasks its tasks, in output order
     * @param optimizer the optimiser whose next update is looked ahead
     * @param sources the update sources
     * @param inputs the batch inputs
     * @param labels the batch labels, {@code [label_1, …, label_K, presence]}
     * @param manager a manager for temporary arrays (closed before returning)
     * @return {@code g[s][t] = G(source s → t)}; NaN for a target without labels in the batch, and a whole row NaN
     *     for a source with a task without labels
     * @throws IllegalStateException if autograd is off
     */
    public static double[][] measure(MultiTaskBlock network, List<Task> tasks, CheckpointableOptimizer optimizer,
            List<Source> sources, NDList inputs, NDList labels, NDManager manager) {
        checkState(JniUtils.isGradMode(), "lookahead gains need autograd: call it inside a gradient collector (for "
                + "example as a training listener)");
        checkNotNull(optimizer, "optimizer");
        int k = tasks.size();
        checkArgument(labels.size() == k + 1, "expected %s task labels and the presence mask, got %s arrays", k,
                labels.size());
        for (Source s : sources) {
            checkArgument(s.first() < k && s.second() < k, "source %s names a task beyond the %s tasks", s, k);
        }
        List<Parameter> shared = network.sharedParameters();
        checkArgument(!shared.isEmpty(), "the network reports no shared parameters");
        double[][] gains = new double[sources.size()][k];
        try (NDManager m = manager.newSubManager()) {
            ParameterSnapshot snapshot = new ParameterSnapshot(network, m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray presence = labels.get(k);
            boolean[] labelled = new boolean[k];
            try {
                NDList losses = ParameterSnapshot.losses(tasks, network.forward(ps, views(inputs, m), true), labels,
                        presence);
                double[] before = new double[k];
                for (int t = 0; t < k; t++) {
                    before[t] = losses.get(t).getFloat();
                    try (NDArray column = presence.get(":, " + t); NDArray n = column.sum()) {
                        labelled[t] = n.getFloat() > 0 && before[t] > 0 && Double.isFinite(before[t]);
                    }
                }
                NDArray g = TaskGradients.ofSharedParameters(losses, shared, m);
                JniUtils.setGradMode(false);
                for (int s = 0; s < sources.size(); s++) {
                    int[] members = sources.get(s).members();
                    boolean usable = true;
                    for (int i : members) {
                        usable &= labelled[i];
                    }
                    if (!usable) {
                        Arrays.fill(gains[s], Double.NaN);
                        continue;
                    }
                    try (NDManager step = m.newSubManager()) {
                        NDArray row = g.get(members[0]);
                        row.attach(step);
                        for (int i = 1; i < members.length; i++) {
                            NDArray r = g.get(members[i]);
                            r.attach(step);
                            row = row.add(r);
                        }
                        long offset = 0;
                        for (Parameter p : shared) {
                            NDArray w = p.getArray();
                            long size = w.size();
                            NDArray part = row.get(offset + ":" + (offset + size)).reshape(w.getShape());
                            part.attach(step);
                            NDArray next = optimizer.lookahead(p.getId(), w, part, step);
                            ParameterSnapshot.assign(w, next);
                            offset += size;
                        }
                        NDList after = ParameterSnapshot.losses(tasks, network.forward(ps, views(inputs, step), true), labels,
                                presence);
                        for (int t = 0; t < k; t++) {
                            double a = after.get(t).getFloat();
                            gains[s][t] = labelled[t] && Double.isFinite(a) ? 1 - a / before[t] : Double.NaN;
                        }
                    }
                    snapshot.restore(shared);
                }
            } finally {
                snapshot.restoreAll();
            }
        }
        return gains;
    }

    /**
     * Views of the inputs that belong to {@code m}: they share storage, and the activations a forward pass computes
     * from them are freed with {@code m} rather than with the batch.
     */
    private static NDList views(NDList inputs, NDManager m) {
        NDList out = new NDList(inputs.size());
        for (NDArray x : inputs) {
            NDArray v = x.reshape(x.getShape());
            v.attach(m);
            out.add(v);
        }
        return out;
    }
}
