package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;

/** The steps of single-input training: a seeded permutation of the data set per epoch, cut into batches. */
final class SingleInputSource extends InputSource {

    private final RandomAccessDataset data;
    private final ImmutableList<Task> tasks;
    private final TrainingSettings settings;
    private final TaskLossCalculator calculator;
    private final int networkOutputs;
    private final long stepsPerEpoch;

    SingleInputSource(RandomAccessDataset data, ImmutableList<Task> tasks, TrainingSettings settings,
            TaskLossCalculator calculator, int networkOutputs) {
        checkArgument(data.size() > 0, "the training data set is empty");
        this.data = data;
        this.tasks = tasks;
        this.settings = settings;
        this.calculator = calculator;
        this.networkOutputs = networkOutputs;
        long batches = (data.size() + settings.batchSize() - 1) / settings.batchSize();
        this.stepsPerEpoch = settings.maxBatchesPerEpoch() > 0 ? Math.min(batches, settings.maxBatchesPerEpoch())
                : batches;
    }

    @Override
    long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    @Override
    Iterator<StepBatch> epoch(NDManager manager, int epoch) {
        Iterator<Batch> batches = read(data, manager,
                new BatchSampler(new SeededSampler(settings.seed(), epoch), settings.batchSize(), false)).iterator();
        return new Iterator<>() {
            private long taken;

            @Override
            public boolean hasNext() {
                return taken < stepsPerEpoch && batches.hasNext();
            }

            @Override
            public StepBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                taken++;
                return new InputBatch(batches.next(), tasks, calculator, networkOutputs);
            }
        };
    }
}
