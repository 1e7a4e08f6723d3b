package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.data.EngineArrays;

/**
 * Adam (Kingma and Ba, ICLR 2015), AdamW (Loshchilov and Hutter, ICLR 2019) or SGD with momentum, whose moments can be
 * saved into a checkpoint and restored by parameter name, so that a resumed run continues exactly as the uninterrupted
 * run would have.
 *
 * <p>DJL's optimisers keep their moments private, keyed by per-instance parameter ids, so a checkpoint cannot carry
 * them and a resumed run would restart Adam from zero moments. This class makes the very same update through the same
 * native kernels ({@code adamUpdate}, {@code sgdUpdate}) with the same arguments — Adam's bias correction
 * {@code η_t = η·√(1−β₂ᵗ)/(1−β₁ᵗ)}, the learning-rate schedule evaluated at the global update number {@code t} — and
 * the tests check bit-identity with DJL's {@code Adam}, {@code AdamW} and {@code Sgd}. Its moments live in a manager
 * the caller owns (closed at the end of training), not detached from every manager as DJL's are.
 *
 * <p>Resuming: create it with {@code beginStep} = the steps already taken (so {@code t} and the schedule continue),
 * then {@link #restore(OptimizerState)} the saved moments; they are put in place when each parameter is first updated.
 *
 * <p>{@link #lookahead} tells what the next update of a parameter would make of a given gradient, without changing
 * the optimiser (for optimiser-aware lookahead measurements during training); a {@link OptimizerAware} training
 * listener receives the optimiser of the run.
 */
public final class CheckpointableOptimizer extends Optimizer {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final OptimizerKind kind;
    private final ParameterTracker learningRate;
    private final float momentum;
    private final NDManager manager;
    private final Map<String, String> namesById;
    private final Map<String, NDArray[]> moments = new ConcurrentHashMap<>();
    private final int beginStep;
    /** parameter id → the update number {@code t} of its last update (DJL keeps its own count private) */
    private final Map<String, Integer> lastUpdate = new ConcurrentHashMap<>();
    private Map<String, ImmutableList<float[]>> pending = new ConcurrentHashMap<>();

    private CheckpointableOptimizer(Builder b) {
        super(b);
        this.kind = b.kind;
        this.learningRate = b.learningRate;
        this.momentum = b.momentum;
        this.manager = b.manager;
        this.namesById = b.namesById;
        this.beginStep = b.beginStep;
    }

    /**
     * The optimiser the settings ask for, continuing after {@code beginStep} steps.
     *
     * @param settings the training settings (optimiser, learning rate and schedule, weight decay, momentum)
     * @param stepsPerEpoch the optimiser steps in one epoch (for the schedule)
     * @param beginStep the optimiser steps already taken (0 for a fresh run)
     * @param namesById parameter id → the parameter's name in the checkpointed block
     * @param manager the manager that will own the moments; close it when training ends
     * @return the optimiser
     */
    public static CheckpointableOptimizer of(TrainingSettings settings, long stepsPerEpoch, long beginStep,
            Map<String, String> namesById, NDManager manager) {
        checkArgument(beginStep >= 0 && beginStep < Integer.MAX_VALUE, "beginStep must be in [0, 2^31), got %s",
                beginStep);
        OptimizerSettings o = settings.optimizer();
        Builder b = new Builder(o.kind(), settings.learningRateTracker(stepsPerEpoch),
                o.kind() == OptimizerKind.SGD ? o.momentum() : 0f, checkNotNull(manager),
                ImmutableMap.copyOf(namesById), (int) beginStep);
        b.optWeightDecays(o.weightDecay()).optBeginNumUpdate((int) beginStep);
        return new CheckpointableOptimizer(b);
    }

    /**
     * Puts saved moments in place: each parameter takes its own when first updated.
     *
     * @param state the moments saved in a checkpoint ({@link OptimizerState#NONE} restarts from zero moments)
     * @return this optimiser
     * @throws IllegalArgumentException when the state was written by another kind of optimiser or names a parameter
     *     this model lacks
     */
    public CheckpointableOptimizer restore(OptimizerState state) {
        if (state.isEmpty()) {
            return this;
        }
        checkArgument(state.optimizer().equals(name()), "the checkpoint holds %s moments but the settings ask for %s",
                state.optimizer(), name());
        for (String name : state.moments().keySet()) {
            checkArgument(namesById.containsValue(name),
                    "the checkpoint holds optimizer moments for parameter '%s', which the model lacks", name);
        }
        this.pending = new ConcurrentHashMap<>(state.moments());
        return this;
    }

    /**
     * Copies the moments out, by parameter name, for a checkpoint. Moments restored but not yet used are included as
     * they are.
     *
     * @return the state
     */
    public OptimizerState export() {
        // sorted by name, so that the same state always gives the same checkpoint bytes
        java.util.SortedMap<String, ImmutableList<float[]>> sorted = new java.util.TreeMap<>(pending);
        for (Map.Entry<String, NDArray[]> e : moments.entrySet()) {
            String name = namesById.get(e.getKey());
            if (name == null || e.getValue().length == 0) {
                continue;
            }
            ImmutableList.Builder<float[]> arrays = ImmutableList.builder();
            for (NDArray a : e.getValue()) {
                arrays.add(a.toFloatArray());
            }
            sorted.put(name, arrays.build());
        }
        return new OptimizerState(name(), ImmutableMap.copyOf(sorted));
    }

    /** @return the optimiser's name as written into checkpoints: adam, adamw or sgd */
    public String name() {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        int t = updateCount(parameterId);
        lastUpdate.put(parameterId, t);
        NDArray[] state = moments.computeIfAbsent(parameterId, id -> initialState(id, weight));
        step(t, parameterId, weight, grad, state);
    }

