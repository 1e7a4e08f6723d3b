package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;

/**
 * What the training loop offers a bilevel strategy ({@link LossWeighting#needsMetaStep()}) once per training batch,
 * before the real step's forward pass: passes over the step's training batch and over a validation batch at the
 * current parameters {@code θ} or at a displacement of them, and the learning rate. Auto-Lambda (Liu et al., TMLR
 * 2022) builds its virtual step {@code θ' = θ − α ∇_θ Σ_i λ_i L_i(θ)} and its finite-difference hypergradient from
 * exactly these.
 *
 * <p>{@code θ} is the vector of the network's trained parameters (those that require a gradient; not the
 * strategy's own learnable block); a gradient or a direction is one array per such parameter, in a fixed order. All
 * passes run in training mode (batch normalisation on batch statistics, dropout on), outside the step's gradient
 * recorder; each pass frees its activations when it returns. The validation batch comes from the validation data
 * given to {@code fit}, cycled in an order of its own seeded by the run seed.
 *
 * <p>Displacements are absolute: {@link #moveTo} sets {@code θ = θ₀ + s·d}, with {@code θ₀} the parameters at the
 * start of the meta step. {@link #restore()} puts back {@code θ₀} and every other parameter of the training block
 * as it was (batch-norm running statistics, which the passes change), exactly, bit for bit; the loop calls it again
 * after {@link LossWeighting#metaStep} returns, so the real step always starts from where the meta step began.
 *
 * <p>Every array this interface returns belongs to {@link #manager()}, which the loop closes when the meta step
 * ends: copy out (to Java values) what must outlive it.
 */
public interface MetaStep {

    /** The batch a pass runs on. */
    enum Data {
        /** The training batch of this step (the one the real step will use). */
        TRAINING,
        /** This step's validation batch. */
        VALIDATION
    }

    /**
     * What a pass with gradients gives.
     *
     * @param losses the K task losses at the parameters of the pass (0 for tasks without labels in the batch)
     * @param gradient {@code ∇_θ Σ_k w_k L_k}, one array per trained parameter, owned by {@link #manager()}
     */
    record Gradient(double[] losses, NDList gradient) {}

    /** @return the step's context (the training batch's label counts, the step, the task names) */
    WeightingContext context();

    /** @return {@code α}: the learning rate the optimiser applies at this step (the schedule's value) */
    double learningRate();

    /** @return the manager of the meta step's arrays, closed when the meta step ends */
    NDManager manager();

    /**
     * A forward pass without gradients at the current parameters.
     *
     * @param data which batch
     * @return the K task losses
     */
    double[] losses(Data data);

    /**
     * A forward and backward pass at the current parameters: the task losses and the gradient of
     * {@code Σ_k w_k L_k} with respect to {@code θ} (tasks with {@code w_k = 0} take no part). The parameters'
     * own gradients are left at zero.
     *
     * @param data which batch
     * @param taskWeights one weight {@code w_k} per task
     * @return the losses and the gradient
     */
    Gradient gradient(Data data, double[] taskWeights);

    /**
     * Sets the trained parameters to {@code θ₀ + scale · direction}, in place.
     *
     * @param direction one array per trained parameter, shaped like it (a {@link Gradient#gradient()} or a
     *     combination of them)
     * @param scale the step along it
     */
    void moveTo(NDList direction, double scale);

    /** Puts back every parameter of the training block (and its running statistics) as at the meta step's start. */
    void restore();
}
