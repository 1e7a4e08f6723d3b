package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
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
     * Runs the network and computes the task losses; the arrays of the pass belong to the step's manager, and the
     * pass is the one {@link #metrics()} and {@link #notifyListeners} describe.
     *
     * @param trainer the DJL trainer
     * @param checkLabels whether to check the labels against their tasks first (the training pass)
     * @return the losses and the strategy's outputs
     */
    final Forward forward(Trainer trainer, boolean checkLabels) {
        return forward(trainer, checkLabels, manager());
    }

    /**
     * Runs the network and computes the task losses with the arrays of the pass in {@code into}: a sub-manager of
     * {@link #manager()} frees the pass's activations when it is closed (the meta step's extra passes). Only a pass
     * into the step's own manager becomes the pass that {@link #metrics()} and {@link #notifyListeners} describe.
     *
     * @param trainer the DJL trainer
     * @param checkLabels whether to check the labels against their tasks first
     * @param into the manager that receives the pass's arrays
     * @return the losses and the strategy's outputs
     */
    abstract Forward forward(Trainer trainer, boolean checkLabels, NDManager into);

    /**
     * Views of arrays (sharing their storage) that belong to {@code into}, so that what is computed from them does
     * too.
     *
     * @param arrays the arrays
     * @param into the manager of the views
     * @return the views
     */
    static NDList views(NDList arrays, NDManager into) {
        NDList out = new NDList(arrays.size());
        for (NDArray a : arrays) {
            NDArray v = a.reshape(a.getShape());
            v.attach(into);
            out.add(v);
        }
        return out;
    }

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
