package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtl4j.core.weighting.GradientMode;

/**
 * The training recipe: epochs, batch size, optimiser, learning rate and its schedule, weight decay, the seed, the
 * gradient mode of the balancing strategy, gradient clipping, the handling of non-finite losses and the console
 * output. Immutable; build with {@link #builder()}. Defaults: 10 epochs, batch 16, Adam at 1e-3, constant rate,
 * no weight decay, seed 42, no clipping, stop on non-finite losses, progress bar on.
 */
public final class TrainingSettings {

    private final int epochs;
    private final int batchSize;
    private final OptimizerKind optimizer;
    private final float learningRate;
    private final float weightDecay;
    private final float momentum;
    private final LearningRateSchedule schedule;
    private final long seed;
    private final GradientMode gradientMode;
    private final float clipGradientNorm;
    private final NonFinitePolicy nonFinitePolicy;
    private final int maxBatchesPerEpoch;
    private final boolean progressBar;
    private final boolean verbose;

    private TrainingSettings(Builder b) {
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.optimizer = b.optimizer;
        this.learningRate = b.learningRate;
        this.weightDecay = b.weightDecay;
        this.momentum = b.momentum;
        this.schedule = b.schedule;
        this.seed = b.seed;
        this.gradientMode = b.gradientMode;
        this.clipGradientNorm = b.clipGradientNorm;
        this.nonFinitePolicy = b.nonFinitePolicy;
        this.maxBatchesPerEpoch = b.maxBatchesPerEpoch;
        this.progressBar = b.progressBar;
        this.verbose = b.verbose;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.weightDecay = weightDecay;
        b.momentum = momentum;
        b.schedule = schedule;
        b.seed = seed;
        b.gradientMode = gradientMode;
        b.clipGradientNorm = clipGradientNorm;
        b.nonFinitePolicy = nonFinitePolicy;
        b.maxBatchesPerEpoch = maxBatchesPerEpoch;
        b.progressBar = progressBar;
        b.verbose = verbose;
        return b;
    }

    /** @return the number of epochs */
    public int epochs() {
        return epochs;
    }

    /** @return the batch size */
    public int batchSize() {
        return batchSize;
    }

    /** @return the optimiser */
    public OptimizerKind optimizer() {
        return optimizer;
    }

    /** @return the base learning rate */
    public float learningRate() {
        return learningRate;
    }

    /** @return the weight decay */
    public float weightDecay() {
        return weightDecay;
    }

    /** @return the SGD momentum */
    public float momentum() {
        return momentum;
    }

    /** @return the learning-rate schedule */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /** @return the seed that fixes initialisation, data order and dropout */
    public long seed() {
        return seed;
    }

    /** @return the gradient mode the balancing strategy runs in */
    public GradientMode gradientMode() {
        return gradientMode;
    }

    /** @return the global gradient-norm limit, 0 for none */
    public float clipGradientNorm() {
        return clipGradientNorm;
    }

    /** @return what to do on a non-finite loss */
    public NonFinitePolicy nonFinitePolicy() {
        return nonFinitePolicy;
    }

    /** @return the batches per epoch at most, 0 for all */
    public int maxBatchesPerEpoch() {
        return maxBatchesPerEpoch;
    }

    /** @return whether a progress bar is drawn (on standard error only when it is a terminal) */
    public boolean progressBar() {
        return progressBar;
    }

    /** @return whether per-epoch results are printed on standard output */
    public boolean verbose() {
        return verbose;
    }

