package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.MetaStep;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * The loop's {@link MetaStep}: one per training batch, for strategies whose
 * {@link org.mtl4j.core.weighting.LossWeighting#needsMetaStep()} is true. It copies every parameter of the training
 * block when it is made ({@code θ₀} and the batch-norm running statistics, which are parameters too), runs the
 * strategy's passes each in a manager of its own (closed when the pass returns), and restores the copies exactly
 * when asked and when it is closed.
 */
final class LoopMetaStep implements MetaStep, AutoCloseable {

    private static final NDIndex ALL = new NDIndex("...");

    private final Trainer trainer;
    private final StepBatch training;
    private final StepBatch validation;
    private final WeightingContext context;
    private final double learningRate;
    private final NDManager manager;
    private final List<Parameter> trained = new ArrayList<>();
    private final List<Parameter> all = new ArrayList<>();
    private final List<NDArray> saved = new ArrayList<>();
    /** The copies of the trained parameters, {@code θ₀}, in {@link #trained}'s order. */
    private final List<NDArray> origins = new ArrayList<>();
    /** Whether anything may differ from the copies: a displacement, or a training-mode pass (running statistics). */
    private boolean dirty;

    /**
     * Copies the parameters.
     *
     * @param trainer the DJL trainer
     * @param block the training block
     * @param training this step's training batch
     * @param validation this step's validation batch
     * @param context the step's context
     * @param learningRate the step's learning rate
     */
    LoopMetaStep(Trainer trainer, TrainingBlock block, StepBatch training, StepBatch validation,
            WeightingContext context, double learningRate) {
        this.trainer = trainer;
        this.training = training;
        this.validation = validation;
        this.context = context;
        this.learningRate = learningRate;
        this.manager = training.manager().newSubManager();
        for (Pair<String, Parameter> p : block.getParameters()) {
            all.add(p.getValue());
            NDArray copy = p.getValue().getArray().duplicate();
            copy.attach(manager);
            saved.add(copy);
        }
        for (Pair<String, Parameter> p : block.network().getParameters()) {
            if (p.getValue().requiresGradient()) {
                trained.add(p.getValue());
                origins.add(saved.get(all.indexOf(p.getValue())));
            }
        }
    }

    @Override
    public WeightingContext context() {
        return context;
    }

    @Override
    public double learningRate() {
        return learningRate;
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    private StepBatch batch(Data data) {
        return data == Data.TRAINING ? training : validation;
    }

    @Override
    public double[] losses(Data data) {
        dirty = true;
        try (NDManager pass = manager.newSubManager()) {
            NDList losses = batch(data).forward(trainer, false, pass).losses();
            return values(losses);
        }
    }

    @Override
    public Gradient gradient(Data data, double[] taskWeights) {
        checkArgument(taskWeights.length == context.taskCount(), "%s task weights for %s tasks", taskWeights.length,
                context.taskCount());
        dirty = true;
        double[] values;
        try (NDManager pass = manager.newSubManager()) {
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList losses = batch(data).forward(trainer, false, pass).losses();
                values = values(losses);
                NDArray total = null;
                for (int k = 0; k < taskWeights.length; k++) {
                    if (taskWeights[k] == 0) {
                        continue;
                    }
                    NDArray term = losses.get(k).mul(EngineArrays.scalar(pass, (float) taskWeights[k]));
                    total = total == null ? term : total.add(term);
                }
                if (total != null) {
                    collector.backward(total);
                }
            }
        }
        NDList gradient = new NDList(trained.size());
        for (Parameter p : trained) {
            NDArray w = p.getArray();
            NDArray g = JniUtils.getGradient((PtNDArray) w);
            if (g == null) {
                gradient.add(manager.zeros(w.getShape(), w.getDataType(), w.getDevice()));
                continue;
            }
            try (g) {
                NDArray copy = g.duplicate();
                copy.attach(manager);
                gradient.add(copy);
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
        return new Gradient(values, gradient);
    }

    private static double[] values(NDList losses) {
        double[] out = new double[losses.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = losses.get(k).getFloat();
        }
        return out;
    }

    @Override
    public void moveTo(NDList direction, double scale) {
        checkArgument(direction.size() == trained.size(), "a direction has %s arrays for %s trained parameters",
                direction.size(), trained.size());
        dirty = true;
        for (int i = 0; i < trained.size(); i++) {
            Parameter p = trained.get(i);
            NDArray w = p.getArray();
            NDArray d = direction.get(i);
            checkArgument(d.getShape().equals(w.getShape()), "direction %s has shape %s for parameter '%s' of shape %s",
                    i, d.getShape(), p.getName(), w.getShape());
            try (NDArray s = EngineArrays.scalar(manager, (float) scale);
                    NDArray step = d.mul(s);
                    NDArray target = origins.get(i).add(step)) {
                w.set(ALL, target);
            }
        }
    }

    @Override
    public void restore() {
        for (int i = 0; i < all.size(); i++) {
            all.get(i).getArray().set(ALL, saved.get(i));
        }
        dirty = false;
    }

    /** Restores the parameters if a pass or a displacement may have changed them, and frees the copies. */
    @Override
    public void close() {
        try {
            if (dirty) {
                restore();
            }
        } finally {
            manager.close();
        }
    }
}
