package org.mtl4j.core.weighting;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import java.util.Optional;

/**
 * The contract of every loss-weighting and gradient-combination strategy.
 *
 * <p>The training loop owns forward, backward and the optimiser step; a strategy fills in one small hook:
 * <ul>
 *   <li>loss-based strategies ({@link GradientMode#NONE}) implement {@link LossBasedWeighting#weightLosses}: given the K task losses
 *       they return the scalar to back-propagate, for example {@code Σ_k λ_k L_k};
 *   <li>gradient-based strategies implement {@link GradientBasedWeighting#combineGradients}: given the K×D matrix of per-task gradients
 *       (with respect to the shared parameters or the shared representation, see {@link GradientMode}) they return
 *       the D-vector the loop writes back before the optimiser step. Task heads always receive their own task's
 *       gradient with weight 1 (LibMTL's convention).
 * </ul>
 * Learnable weights (uncertainty log-variances, GradNorm weights) live in the block of
 * {@link #createParameterBlock}, which the loop places inside the trained model so that DJL's optimiser updates
 * them and checkpoints save them; the loop hands their current values to the hooks as {@code learnable}: views that
 * belong to the step's manager (so everything a hook derives from them is freed with the batch) and pass gradients
 * on to the parameters.
 * Everything else a strategy may use arrives in the immutable {@link WeightingContext}.
 *
 * <p>Four optional extensions, all off by default, serve strategies that need more than one hook:
 * <ul>
 *   <li>{@link #afterStep} runs after every optimiser step; with {@link #reevaluatesAfterStep()} the loop first
 *       re-evaluates the same batch without gradients, so the strategy sees each task's loss before and after the
 *       step (FAMO's logit update from the observed decrease). Strategies with learnable weights may also
 *       renormalise them here (GradNorm's {@code Σ_i w_i = K});
 *   <li>{@link #usesTrainingMetrics()} makes the loop measure each task's primary metric on the batch and pass it
 *       in {@link WeightingContext#batchMetrics()} (dynamic task prioritisation);
 *   <li>{@link CombinedGradient#learnableGradients()} lets a gradient-based strategy give its learnable weights a
 *       gradient of its own objective, which the optimiser then applies;
 *   <li>{@link #needsMetaStep()} makes the loop call {@link #metaStep} before every step's forward pass, with
 *       passes over the training batch and a validation batch at displaced parameters ({@link MetaStep}): bilevel
 *       strategies such as Auto-Lambda update their weights there. Training then needs validation data.
 * </ul>
 *
 * <p>Equal and fixed weights ship with the core ({@link #equal()}, {@link #fixed(double...)}); the other strategies
 * are in {@code mtl-losses} ({@code Weightings}).
 */
public interface LossWeighting {

    /** @return a short name for logs and result files, for example {@code "equal"} */
    String name();

    /**
     * Returns the gradient modes this strategy works in. Loss-based strategies return {@code {NONE}}.
     *
     * @return the supported modes, never empty
     */
    default ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.NONE);
    }

    /**
     * Returns the gradient mode to use when the user sets none: {@link GradientMode#NONE} for loss-based strategies,
     * otherwise a mode of {@link #gradientModes()} the method prefers (by default parameter mode where supported,
     * LibMTL's default, else representation mode).
     *
     * @return the preferred mode, one of {@link #gradientModes()}
     */
    default GradientMode preferredMode() {
        ImmutableSet<GradientMode> modes = gradientModes();
        if (modes.contains(GradientMode.NONE)) {
            return GradientMode.NONE;
        }
        return modes.contains(GradientMode.PARAMETERS) ? GradientMode.PARAMETERS : GradientMode.REPRESENTATION;
    }

    /**
     * Returns whether the training loop must measure every task's primary metric on each training batch and pass
     * it in {@link WeightingContext#batchMetrics()}. Costs one metric update per task and step.
     *
     * @return false by default
     */
    default boolean usesTrainingMetrics() {
        return false;
    }

    /**
     * Returns whether the training loop must re-evaluate each batch's task losses after the optimiser step (one
     * extra forward pass without gradients, in training mode) and pass them to {@link #afterStep}.
     *
     * @return false by default
     */
    default boolean reevaluatesAfterStep() {
        return false;
    }

    /**
     * Called after every optimiser step that was taken (not after skipped batches), outside the gradient recorder.
     * May update the strategy's own state, and may change the learnable weights in place (they are the parameter
     * arrays themselves).
     *
     * @param learnable the learnable weights' parameter arrays themselves (empty when there are none); they belong to
     *     the model's manager, so close any array made from them
     * @param lossesBefore the K task losses of the step's forward pass (0 for tasks absent from the batch)
     * @param lossesAfter the K task losses of the same batch after the step, when {@link #reevaluatesAfterStep()}
     * @param context the step's context (the same the step's hook received)
     */
    default void afterStep(NDList learnable, double[] lossesBefore, Optional<double[]> lossesAfter,
            WeightingContext context) {}

    /**
     * Returns whether the training loop must call {@link #metaStep} before every step. The loop then needs
     * validation data ({@code fit(train, validation)} fails without it, naming the strategy) and runs the strategy's
     * extra passes; the real step follows from unchanged parameters.
     *
     * @return false by default
     */
    default boolean needsMetaStep() {
        return false;
    }

    /**
     * Called once per training batch when {@link #needsMetaStep()}, before the step's forward pass and outside any
     * gradient recorder (also before batches that turn out to have a non-finite loss and are skipped). The strategy
     * may run passes over the training and a validation batch at displaced parameters and update its own state
     * (for example its task weights, used by the real step that follows). Afterwards the loop puts the parameters
     * and running statistics back exactly as they were.
     *
     * @param step what the loop offers for this step
     */
    default void metaStep(MetaStep step) {}

    /**
     * Creates the block holding this strategy's learnable parameters, if it has any. Its forward pass takes an empty
     * input and returns the parameter values, which the loop passes to the hooks as {@code learnable}.
     *
     * @param taskNames the tasks in output order
     * @return the block, or empty
     */
    default Optional<Block> createParameterBlock(ImmutableList<String> taskNames) {
        return Optional.empty();
    }

    /**
     * Called after every epoch with the updated history (DWA-style strategies may cache here).
     *
     * @param context the context at the end of the epoch
     */
    default void onEpochEnd(WeightingContext context) {}

    /**
     * Returns the strategy's internal state for checkpoints (running statistics, initial losses); parameters of
     * {@link #createParameterBlock} are saved with the model and are not part of it.
     *
     * @return named arrays of state; empty for stateless strategies
     */
    default ImmutableMap<String, double[]> state() {
        return ImmutableMap.of();
    }

    /**
     * Restores the state {@link #state()} returned.
     *
     * @param state the saved state
     */
    default void restoreState(Map<String, double[]> state) {}

    /**
     * Equal weighting, {@code L = Σ_k L_k} (LibMTL's EW uses weight 1 per task, not 1/K).
     *
     * @return the strategy
     */
    static LossWeighting equal() {
        return new FixedWeighting("equal", null);
    }

    /**
     * Fixed weights, {@code L = Σ_k λ_k L_k}: the baseline of Vandenhende et al.'s survey, with weights found by a
     * grid search.
     *
     * @param weights one non-negative weight per task, in task order
     * @return the strategy
     */
    static LossWeighting fixed(double... weights) {
        return new FixedWeighting("fixed", weights.clone());
    }
}
