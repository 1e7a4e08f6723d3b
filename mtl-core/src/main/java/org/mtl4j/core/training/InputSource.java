package org.mtl4j.core.training;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

/**
 * Where the steps of an epoch come from: {@link SingleInputSource} (one data set, every task's labels) or
 * {@link MultiInputSource} (one data set per task). The epoch loop closes each {@link StepBatch} after its step.
 */
abstract class InputSource {

    /** @return the optimiser steps of one epoch */
    abstract long stepsPerEpoch();

    /**
     * The steps of one epoch, seeded by the run seed and the epoch alone.
     *
     * @param manager the epoch's manager: it owns the readers and their batches, and is closed when the epoch ends
     *     (a reader left before its end would otherwise keep its manager open)
     * @param epoch the epoch
     * @return at most {@link #stepsPerEpoch()} step batches
     */
    abstract Iterator<StepBatch> epoch(NDManager manager, int epoch);

    /** Reads a data set through a sampler; a failure names the data set's class. */
    static Iterable<Batch> read(RandomAccessDataset data, NDManager manager, Sampler sampler) {
        try {
            return data.getData(manager, sampler);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException("could not read the training data (" + data.getClass().getSimpleName()
                    + "): " + e.getMessage(), e);
        }
    }
}
