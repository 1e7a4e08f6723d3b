package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.monitor.GradientObserver;
import org.mtl4j.core.monitor.StepRecord;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.MetricSample;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * One optimiser step, whatever the data layout and the gradient mode: the forward pass and task losses (from the
 * {@link StepBatch}), after the meta step of the strategies that have one ({@link LossWeighting#metaStep}), the
 * non-finite check, the training metrics when the strategy uses them, the backward pass (the
 * {@link GradientPath} of the mode), clipping, the optimiser step, the re-evaluation some strategies ask for and the
 * strategy's {@link LossWeighting#afterStep}.
 */
final class TrainingStep {

    /**
     * What a step did.
     *
     * @param losses the K task losses
     * @param counts the labelled samples per task
     * @param weights the task weights the strategy used
     */
    record Result(float[] losses, float[] counts, double[] weights) {}

    private final List<GradientObserver> observers = new ArrayList<>();

    private final TrainingBlock block;
    private final ImmutableList<String> taskNames;
    private final LossWeighting weighting;
    private final TrainingSettings settings;
    private final GradientPath path;
    private final RunState state;

    TrainingStep(TrainingBlock block, ImmutableList<String> taskNames, LossWeighting weighting,
            TrainingSettings settings, RunState state) {
        this.block = block;
        this.taskNames = taskNames;
        this.weighting = weighting;
        this.settings = settings;
        this.path = GradientPath.of(settings.gradientMode(), block.network());
        this.state = state;
    }

    /** Adds observers of every later step. */
    void observe(List<GradientObserver> more) {
        observers.addAll(more);
    }

    /**
     * Runs the step.
     *
     * @param trainer the DJL trainer
     * @param batch the step's data
     * @param epoch the epoch
     * @param meta the validation batches of the strategy's meta step, or null when it has none
     * @return what it did, or empty when the batch was skipped for a non-finite loss
     * @throws NonFiniteLossException on a non-finite loss under {@link NonFinitePolicy#STOP}
     */
    Optional<Result> run(Trainer trainer, StepBatch batch, int epoch, MetaBatches meta) {
        int k = taskNames.size();
        NDManager stepManager = batch.manager();
        float[] counts = batch.counts();
        if (meta != null) {
            // before the recorder opens (one per JVM); closing the meta step restores the parameters exactly
            try (StepBatch validation = meta.next();
                    LoopMetaStep metaStep = new LoopMetaStep(trainer, block, batch, validation,
                            state.context(epoch, counts, ImmutableList.of(), ImmutableList.of()),
                            meta.learningRate(state.step()))) {
                weighting.metaStep(metaStep);
            }
        }
        MultiTaskBlock network = block.network();
        NDList parameters;
        WeightingContext ctx;
        float[] values = new float[k];
        double[] weights;
        Optional<double[][]> gram;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            path.beforeForward();
            StepBatch.Forward forward = batch.forward(trainer, true);
            parameters = forward.strategyOutputs();
            NDList learnable = stepViews(parameters, stepManager);
            for (int t = 0; t < k; t++) {
                values[t] = forward.losses().get(t).getFloat();
            }
            for (int t = 0; t < k; t++) {
                if (!Float.isFinite(values[t])) {
                    if (settings.nonFinitePolicy() == NonFinitePolicy.STOP) {
                        throw new NonFiniteLossException(taskNames.get(t), values[t], epoch, state.step());
                    }
                    return Optional.empty();
                }
            }
            ImmutableList<MetricSample> metrics = weighting.usesTrainingMetrics() ? batch.metrics()
                    : ImmutableList.of();
            Optional<NDArray> reg = network.regularization(new ParameterStore(stepManager, false), true);
            GradientPath.Result done = path.backward(new GradientPath.Step(collector, forward.losses(), learnable, reg,
                    weighting, segments -> state.context(epoch, counts, metrics, segments), stepManager,
                    !observers.isEmpty()));
            weights = done.weights();
            gram = done.gram();
            ctx = done.context();
            batch.notifyListeners(trainer);
        }
        if (settings.clipGradientNorm() > 0) {
            clipGradients(settings.clipGradientNorm());
        }
        trainer.step();
        Optional<double[]> after = Optional.empty();
        if (weighting.reevaluatesAfterStep()) {
            // no gradient recorder is open here, so this forward pass builds no graph; training mode as in FAMO
            NDList again = batch.forward(trainer, false).losses();
            double[] a = new double[k];
            for (int t = 0; t < k; t++) {
                a[t] = again.get(t).getFloat();
            }
            after = Optional.of(a);
        }
        double[] before = new double[k];
        for (int t = 0; t < k; t++) {
            before[t] = values[t];
        }
        weighting.afterStep(parameters, before, after, ctx);
        if (!observers.isEmpty()) {
            StepRecord record = StepRecord.of(state.step(), epoch, taskNames, before, weights, ctx.presentTasks(),
                    gram.orElse(null));
            observers.forEach(o -> o.onStep(record));
        }
        state.stepDone();
        return Optional.of(new Result(values, counts, weights));
    }

    /**
     * Views of the strategy's parameter arrays that belong to the step's manager: they share storage and carry the
     * gradient to the parameters, but whatever a strategy computes from them is freed with the batch (the parameter
     * arrays themselves belong to the model's manager, and so would everything derived from them).
     */
    private static NDList stepViews(NDList parameters, NDManager stepManager) {
        NDList views = new NDList(parameters.size());
        for (NDArray p : parameters) {
            NDArray v = p.reshape(p.getShape());
            v.attach(stepManager);
            views.add(v);
        }
        return views;
    }

    private void clipGradients(float maxNorm) {
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        double sq = 0;
        for (Parameter p : params) {
            try (NDArray g = p.getArray().getGradient(); NDArray s = g.square().sum()) {
                sq += s.getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : params) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.muli(scale);
                }
            }
        }
    }
}
