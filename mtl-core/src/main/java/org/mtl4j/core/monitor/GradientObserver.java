package org.mtl4j.core.monitor;

/**
 * Receives, after every optimiser step, what the strategy did: the weights it gave the tasks and, in the gradient
 * modes, how the task gradients related to each other ({@link StepRecord}). Register one with
 * {@code MultiTaskTrainer.observeGradients}; {@link GradientMonitor} is the built-in one that keeps per-epoch
 * summaries.
 *
 * <p>Costs nothing while no observer is registered. With one, a gradient-mode step computes one extra K×K product of
 * the K×D task-gradient matrix (the strategies' own Gram matrices are theirs) and copies it to the host; the
 * training numbers do not change.
 */
@FunctionalInterface
public interface GradientObserver {

    /**
     * Called once per optimiser step taken (not for skipped batches), on the training thread.
     *
     * @param step what the step did
     */
    void onStep(StepRecord step);
}
