package org.mtl4j.core.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.weighting.MetricSample;

/**
 * The data of one optimiser step and its forward pass: one batch through the network (single input) or one batch
 * per task, each through the network (multi-input). The training step does not know which.
 */
abstract class StepBatch implements AutoCloseable {

    /**
     * What a forward pass gives the step.
     *
     * @param losses the K task losses (with their graph when a gradient collector is open)
     * @param strategyOutputs the balancing strategy's learnable arrays, as the training block outputs them
     */
    record Forward(NDList losses, NDList strategyOutputs) {}

    /** @return the manager of the step: every array of the step belongs to it or is freed with the batch */
    abstract NDManager manager();

    /** @return the labelled samples of each task in this step */
    abstract float[] counts();

    /**
     * Runs the network and computes the task losses.
     *
     * @param trainer the DJL trainer
     * @param checkLabels whether to check the labels against their tasks first (the training pass)
     * @return the losses and the strategy's outputs
     */
    abstract Forward forward(Trainer trainer, boolean checkLabels);

    /**
     * Each task's primary metric on the last forward pass (NaN for a task without labels in this step).
     *
     * @return one sample per task
     */
    abstract ImmutableList<MetricSample> metrics();

    /**
     * Tells DJL's training listeners about the last forward pass.
     *
     * @param trainer the DJL trainer
     */
    abstract void notifyListeners(Trainer trainer);

    @Override
    public abstract void close();
}
