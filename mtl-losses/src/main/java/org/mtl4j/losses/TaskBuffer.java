package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.core.data.EngineArrays;

/**
 * A K×N float32 array of per-task running state that outlives the training step (MoCo's tracked gradients, DB-MTL's
 * averaged gradients, ExcessMTL's sums of squared gradients). It belongs to a manager of its own, created lazily on
 * the gradients' device, never to a step's manager: each step computes the next value from the current one, hands it
 * to {@link #replace}, which moves it here and closes the previous one at once. Checkpoints get the values as doubles
 * (float32 values, so the round trip is exact); restored values become an array again at the next step, when the
 * device and the shape are known. {@link #close()} frees the native memory and forgets the state.
 */
final class TaskBuffer implements AutoCloseable {

    private final String owner;
    private NDManager manager;
    private NDArray value;
    private double[] restored;

    /**
     * Creates an empty buffer.
     *
     * @param owner the strategy's name, for messages
     */
    TaskBuffer(String owner) {
        this.owner = owner;
    }

    /**
     * Returns the current value, zeros when there is none yet.
     *
     * @param like an array on the device the value must live on (the step's gradients)
     * @param shape the expected shape, {@code (K, N)}
     * @return the value, owned by this buffer: do not close it
     * @throws IllegalArgumentException when a restored or kept value has another size
     */
    NDArray current(NDArray like, Shape shape) {
        Device device = like.getDevice();
        if (value != null && !value.getDevice().equals(device)) {
            restored = export(); // the device changed: move the values through the host
            closeManager();
        }
        if (restored != null) {
            checkArgument(restored.length == shape.size(), "%s: checkpoint state has %s values, expected %s for %s",
                    owner, restored.length, shape.size(), shape);
            NDArray v = EngineArrays.create(manager(like), Gradients.toFloat(restored), shape);
            restored = null;
            replace(v);
        }
        if (value == null) {
            value = manager(like).zeros(shape, DataType.FLOAT32);
        }
        checkArgument(value.getShape().equals(shape), "%s: running state has shape %s, the gradients need %s", owner,
                value.getShape(), shape);
        return value;
    }

    /**
     * Makes {@code next} the value: moves it to this buffer's manager and closes the previous value.
     *
     * @param next the new value, on the device of the last {@link #current} call
     */
    void replace(NDArray next) {
        if (next == value) {
            return;
        }
        next.attach(manager(next));
        if (value != null) {
            value.close();
        }
        value = next;
    }

    /** @return the values row-major as doubles, or null when there are none */
    double[] export() {
        if (value != null) {
            return Gradients.toDouble(value.toFloatArray());
        }
        return restored == null ? null : restored.clone();
    }

    /**
     * Replaces the state with saved values (or none); they become an array at the next {@link #current} call.
     *
     * @param values row-major values, or null to start from zeros
     */
    void restore(double[] values) {
        if (value != null) {
            value.close();
            value = null;
        }
        restored = values == null ? null : values.clone();
    }

    private NDManager manager(NDArray like) {
        if (manager == null) {
            manager = like.getManager().getEngine().newBaseManager(like.getDevice());
        }
        return manager;
    }

    private void closeManager() {
        if (manager != null) {
            manager.close();
        }
        manager = null;
        value = null;
    }

    /** Frees the native memory and forgets the state. */
    @Override
    public void close() {
        closeManager();
        restored = null;
    }
}