    /**
     * The learning rate over a run of {@code stepsPerEpoch × epochs} steps, as this run's schedule gives it.
     *
     * @param stepsPerEpoch the optimiser steps in one epoch
     * @return the tracker (a pure function of the update number)
     */
    public Tracker learningRateTracker(long stepsPerEpoch) {
        int total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, stepsPerEpoch * epochs));
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
     * Creates DJL's own optimiser for a run of {@code stepsPerEpoch × epochs} steps. The training loop uses
     * {@link CheckpointableOptimizer} instead, which performs the same updates and can save its moments.
     *
     * @param stepsPerEpoch the optimiser steps in one epoch
     * @return the optimiser
     */
    public Optimizer createOptimizer(long stepsPerEpoch) {
        Tracker lr = learningRateTracker(stepsPerEpoch);
        switch (optimizer) {
            case SGD:
                return Optimizer.sgd().setLearningRateTracker(lr).optMomentum(momentum).optWeightDecays(weightDecay)
                        .build();
            case ADAMW:
                return Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
            default:
                return Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
        }
    }

    /** @return the settings as an ordered map, for result files */
    public ImmutableMap<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer.name().toLowerCase());
        m.put("learning_rate", learningRate);
        m.put("weight_decay", weightDecay);
        m.put("momentum", momentum);
        m.put("schedule", schedule.name().toLowerCase());
        m.put("seed", seed);
        m.put("gradient_mode", gradientMode.name().toLowerCase());
        m.put("clip_gradient_norm", clipGradientNorm);
        m.put("non_finite_policy", nonFinitePolicy.name().toLowerCase());
        m.put("max_batches_per_epoch", maxBatchesPerEpoch);
        return ImmutableMap.copyOf(m);
    }

    @Override
    public String toString() {
        return describe().toString();
    }

    /** Builder of {@link TrainingSettings}; every setter validates its value and names it in the message. */
    public static final class Builder {
        private int epochs = 10;
        private int batchSize = 16;
        private OptimizerKind optimizer = OptimizerKind.ADAM;
        private float learningRate = 1e-3f;
        private float weightDecay;
        private float momentum = 0.9f;
        private LearningRateSchedule schedule = LearningRateSchedule.CONSTANT;
        private long seed = 42;
        private GradientMode gradientMode = GradientMode.NONE;
        private float clipGradientNorm;
        private NonFinitePolicy nonFinitePolicy = NonFinitePolicy.STOP;
        private int maxBatchesPerEpoch;
        private boolean progressBar = true;
        private boolean verbose = true;

        private Builder() {}

        /**
         * @param value the number of epochs, positive
         * @return this builder
         */
        public Builder epochs(int value) {
            checkArgument(value > 0, "epochs must be positive, got %s", value);
            this.epochs = value;
            return this;
        }

        /**
         * @param value the batch size, positive
         * @return this builder
         */
        public Builder batchSize(int value) {
            checkArgument(value > 0, "batch size must be positive, got %s", value);
            this.batchSize = value;
            return this;
        }

        /**
         * @param value the optimiser
         * @return this builder
         */
        public Builder optimizer(OptimizerKind value) {
            this.optimizer = checkNotNull(value, "optimizer");
            return this;
        }

        /**
         * @param value the base learning rate, positive and finite
         * @return this builder
         */
        public Builder learningRate(float value) {
            checkArgument(value > 0 && Float.isFinite(value), "learning rate must be positive, got %s", value);
            this.learningRate = value;
            return this;
        }

        /**
         * @param value the weight decay, non-negative
         * @return this builder
         */
        public Builder weightDecay(float value) {
            checkArgument(value >= 0 && Float.isFinite(value), "weight decay must be non-negative, got %s", value);
            this.weightDecay = value;
            return this;
        }

        /**
         * @param value the SGD momentum in [0, 1)
         * @return this builder
         */
        public Builder momentum(float value) {
            checkArgument(value >= 0 && value < 1, "momentum must lie in [0, 1), got %s", value);
            this.momentum = value;
            return this;
        }

        /**
         * @param value the learning-rate schedule
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule value) {
            this.schedule = checkNotNull(value, "schedule");
            return this;
        }

        /**
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value the gradient mode the balancing strategy runs in
         * @return this builder
         */
        public Builder gradientMode(GradientMode value) {
            this.gradientMode = checkNotNull(value, "gradient mode");
            return this;
        }

        /**
         * @param value the global gradient-norm limit; 0 turns clipping off
         * @return this builder
         */
        public Builder clipGradientNorm(float value) {
            checkArgument(value >= 0 && Float.isFinite(value), "gradient clip norm must be non-negative, got %s",
                    value);
            this.clipGradientNorm = value;
            return this;
        }

        /**
         * @param value what to do on a non-finite loss
         * @return this builder
         */
        public Builder nonFinitePolicy(NonFinitePolicy value) {
            this.nonFinitePolicy = checkNotNull(value, "non-finite policy");
            return this;
        }

        /**
         * @param value the batches per epoch at most; 0 for all
         * @return this builder
         */
        public Builder maxBatchesPerEpoch(int value) {
            checkArgument(value >= 0, "max batches per epoch must be non-negative, got %s", value);
            this.maxBatchesPerEpoch = value;
            return this;
        }

        /**
         * @param value whether to draw a progress bar on standard error
         * @return this builder
         */
        public Builder progressBar(boolean value) {
            this.progressBar = value;
            return this;
        }

        /**
         * @param value whether to print per-epoch results on standard output
         * @return this builder
         */
        public Builder verbose(boolean value) {
            this.verbose = value;
            return this;
        }

        /** @return the settings */
        public TrainingSettings build() {
            return new TrainingSettings(this);
        }
    }
}
