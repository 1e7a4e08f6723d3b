package org.mtl4j.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.engine.EngineNumerics;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingBlock;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientModes;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * The entry point: a fluent builder that joins an input shape, an encoder, a way of sharing, the tasks, a balancing
 * strategy and a training recipe into a {@link MultiTaskModel}.
 *
 * <pre>{@code
 * try (MultiTaskModel model = MultiTask.builder()
 *         .input(3, 64, 64)
 *         .encoder(Encoders.resNet(32))
 *         .sharing(Architectures.hardSharing())
 *         .task(Task.segmentation("s", 6))
 *         .task(Task.depth("d"))
 *         .weighting(LossWeighting.equal())
 *         .optimizer(OptimizerKind.ADAM, 1e-3f)
 *         .epochs(8)
 *         .seed(42)
 *         .build()) {
 *     TrainingHistory history = model.fit(train, validation);
 * }
 * }</pre>
 *
 * {@link Builder#build()} validates everything and names the offending setting in its message.
 */
public final class MultiTask {

    private MultiTask() {}

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder of {@link MultiTaskModel}. */
    public static final class Builder {
        private Shape input;
        private EncoderFactory encoder;
        private Architecture sharing;
        private final List<Task> tasks = new ArrayList<>();
        private LossWeighting weighting = LossWeighting.equal();
        /** The recipe given to {@link #settings}, or the defaults. */
        private TrainingSettings baseRecipe = TrainingSettings.DEFAULT;
        /** The single-field setters called on this builder, in order; they win over {@link #settings}. */
        private final List<UnaryOperator<TrainingSettings.Builder>> overrides = new ArrayList<>();
        private Device device;
        private InputNormalization normalization;

        private Builder() {}

        /**
         * Sets one sample's input shape, without the batch axis: {@code (C, H, W)} for images, {@code (F)} for
         * vectors.
         *
         * @param shape the dimensions, each positive
         * @return this builder
         */
        public Builder input(long... shape) {
            checkArgument(shape.length > 0, "input shape must have at least one dimension");
            for (long d : shape) {
                checkArgument(d > 0, "input shape %s has a non-positive dimension", new Shape(shape));
            }
            this.input = new Shape(shape);
            return this;
        }

        /**
         * @param factory the encoder design
         * @return this builder
         */
        public Builder encoder(EncoderFactory factory) {
            this.encoder = checkNotNull(factory, "encoder");
            return this;
        }

        /**
         * @param architecture the way of sharing between tasks
         * @return this builder
         */
        public Builder sharing(Architecture architecture) {
            this.sharing = checkNotNull(architecture, "sharing");
            return this;
        }

        /**
         * Adds a task; outputs follow the order of the calls.
         *
         * @param task the task
         * @return this builder
         */
        public Builder task(Task task) {
            tasks.add(checkNotNull(task, "task"));
            return this;
        }

        /**
         * Adds tasks.
         *
         * @param more the tasks
         * @return this builder
         */
        public Builder tasks(Iterable<Task> more) {
            more.forEach(this::task);
            return this;
        }

        /**
         * @param strategy the balancing strategy (default equal weights)
         * @return this builder
         */
        public Builder weighting(LossWeighting strategy) {
            this.weighting = checkNotNull(strategy, "weighting");
            return this;
        }

        /**
         * @param kind the optimiser
         * @param learningRate its base learning rate
         * @return this builder
         */
        public Builder optimizer(OptimizerKind kind, float learningRate) {
            overrides.add(b -> b.optimizer(kind).learningRate(learningRate));
            return this;
        }

        /**
         * @param epochs the number of epochs
         * @return this builder
         */
        public Builder epochs(int epochs) {
            overrides.add(b -> b.epochs(epochs));
            return this;
        }

        /**
         * @param batchSize the batch size
         * @return this builder
         */
        public Builder batchSize(int batchSize) {
            overrides.add(b -> b.batchSize(batchSize));
            return this;
        }

        /**
         * @param seed the seed that fixes initialisation, data order and dropout
         * @return this builder
         */
        public Builder seed(long seed) {
            overrides.add(b -> b.seed(seed));
            return this;
        }

        /**
         * Sets the gradient mode the balancing strategy runs in. When left at {@link GradientMode#NONE} with a
         * gradient-based strategy, {@link #build()} picks {@link GradientMode#PARAMETERS} where the strategy and
         * the architecture allow it, else {@link GradientMode#REPRESENTATION}.
         *
         * @param mode the gradient mode
         * @return this builder
         */
        public Builder gradientMode(GradientMode mode) {
            overrides.add(b -> b.gradientMode(checkNotNull(mode, "gradient mode")));
            return this;
        }

        /**
         * Sets the training recipe. It composes with the single-field setters of this builder ({@link #epochs},
         * {@link #batchSize}, {@link #optimizer}, {@link #seed}, {@link #gradientMode}): those win, whether called
         * before or after this method; a second call replaces the first recipe.
         *
         * @param settings the recipe
         * @return this builder
         */
        public Builder settings(TrainingSettings settings) {
            this.baseRecipe = checkNotNull(settings, "settings");
            return this;
        }

        /**
         * Records how the data set turned raw values into inputs; saved models carry it, so that inference on raw
         * images normalises them the same way.
         *
         * @param value the normalisation
         * @return this builder
         */
        public Builder inputNormalization(InputNormalization value) {
            this.normalization = checkNotNull(value, "normalization");
            return this;
        }

        /**
         * @param target the device (default: the first GPU when the engine sees one, else the CPU)
         * @return this builder
         */
        public Builder device(Device target) {
            this.device = checkNotNull(target, "device");
            return this;
        }

        /**
         * Validates the settings, builds the network and initialises it with the seed.
         *
         * @return the model
         * @throws IllegalStateException naming the missing or inconsistent setting
         */
        public MultiTaskModel build() {
            checkState(input != null, "input shape not set: call input(...), e.g. input(3, 64, 64)");
            checkState(encoder != null, "encoder not set: call encoder(...), e.g. encoder(Encoders.resNet(32))");
            checkState(sharing != null, "sharing not set: call sharing(...), e.g. sharing(Architectures.hardSharing())");
            checkState(!tasks.isEmpty(), "no task added: call task(...) at least once");
            Set<String> names = new HashSet<>();
            for (Task t : tasks) {
                checkState(names.add(t.name()), "task '%s' added twice; task names must be unique", t.name());
            }
            TrainingSettings.Builder composed = baseRecipe.toBuilder();
            overrides.forEach(o -> o.apply(composed));
            TrainingSettings recipe = composed.build();
            ImmutableList<Task> taskList = ImmutableList.copyOf(tasks);
            EngineNumerics.configure();
            Device target = device != null ? device
                    : Engine.getInstance().getGpuCount() > 0 ? Device.gpu() : Device.cpu();
            Engine.getInstance().setRandomSeed((int) (recipe.seed() ^ (recipe.seed() >>> 32)));
            MultiTaskBlock network = sharing.create(input, taskList, encoder);
            checkState(network.taskNames().equals(taskList.stream().map(Task::name).toList()),
                    "architecture '%s' produced outputs %s for tasks %s", sharing.name(), network.taskNames(),
                    taskList.stream().map(Task::name).toList());
            GradientMode mode = GradientModes.decide(recipe.gradientMode(), weighting, network, sharing.name());
            if (mode != recipe.gradientMode()) {
                recipe = recipe.withGradientMode(mode);
            }
            TrainingBlock block = new TrainingBlock(network,
                    weighting.createParameterBlock(network.taskNames()));
            Model model = Model.newInstance("mtl4j-" + sharing.name(), target);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, TrainingBlock.singleSampleBatch(input));
            return new MultiTaskModel(model, block, taskList, weighting, recipe, input, sharing, encoder,
                    Optional.ofNullable(normalization));
        }
    }
}
