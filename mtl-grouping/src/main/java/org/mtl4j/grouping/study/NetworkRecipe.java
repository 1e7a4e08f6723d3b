package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;

/**
 * How every network of a grouping study or estimate is trained, and the {@link CandidateSpec} of one task subset
 * under it — {@link GroupingStudy}, {@link org.mtl4j.grouping.estimators.SampledHigherOrderAffinity} and {@link org.mtl4j.grouping.estimators.MetaGainSampling} all take their
 * specs from here, so they share one candidate folder.
 *
 * @param description what the data is ({@link StudyData#describe()}); part of every spec
 * @param tasks the tasks, in column order (unique)
 * @param architecture the architecture's name, as the executor's architecture reports it
 * @param width the encoder width of a full-size network
 * @param halfWidth the encoder width of a half-size network
 * @param epochs the epochs of every training
 * @param batchSize the batch size
 * @param learningRate the Adam learning rate
 * @param seed the training seed shared by every network
 */
public record NetworkRecipe(String description, ImmutableList<String> tasks, String architecture, int width,
        int halfWidth, int epochs, int batchSize, float learningRate, long seed) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming a repeated task or a non-positive number
     */
    public NetworkRecipe {
        checkNotNull(description, "data description");
        checkNotNull(tasks, "tasks");
        checkArgument(new HashSet<>(tasks).size() == tasks.size(), "a task is listed twice in %s", tasks);
        checkNotNull(architecture, "architecture");
        checkArgument(width > 0, "width must be positive, got %s", width);
        checkArgument(halfWidth > 0, "half width must be positive, got %s", halfWidth);
        checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
        checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
        checkArgument(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be positive, got %s",
                learningRate);
    }

    /**
     * A recipe whose half-size networks have the default width {@link GroupingStudy#halfWidth(int)}.
     *
     * @param description what the data is
     * @param tasks the tasks, in column order (unique)
     * @param architecture the architecture's name
     * @param width the encoder width of a full-size network
     * @param epochs the epochs of every training
     * @param batchSize the batch size
     * @param learningRate the Adam learning rate
     * @param seed the training seed shared by every network
     * @throws IllegalArgumentException naming a repeated task or a non-positive number
     */
    public NetworkRecipe(String description, ImmutableList<String> tasks, String architecture, int width, int epochs,
            int batchSize, float learningRate, long seed) {
        this(description, tasks, architecture, width, GroupingStudy.halfWidth(width), epochs, batchSize, learningRate,
                seed);
    }

    /**
     * The recipe with mtl4j's study defaults: {@code hps}, width 16, 6 epochs, batch 16, Adam 2·10⁻³, seed 42.
     *
     * @param description what the data is
     * @param tasks the tasks
     * @return the recipe
     */
    public static NetworkRecipe of(String description, List<String> tasks) {
        return builder().build(description, tasks);
    }

    /** @return a builder of the training settings, with the defaults of {@link #of} */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The spec of the full-size network of a subset.
     *
     * @param members the subset's tasks, in any order
     * @return the spec, its tasks in column order, cost 1
     */
    public CandidateSpec spec(Collection<String> members) {
        return spec(members, false);
    }

    /**
     * The spec of the full-size or the half-size network of a subset.
     *
     * @param members the subset's tasks, in any order (one task for a half-size network)
     * @param half whether the half-size network: encoder width {@link #halfWidth()}, cost 0.5, name ending in
     *     {@code (half)}
     * @return the spec, its tasks in column order
     * @throws IllegalArgumentException naming a task outside the recipe's, or a half-size network of several tasks
     */
    public CandidateSpec spec(Collection<String> members, boolean half) {
        List<String> ordered = tasks.stream().filter(members::contains).toList();
        checkArgument(ordered.size() == members.size(), "%s names a task outside %s", members, tasks);
        return new CandidateSpec(description, LossesCsv.networkName(tasks, ordered, half), ordered, half,
                half ? 0.5 : 1.0, architecture, half ? halfWidth : width, epochs, batchSize, learningRate, seed);
    }

    /**
     * Collects the training settings of a recipe — everything but the data and the tasks, which
     * {@link #build(String, List)} takes — with the defaults of {@link NetworkRecipe#of}; the builders of
     * {@link GroupingStudy} and {@link org.mtl4j.grouping.estimators.SampledHigherOrderAffinity} keep their recipe in one. Every setter validates
     * and names its value in the message.
     */
    public static final class Builder {
        private String architecture = "hps";
        private int epochs = 6;
        private int width = 16;
        private int halfWidth;
        private int batchSize = 16;
        private float learningRate = 2e-3f;
        private long seed = 42;

        private Builder() {}

        /**
         * @param name the architecture's name, as the executor's architecture reports it (default {@code hps})
         * @return this builder
         */
        public Builder architecture(String name) {
            this.architecture = checkNotNull(name, "architecture");
            return this;
        }

        /**
         * @param value the epochs of every training (default 6)
         * @return this builder
         */
        public Builder epochs(int value) {
            checkArgument(value > 0, "epochs must be positive, got %s", value);
            this.epochs = value;
            return this;
        }

        /**
         * @param value the encoder width of a full-size network (default 16)
         * @return this builder
         */
        public Builder width(int value) {
            checkArgument(value > 0, "width must be positive, got %s", value);
            this.width = value;
            return this;
        }

        /**
         * @param value the encoder width of a half-size network (default {@link GroupingStudy#halfWidth(int)} of
         *     the width)
         * @return this builder
         */
        public Builder halfWidth(int value) {
            checkArgument(value > 0, "half width must be positive, got %s", value);
            this.halfWidth = value;
            return this;
        }

        /**
         * @param value the batch size (default 16)
         * @return this builder
         */
        public Builder batchSize(int value) {
            checkArgument(value > 0, "batch size must be positive, got %s", value);
            this.batchSize = value;
            return this;
        }

        /**
         * @param value the Adam learning rate (default 2e-3)
         * @return this builder
         */
        public Builder learningRate(float value) {
            checkArgument(value > 0 && Float.isFinite(value), "learning rate must be positive, got %s", value);
            this.learningRate = value;
            return this;
        }

        /**
         * @param value the training seed shared by every network (default 42)
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param description what the data is ({@link StudyData#describe()})
         * @param tasks the tasks, in column order (unique)
         * @return the recipe
         * @throws IllegalArgumentException naming a repeated task
         */
        public NetworkRecipe build(String description, List<String> tasks) {
            return new NetworkRecipe(description, ImmutableList.copyOf(checkNotNull(tasks, "tasks")), architecture,
                    width, halfWidth > 0 ? halfWidth : GroupingStudy.halfWidth(width), epochs, batchSize,
                    learningRate, seed);
        }
    }
}
