package org.mtl4j.core.training;

/**
 * Thrown when a task loss becomes NaN or infinite under {@link NonFinitePolicy#STOP}.
 */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String task;
    private final long step;

    /**
     * Creates the exception.
     *
     * @param task the task whose loss was not finite
     * @param value the value
     * @param epoch the epoch, from 0
     * @param step the global step, from 0
     */
    public NonFiniteLossException(String task, float value, int epoch, long step) {
        super(String.format("task '%s': loss is %s at epoch %d, step %d; lower the learning rate, clip gradients, "
                + "check the labels, or choose NonFinitePolicy.SKIP_BATCH", task, value, epoch + 1, step));
        this.task = task;
        this.step = step;
    }

    /** @return the task whose loss was not finite */
    public String task() {
        return task;
    }

    /** @return the global step, from 0 */
    public long step() {
        return step;
    }
}
