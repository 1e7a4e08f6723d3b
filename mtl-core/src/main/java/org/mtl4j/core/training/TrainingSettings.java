package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.weighting.GradientMode;

/**
 * The training recipe: epochs, batch size, the optimiser, the seed, the gradient mode of the balancing strategy,
 * gradient clipping, the handling of non-finite losses and the console output. A record, validated when made (the
 * message names the field and the value); {@link #builder()} and {@link #toBuilder()} give a builder over it.
 * Defaults ({@link #DEFAULT}): 10 epochs, batch 16, {@link OptimizerSettings#DEFAULT} (Adam at 1e-3, constant
 * rate), seed 42, no clipping, stop on non-finite losses, progress bar and per-epoch lines on.
 *
 * @param epochs the number of epochs, positive
 * @param batchSize the batch size, positive (with several inputs: the samples of one step, all tasks together)
 * @param optimizer the optimiser
 * @param seed the seed that fixes initialisation, data order and dropout
 * @param gradientMode the gradient mode the balancing strategy runs in ({@code NONE}: decided at build)
 * @param clipGradientNorm the global gradient-norm limit, 0 for none
 * @param nonFinitePolicy what to do on a non-finite loss
 * @param maxBatchesPerEpoch the batches per epoch at most, 0 for all
 * @param progressBar whether a progress bar is drawn (on standard error only when it is a terminal)
 * @param verbose whether per-epoch results are reported
 */
