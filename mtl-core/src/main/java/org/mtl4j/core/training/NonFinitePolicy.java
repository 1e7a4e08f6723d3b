package org.mtl4j.core.training;

/**
 * What the training loop does when a task loss is NaN or infinite.
 */
public enum NonFinitePolicy {
    /** Stop with a {@link NonFiniteLossException} naming the task, the epoch and the step (the default). */
    STOP,
    /** Skip the batch without an update and count it in the history. */
    SKIP_BATCH
}
