package org.mtl4j.core.training;

import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.Tracker;
import java.util.Iterator;

/**
 * The validation batches of the meta steps ({@link org.mtl4j.core.weighting.LossWeighting#needsMetaStep()}) and
 * the learning rate they see: the validation data, read as an {@link InputSource} under a seed of its own, one batch
 * per training batch, epoch after epoch of it for as long as training lasts.
 *
 * <p>Which batch a training batch gets depends only on the seed and the number of training batches before it (skipped
 * ones included), so a run resumed at an epoch boundary draws what the uninterrupted run drew: the cycle is placed
 * by reading past the batches already used.
 */
final class MetaBatches implements AutoCloseable {

    /** Mixed into the run seed for the validation order, so that it differs from the training order. */
    private static final long SEED_MIX = 0x6A09E667F3BCC909L;

    private final InputSource source;
    private final NDManager parent;
    private final Tracker learningRate;
    private final long perCycle;
    private NDManager cycleManager;
    private Iterator<StepBatch> batches;
    private int cycle;

    /**
     * Creates the cycle, placed after {@code drawn} batches.
     *
     * @param source the validation data as steps (built with {@link #settings})
     * @param parent the manager of the readers (the trainer's)
     * @param learningRate the optimiser's learning rate over the run
     * @param drawn the training batches already run (epochs completed × steps per epoch when resuming)
     */
    MetaBatches(InputSource source, NDManager parent, Tracker learningRate, long drawn) {
        this.source = source;
        this.parent = parent;
        this.learningRate = learningRate;
        this.perCycle = source.stepsPerEpoch();
        this.cycle = (int) (drawn / perCycle);
        open();
        for (long i = drawn % perCycle; i > 0 && batches.hasNext(); i--) {
            batches.next().close();
        }
    }

    /**
     * The settings the validation data is read with: the run's batch size, every batch, a seed of its own.
     *
     * @param settings the run's settings
     * @return the settings of the validation cycle
     */
    static TrainingSettings settings(TrainingSettings settings) {
        return settings.toBuilder().seed(settings.seed() ^ SEED_MIX).maxBatchesPerEpoch(0).build();
    }

    private void open() {
        cycleManager = parent.newSubManager();
        batches = source.epoch(cycleManager, cycle);
    }

    /** @return the next validation batch; the caller closes it */
    StepBatch next() {
        if (!batches.hasNext()) {
            cycleManager.close();
            cycle++;
            open();
        }
        return batches.next();
    }

    /**
     * The learning rate of a step, as the optimiser computes it ({@code CheckpointableOptimizer}'s update number
     * is the step plus one).
     *
     * @param step the global step, from 0
     * @return the learning rate
     */
    double learningRate(long step) {
        return learningRate.getNewValue(Math.toIntExact(step + 1));
    }

    @Override
    public void close() {
        cycleManager.close();
    }
}
