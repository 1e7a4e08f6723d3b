package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * A multi-task data set held in memory as float arrays, in the layout the mtl4j training loop reads:
 * {@code data = [input]}, {@code labels = [label_1, …, label_K, presence]} with {@code presence} of shape {@code (K)}
 * (1 = the sample has that task's label, 0 = missing; a missing label's values are ignored by losses and metrics).
 *
 * <p>Build with {@link #builder(Shape, List)}: give the input shape and one label shape per task (without the batch
 * axis), then add samples. Every array's length is checked against its shape, naming the sample and the task.
 */
public final class InMemoryMultiTaskDataset extends RandomAccessDataset {

    private final Shape inputShape;
    private final ImmutableList<Shape> labelShapes;
    private final List<float[]> inputs;
    private final List<float[][]> labels;
    private final List<float[]> presence;

    private InMemoryMultiTaskDataset(Builder b) {
        super(b);
        this.inputShape = b.inputShape;
        this.labelShapes = b.labelShapes;
        this.inputs = b.inputs;
        this.labels = b.labels;
        this.presence = b.presence;
    }

    /**
     * Starts a data set.
     *
     * @param inputShape one input's shape, for example {@code (3, 64, 64)}
     * @param labelShapes one label shape per task, in task order, for example {@code (64, 64)} for class ids
     * @return a builder
     */
    public static Builder builder(Shape inputShape, List<Shape> labelShapes) {
        return new Builder(inputShape, labelShapes);
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        NDList data = new NDList(EngineArrays.create(manager, inputs.get(i), inputShape));
        NDList out = new NDList(labelShapes.size() + 1);
        float[][] l = labels.get(i);
        for (int k = 0; k < labelShapes.size(); k++) {
            out.add(EngineArrays.create(manager, l[k], labelShapes.get(k)));
        }
        out.add(EngineArrays.create(manager, presence.get(i)));
        return new Record(data, out);
    }

    @Override
    protected long availableSize() {
        return inputs.size();
    }

    @Override
    public void prepare(Progress progress) {
        // held in memory
    }

    /** @return one input's shape */
    public Shape inputShape() {
        return inputShape;
    }

    /** @return the label shapes, in task order */
    public ImmutableList<Shape> labelShapes() {
        return labelShapes;
    }

    /**
     * Returns the stored arrays of one sample (not copies: do not modify).
     *
     * @param index the sample
     * @return the labels, in task order
     */
    public float[][] labelsOf(int index) {
        return labels.get(index);
    }

    /**
     * Returns the presence flags of one sample (not a copy: do not modify).
     *
     * @param index the sample
     * @return 1 where the task's label is present
     */
    public float[] presenceOf(int index) {
        return presence.get(index);
    }

    /**
     * Returns a data set with the same samples and only some of the tasks (for example one task, to train a
     * single-task baseline). The arrays are shared, not copied.
     *
     * @param taskIndices the tasks to keep, in the new order
     * @return the data set
     */
    public InMemoryMultiTaskDataset selectTasks(int... taskIndices) {
        checkArgument(taskIndices.length > 0, "select at least one task");
        List<Shape> shapes = new ArrayList<>();
        for (int t : taskIndices) {
            checkArgument(t >= 0 && t < labelShapes.size(), "task index %s out of range [0, %s)", t,
                    labelShapes.size());
            shapes.add(labelShapes.get(t));
        }
        Builder b = builder(inputShape, shapes);
        for (int i = 0; i < inputs.size(); i++) {
            float[][] l = new float[taskIndices.length][];
            boolean[] p = new boolean[taskIndices.length];
            for (int j = 0; j < taskIndices.length; j++) {
                l[j] = labels.get(i)[taskIndices[j]];
                p[j] = presence.get(i)[taskIndices[j]] != 0f;
            }
            b.add(inputs.get(i), l, p);
        }
        return b.build();
    }

    /** Builder of {@link InMemoryMultiTaskDataset}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private final Shape inputShape;
        private final ImmutableList<Shape> labelShapes;
        private final List<float[]> inputs = new ArrayList<>();
        private final List<float[][]> labels = new ArrayList<>();
        private final List<float[]> presence = new ArrayList<>();

        private Builder(Shape inputShape, List<Shape> labelShapes) {
            checkArgument(!labelShapes.isEmpty(), "at least one task label shape is needed");
            this.inputShape = inputShape;
            this.labelShapes = ImmutableList.copyOf(labelShapes);
            setSampling(new ai.djl.training.dataset.BatchSampler(new SequenceSampler(), 1, false));
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Adds a sample with every label present.
         *
         * @param input the input, {@code inputShape.size()} values
         * @param taskLabels one array per task
         * @return this builder
         */
        public Builder add(float[] input, float[]... taskLabels) {
            boolean[] all = new boolean[labelShapes.size()];
            java.util.Arrays.fill(all, true);
            return add(input, taskLabels, all);
        }

        /**
         * Adds a sample whose labels may be missing.
         *
         * @param input the input, {@code inputShape.size()} values
         * @param taskLabels one array per task (a missing task's array may be null)
         * @param present whether each task's label is present
         * @return this builder
         */
        public Builder add(float[] input, float[][] taskLabels, boolean[] present) {
            int n = inputs.size();
            checkArgument(input.length == inputShape.size(), "sample %s: input has %s values, expected %s for shape %s",
                    n, input.length, inputShape.size(), inputShape);
            checkArgument(taskLabels.length == labelShapes.size() && present.length == labelShapes.size(),
                    "sample %s: %s label arrays and %s presence flags given for %s tasks", n, taskLabels.length,
                    present.length, labelShapes.size());
            float[][] stored = new float[labelShapes.size()][];
            float[] p = new float[labelShapes.size()];
            for (int k = 0; k < labelShapes.size(); k++) {
                long expected = labelShapes.get(k).size();
                if (present[k]) {
                    checkArgument(taskLabels[k] != null, "sample %s: label of task %s is marked present but is null",
                            n, k);
                    checkArgument(taskLabels[k].length == expected,
                            "sample %s: label of task %s has %s values, expected %s for shape %s", n, k,
                            taskLabels[k].length, expected, labelShapes.get(k));
                    stored[k] = taskLabels[k];
                    p[k] = 1f;
                } else {
                    stored[k] = taskLabels[k] != null && taskLabels[k].length == expected ? taskLabels[k]
                            : new float[Math.toIntExact(expected)];
                }
            }
            inputs.add(input);
            labels.add(stored);
            presence.add(p);
            return this;
        }

        /**
         * Builds the data set.
         *
         * @return the data set
         */
        public InMemoryMultiTaskDataset build() {
            checkState(!inputs.isEmpty(), "the data set has no samples");
            return new InMemoryMultiTaskDataset(this);
        }
    }
}
