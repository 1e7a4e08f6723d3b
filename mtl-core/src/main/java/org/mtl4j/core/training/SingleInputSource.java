package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/** The steps of single-input training: a seeded permutation of the data set per epoch, cut into batches. */
final class SingleInputSource extends InputSource {

    private final RandomAccessDataset data;
    private final TrainingSettings settings;
    private final Function<Batch, StepBatch> step;
    private final long stepsPerEpoch;

    /**
     * @param data the training data
     * @param settings the recipe (seed, batch size, batches per epoch)
     * @param step makes a batch a step
     */
    SingleInputSource(RandomAccessDataset data, TrainingSettings settings, Function<Batch, StepBatch> step) {
        checkArgument(data.size() > 0, "the training data set is empty");
        this.data = data;
        this.settings = settings;
        this.step = step;
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
                return step.apply(batches.next());
            }
        };
    }
}
