package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Training data with its own input per task (LibMTL's "multi-input" mode): Office-31-style domains, or tasks whose
 * data sets differ in size and content. Each task's data set is a single-task data set in the mtl4j layout
 * ({@code data = [input]}, {@code labels = [label, presence (1)]}), for example an
 * {@link InMemoryMultiTaskDataset} with one task or a {@link TaskSubsetDataset} keeping one task. All inputs have the
 * model's input shape; one shared network sees them all.
 *
 * <p>Each step draws a batch from every task's data set, sized by the {@link Sampling} rule, runs the network on each
 * and takes from the forward pass of task t only task t's loss; the balancing strategy then combines the K losses
 * (or their gradients in {@code PARAMETERS} mode) as in single-input training. {@link EpochLength} says what an
 * epoch is. Each data set is reshuffled (seeded) whenever it has been passed once.
 *
 * <pre>{@code
 * MultiInput train = MultiInput.builder()
 *         .task("item", fashionTrain).task("digit", mnistTrain)
 *         .sampling(Sampling.temperature(2)).epochLength(EpochLength.ofTask("digit"))
 *         .build();
 * model.fit(train, MultiInput.builder().task("item", fashionTest).task("digit", mnistTest).build());
 * }</pre>
 */
public final class MultiInput {

    private final ImmutableMap<String, RandomAccessDataset> data;
    private final Sampling sampling;
    private final EpochLength epochLength;

    private MultiInput(Builder b) {
        this.data = ImmutableMap.copyOf(b.data);
        this.sampling = b.sampling;
        this.epochLength = b.epochLength;
    }

    /** @return a new builder (proportional sampling, epochs of the longest pass) */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the task names, in the order they were added */
    public ImmutableList<String> taskNames() {
        return data.keySet().asList();
    }

    /**
     * @param task a task name
     * @return its data set
     * @throws IllegalArgumentException naming the task when it has no data set here
     */
    public RandomAccessDataset data(String task) {
        RandomAccessDataset d = data.get(task);
        checkArgument(d != null, "no input data for task '%s'; inputs were given for %s", task, data.keySet());
        return d;
    }

    /** @return the sampling rule */
    public Sampling sampling() {
        return sampling;
    }

    /** @return what an epoch is */
    public EpochLength epochLength() {
        return epochLength;
    }

    /** Builder of {@link MultiInput}. */
    public static final class Builder {
        private final Map<String, RandomAccessDataset> data = new LinkedHashMap<>();
        private Sampling sampling = Sampling.proportional();
        private EpochLength epochLength = EpochLength.longestTask();

        private Builder() {}

        /**
         * Gives a task its input data.
         *
         * @param task the task name (one of the model's tasks)
         * @param dataset its single-task data set
         * @return this builder
         */
        public Builder task(String task, RandomAccessDataset dataset) {
            checkNotNull(task, "task");
            checkArgument(!data.containsKey(task), "task '%s' given input data twice", task);
            data.put(task, checkNotNull(dataset, "data set of task '%s'", task));
            return this;
        }

        /**
         * @param rule how a step's samples are shared among the tasks
         * @return this builder
         */
        public Builder sampling(Sampling rule) {
            this.sampling = checkNotNull(rule, "sampling");
            return this;
        }

        /**
         * @param length what an epoch is
         * @return this builder
         */
        public Builder epochLength(EpochLength length) {
            this.epochLength = checkNotNull(length, "epoch length");
            return this;
        }

        /**
         * @return the inputs
         * @throws IllegalStateException when no task was given, or a data set is empty (naming the task)
         */
        public MultiInput build() {
            checkState(!data.isEmpty(), "no task given input data: call task(name, dataset)");
            for (Map.Entry<String, RandomAccessDataset> e : data.entrySet()) {
                checkState(e.getValue().size() > 0, "the input data of task '%s' is empty", e.getKey());
            }
            if (epochLength.task() != null) {
                checkState(data.containsKey(epochLength.task()), "the epoch is defined by task '%s', which has no "
                        + "input; tasks: %s", epochLength.task(), data.keySet());
            }
            return new MultiInput(this);
        }
    }
}