public record TrainingSettings(int epochs, int batchSize, OptimizerSettings optimizer, long seed,
        GradientMode gradientMode, float clipGradientNorm, NonFinitePolicy nonFinitePolicy, int maxBatchesPerEpoch,
        boolean progressBar, boolean verbose) {

    /** The defaults. */
    public static final TrainingSettings DEFAULT = new TrainingSettings(10, 16, OptimizerSettings.DEFAULT, 42,
            GradientMode.NONE, 0f, NonFinitePolicy.STOP, 0, true, true);

    /** Validates every field. */
    public TrainingSettings {
        checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
        checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
        checkNotNull(optimizer, "optimizer");
        checkNotNull(gradientMode, "gradient mode");
        checkArgument(clipGradientNorm >= 0 && Float.isFinite(clipGradientNorm),
                "gradient clip norm must be non-negative, got %s", clipGradientNorm);
        checkNotNull(nonFinitePolicy, "non-finite policy");
        checkArgument(maxBatchesPerEpoch >= 0, "max batches per epoch must be non-negative, got %s",
                maxBatchesPerEpoch);
    }

    /** @return a builder starting from {@link #DEFAULT} */
    public static Builder builder() {
        return DEFAULT.toBuilder();
    }

    /** @return a builder starting from these settings */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * @param mode the gradient mode
     * @return these settings in that mode
     */
    public TrainingSettings withGradientMode(GradientMode mode) {
        return toBuilder().gradientMode(mode).build();
    }

    /**
     * The learning rate over a run of {@code stepsPerEpoch × epochs} steps, as the optimiser's schedule gives it.
     *
     * @param stepsPerEpoch the optimiser steps in one epoch
     * @return the tracker
     */
    public Tracker learningRateTracker(long stepsPerEpoch) {
        return optimizer.learningRateTracker(stepsPerEpoch * epochs);
    }

    /**
     * DJL's own optimiser for a run of {@code stepsPerEpoch × epochs} steps ({@link OptimizerSettings#createOptimizer}).
     *
     * @param stepsPerEpoch the optimiser steps in one epoch
     * @return the optimiser
     */
    public Optimizer createOptimizer(long stepsPerEpoch) {
        return optimizer.createOptimizer(stepsPerEpoch * epochs);
    }

    /** @return the settings as an ordered map, for result files */
    public ImmutableMap<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer.kind().name().toLowerCase(Locale.ROOT));
        m.put("learning_rate", optimizer.learningRate());
        m.put("weight_decay", optimizer.weightDecay());
        m.put("momentum", optimizer.momentum());
        m.put("schedule", optimizer.schedule().name().toLowerCase(Locale.ROOT));
        m.put("seed", seed);
        m.put("gradient_mode", gradientMode.name().toLowerCase(Locale.ROOT));
        m.put("clip_gradient_norm", clipGradientNorm);
        m.put("non_finite_policy", nonFinitePolicy.name().toLowerCase(Locale.ROOT));
        m.put("max_batches_per_epoch", maxBatchesPerEpoch);
        return ImmutableMap.copyOf(m);
    }

    /**
     * A builder over {@link TrainingSettings}: one setter per field (and per optimiser field), validated by the
     * record in {@link #build()}.
     */
    public static final class Builder {
        private int epochs;
        private int batchSize;
        private OptimizerKind kind;
        private float learningRate;
        private float weightDecay;
        private float momentum;
        private LearningRateSchedule schedule;
        private long seed;
        private GradientMode gradientMode;
        private float clipGradientNorm;
        private NonFinitePolicy nonFinitePolicy;
        private int maxBatchesPerEpoch;
        private boolean progressBar;
        private boolean verbose;

        private Builder(TrainingSettings s) {
            epochs = s.epochs;
            batchSize = s.batchSize;
            optimizer(s.optimizer);
            seed = s.seed;
            gradientMode = s.gradientMode;
            clipGradientNorm = s.clipGradientNorm;
            nonFinitePolicy = s.nonFinitePolicy;
            maxBatchesPerEpoch = s.maxBatchesPerEpoch;
            progressBar = s.progressBar;
            verbose = s.verbose;
        }

        /**
         * @param value the number of epochs
         * @return this builder
         */
        public Builder epochs(int value) {
            epochs = value;
            return this;
        }

        /**
         * @param value the batch size
         * @return this builder
         */
        public Builder batchSize(int value) {
            batchSize = value;
            return this;
        }

        /**
         * @param value all optimiser settings at once
         * @return this builder
         */
        public Builder optimizer(OptimizerSettings value) {
            kind = value.kind();
            learningRate = value.learningRate();
            weightDecay = value.weightDecay();
            momentum = value.momentum();
            schedule = value.schedule();
            return this;
        }

        /**
         * @param value the optimiser
         * @return this builder
         */
        public Builder optimizer(OptimizerKind value) {
            kind = value;
            return this;
        }

        /**
         * @param value the base learning rate
         * @return this builder
         */
        public Builder learningRate(float value) {
            learningRate = value;
            return this;
        }

        /**
         * @param value the weight decay
         * @return this builder
         */
        public Builder weightDecay(float value) {
            weightDecay = value;
            return this;
        }

        /**
         * @param value the SGD momentum
         * @return this builder
         */
        public Builder momentum(float value) {
            momentum = value;
            return this;
        }

        /**
         * @param value the learning-rate schedule
         * @return this builder
         */
        public Builder schedule(LearningRateSchedule value) {
            schedule = value;
            return this;
        }

        /**
         * @param value the seed
         * @return this builder
         */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /**
         * @param value the gradient mode
         * @return this builder
         */
        public Builder gradientMode(GradientMode value) {
            gradientMode = value;
            return this;
        }

        /**
         * @param value the global gradient-norm limit, 0 for none
         * @return this builder
         */
        public Builder clipGradientNorm(float value) {
            clipGradientNorm = value;
            return this;
        }

        /**
         * @param value what to do on a non-finite loss
         * @return this builder
         */
        public Builder nonFinitePolicy(NonFinitePolicy value) {
            nonFinitePolicy = value;
            return this;
        }

        /**
         * @param value the batches per epoch at most, 0 for all
         * @return this builder
         */
        public Builder maxBatchesPerEpoch(int value) {
            maxBatchesPerEpoch = value;
            return this;
        }

        /**
         * @param value whether to draw a progress bar
         * @return this builder
         */
        public Builder progressBar(boolean value) {
            progressBar = value;
            return this;
        }

        /**
         * @param value whether to report per-epoch results
         * @return this builder
         */
        public Builder verbose(boolean value) {
            verbose = value;
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalArgumentException naming the first invalid field
         */
        public TrainingSettings build() {
            return new TrainingSettings(epochs, batchSize,
                    new OptimizerSettings(kind, learningRate, weightDecay, momentum, schedule), seed, gradientMode,
                    clipGradientNorm, nonFinitePolicy, maxBatchesPerEpoch, progressBar, verbose);
        }
    }
}