    /**
     * The value a parameter would take if its next update were made with {@code grad}: the same kernel, update number
     * {@code t}, learning rate (the schedule at {@code t}), Adam bias correction and weight decay as {@link #update},
     * applied to copies of the weight, the gradient and the moments. Nothing of this optimiser changes — its moments,
     * its update counts and the moments restored but not yet used stay as they are — so the next real update, given
     * the same weight and gradient, produces exactly this value. The learning-rate schedule is read at the update
     * number the next real update will use (DJL's step schedule advances its own position monotonically, which the
     * next update does anyway).
     *
     * @param parameterId the parameter's id, as {@link #update} receives it ({@code Parameter.getId()})
     * @param weight the parameter's current value (not changed)
     * @param grad the gradient to step with (not changed)
     * @param manager owns the returned array; the temporary copies are closed before returning
     * @return the would-be value after the update, a new array of the weight's shape
     */
    public NDArray lookahead(String parameterId, NDArray weight, NDArray grad, NDManager manager) {
        checkNotNull(manager, "manager");
        int t = lastUpdate.getOrDefault(checkNotNull(parameterId, "parameterId"), beginStep) + 1;
        try (NDManager scratch = manager.newSubManager()) {
            NDArray w = detachedCopy(weight, manager);
            NDArray g = detachedCopy(grad, scratch);
            NDArray[] current = moments.get(parameterId);
            NDArray[] state;
            if (current != null) {
                state = new NDArray[current.length];
                for (int i = 0; i < current.length; i++) {
                    state[i] = detachedCopy(current[i], scratch);
                }
            } else {
                state = freshState(parameterId, weight, pending.get(namesById.getOrDefault(parameterId, "")), scratch);
            }
            step(t, parameterId, w, g, state);
            return w;
        }
    }

    private static NDArray detachedCopy(NDArray a, NDManager m) {
        try (NDArray view = a.stopGradient()) {
            NDArray c = view.duplicate();
            c.attach(m);
            return c;
        }
    }

    /** One update of {@code weight} in place with the given moments (also updated in place). */
    private void step(int t, String parameterId, NDArray weight, NDArray grad, NDArray[] state) {
        float lr = learningRate.getNewValue(parameterId, t);
        float weightDecay = getWeightDecay();
        NDArrayEx ex = weight.getNDArrayInternal();
        if (kind == OptimizerKind.SGD) {
            NDList inputs = momentum != 0f ? new NDList(weight, grad, state[0]) : new NDList(weight, grad);
            ex.sgdUpdate(inputs, new NDList(weight), lr, weightDecay, rescaleGrad, clipGrad, momentum, true);
            return;
        }
        double coef1 = 1.0 - Math.pow(BETA1, t);
        double coef2 = 1.0 - Math.pow(BETA2, t);
        float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
        checkArgument(Float.isFinite(corrected) && Float.isFinite(weightDecay),
                "learning rate %s or weight decay %s is NaN or infinite at update %s", corrected, weightDecay, t);
        ex.adamUpdate(new NDList(weight, grad, state[0], state[1]), new NDList(weight), lr, corrected, weightDecay,
                rescaleGrad, clipGrad, BETA1, BETA2, EPSILON, true, kind == OptimizerKind.ADAMW);
    }

    private NDArray[] initialState(String parameterId, NDArray weight) {
        String name = namesById.get(parameterId);
        ImmutableList<float[]> saved = name == null ? null : pending.remove(name);
        return freshState(parameterId, weight, saved, manager);
    }

    /** The moments a parameter starts from: the saved ones, or zeros; owned by {@code owner}. */
    private NDArray[] freshState(String parameterId, NDArray weight, ImmutableList<float[]> saved, NDManager owner) {
        int count = kind == OptimizerKind.SGD ? (momentum != 0f ? 1 : 0) : 2;
        String name = namesById.get(parameterId);
        checkArgument(saved == null || saved.size() == count,
                "the checkpoint holds %s optimizer arrays for parameter '%s' but %s needs %s", saved == null ? 0
                        : saved.size(), name, name(), count);
        NDArray[] state = new NDArray[count];
        long size = weight.getShape().size();
        for (int i = 0; i < count; i++) {
            if (saved != null) {
                float[] values = saved.get(i);
                checkArgument(values.length == size, "the checkpoint's optimizer moments for parameter '%s' have %s "
                        + "values but the parameter has shape %s", name, values.length, weight.getShape());
                checkArgument(weight.getDataType() == DataType.FLOAT32,
                        "optimizer moments can be restored for float32 parameters only; '%s' is %s", name,
                        weight.getDataType());
                state[i] = EngineArrays.create(owner, values, weight.getShape()).toDevice(weight.getDevice(), false);
            } else {
                state[i] = owner.zeros(weight.getShape(), weight.getDataType(), weight.getDevice());
            }
        }
        return state;
    }

    /** Builder; use {@link CheckpointableOptimizer#of}. */
    private static final class Builder extends OptimizerBuilder<Builder> {
        private final OptimizerKind kind;
        private final ParameterTracker learningRate;
        private final float momentum;
        private final NDManager manager;
        private final Map<String, String> namesById;
        private final int beginStep;

        Builder(OptimizerKind kind, ParameterTracker learningRate, float momentum, NDManager manager,
                Map<String, String> namesById, int beginStep) {
            this.kind = kind;
            this.learningRate = learningRate;
            this.momentum = momentum;
            this.manager = manager;
            this.namesById = namesById;
            this.beginStep = beginStep;
        }

        @Override
        protected Builder self() {
            return this;
        }
    }
}
