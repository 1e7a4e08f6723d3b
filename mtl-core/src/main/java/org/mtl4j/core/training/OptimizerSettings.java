package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The optimiser of a training recipe: its kind, base learning rate and schedule, weight decay and (for SGD)
 * momentum. A record, validated when made; change one field with the {@code with…} methods.
 *
 * @param kind the optimiser (SGD, Adam or AdamW: the ones DJL's PyTorch engine runs)
 * @param learningRate the base learning rate, positive and finite
 * @param weightDecay the weight decay, non-negative
 * @param momentum the SGD momentum in [0, 1) (ignored by Adam and AdamW)
 * @param schedule the learning-rate schedule over all optimiser steps
 */
public record OptimizerSettings(OptimizerKind kind, float learningRate, float weightDecay, float momentum,
        LearningRateSchedule schedule) {

    /** Adam at 1e-3, constant rate, no weight decay (momentum 0.9 should SGD be chosen). */
    public static final OptimizerSettings DEFAULT =
            new OptimizerSettings(OptimizerKind.ADAM, 1e-3f, 0f, 0.9f, LearningRateSchedule.CONSTANT);

    /** Validates every field; the message names the field and the value. */
    public OptimizerSettings {
        checkNotNull(kind, "optimizer");
        checkNotNull(schedule, "schedule");
        checkArgument(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be positive, got %s",
                learningRate);
        checkArgument(weightDecay >= 0 && Float.isFinite(weightDecay), "weight decay must be non-negative, got %s",
                weightDecay);
        checkArgument(momentum >= 0 && momentum < 1, "momentum must lie in [0, 1), got %s", momentum);
    }

    /**
     * @param value the optimiser
     * @return these settings with that optimiser
     */
    public OptimizerSettings withKind(OptimizerKind value) {
        return new OptimizerSettings(value, learningRate, weightDecay, momentum, schedule);
    }

    /**
     * @param value the base learning rate
     * @return these settings with that rate
     */
    public OptimizerSettings withLearningRate(float value) {
        return new OptimizerSettings(kind, value, weightDecay, momentum, schedule);
    }

    /**
     * @param value the weight decay
     * @return these settings with that decay
     */
    public OptimizerSettings withWeightDecay(float value) {
        return new OptimizerSettings(kind, learningRate, value, momentum, schedule);
    }

    /**
     * @param value the SGD momentum
     * @return these settings with that momentum
     */
    public OptimizerSettings withMomentum(float value) {
        return new OptimizerSettings(kind, learningRate, weightDecay, value, schedule);
    }

    /**
     * @param value the schedule
     * @return these settings with that schedule
     */
    public OptimizerSettings withSchedule(LearningRateSchedule value) {
        return new OptimizerSettings(kind, learningRate, weightDecay, momentum, value);
    }

    /**
     * The learning rate over a run of {@code totalSteps} optimiser steps, as the schedule gives it.
     *
     * @param totalSteps the optimiser steps of the whole run
     * @return the tracker (a pure function of the update number)
     */
    public Tracker learningRateTracker(long totalSteps) {
        int total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, totalSteps));
        switch (schedule) {
            case COSINE:
                return Tracker.cosine().setBaseValue(learningRate).optFinalValue(learningRate * 0.01f)
                        .setMaxUpdates(total).build();
            case STEP:
                return Tracker.multiFactor().setBaseValue(learningRate).optFactor(0.5f)
                        .setSteps(new int[] {Math.max(1, total / 3), Math.max(2, 2 * total / 3)}).build();
            default:
                return Tracker.fixed(learningRate);
        }
    }

    /**
     * Creates DJL's own optimiser for a run of {@code totalSteps} steps. The training loop uses
     * {@link CheckpointableOptimizer} instead, which performs the same updates and can save its moments.
     *
     * @param totalSteps the optimiser steps of the whole run
     * @return the optimiser
     */
    public Optimizer createOptimizer(long totalSteps) {
        Tracker lr = learningRateTracker(totalSteps);
        switch (kind) {
            case SGD:
                return Optimizer.sgd().setLearningRateTracker(lr).optMomentum(momentum).optWeightDecays(weightDecay)
                        .build();
            case ADAMW:
                return Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
            default:
                return Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
        }
    }
}
