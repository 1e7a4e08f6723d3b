package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/** Helpers shared by the losses and metrics: broadcasting the per-sample presence mask. */
final class Masks {

    private Masks() {}

    /**
     * Reshapes a presence mask {@code (N)} so that it broadcasts against an array of {@code rank} axes.
     *
     * @param present the mask, shape {@code (N)}
     * @param rank the rank of the array to broadcast against
     * @return a float mask of shape {@code (N, 1, ..., 1)}
     */
    static NDArray broadcastable(NDArray present, int rank) {
        long[] dims = new long[rank];
        java.util.Arrays.fill(dims, 1L);
        dims[0] = present.getShape().get(0);
        NDArray p = present.getDataType() == DataType.FLOAT32 ? present : present.toType(DataType.FLOAT32, false);
        return p.reshape(new Shape(dims));
    }

    /**
     * Returns {@code sum / max(1, count)} so that a batch without valid elements gives zero, not NaN.
     *
     * @param sum the summed loss
     * @param count the number of valid elements
     * @return the mean over valid elements
     */
    static NDArray safeMean(NDArray sum, NDArray count) {
        return sum.div(count.maximum(1f)); // scalar-ok: a label count, no gradient flows into it
    }
}
