package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import java.io.IOException;

/**
 * A view of a multi-task data set that keeps only some of its tasks (for example one, to train a single-task
 * baseline on exactly the same samples): labels and presence columns are selected per record, nothing is copied.
 */
public final class TaskSubsetDataset extends RandomAccessDataset {

    private final RandomAccessDataset source;
    private final int[] tasks;
    private final int sourceTasks;

    /**
     * Creates the view.
     *
     * @param source a data set in the mtl4j layout ({@code labels = [label_1, …, label_K, presence (K)]})
     * @param sourceTasks K, the number of tasks of the source
     * @param tasks the indices of the tasks to keep, in the new order
     */
    public TaskSubsetDataset(RandomAccessDataset source, int sourceTasks, int... tasks) {
        super(new Builder().setSampling(new BatchSampler(new SequenceSampler(), 1, false)));
        checkArgument(tasks.length > 0, "keep at least one task");
        for (int t : tasks) {
            checkArgument(t >= 0 && t < sourceTasks, "task index %s out of range [0, %s)", t, sourceTasks);
        }
        this.source = source;
        this.tasks = tasks.clone();
        this.sourceTasks = sourceTasks;
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        Record r = source.get(manager, index);
        NDList labels = r.getLabels();
        checkArgument(labels.size() == sourceTasks + 1, "record %s has %s label arrays; expected %s tasks and the "
                + "presence mask", index, labels.size(), sourceTasks);
        NDList kept = new NDList(tasks.length + 1);
        float[] presence = labels.get(sourceTasks).toFloatArray();
        float[] p = new float[tasks.length];
        for (int i = 0; i < tasks.length; i++) {
            kept.add(labels.get(tasks[i]));
            p[i] = presence[tasks[i]];
        }
        NDArray mask = EngineArrays.create(manager, p);
        kept.add(mask);
        return new Record(r.getData(), kept);
    }

    @Override
    protected long availableSize() {
        return source.size();
    }

    @Override
    public void prepare(Progress progress) throws IOException, ai.djl.translate.TranslateException {
        source.prepare(progress);
    }

    private static final class Builder extends BaseBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
