package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Softmax cross-entropy over the channel axis with an ignore label:
 * {@code L = −Σ_valid log softmax(x)[y] / max(1, #valid)}, where an element is valid when its sample is present
 * and its label differs from the ignore label.
 */
final class CrossEntropyLoss implements TaskLoss {

    private final int ignoreLabel;

    CrossEntropyLoss(int ignoreLabel) {
        this.ignoreLabel = ignoreLabel;
    }

    @Override
    public String name() {
        return "cross-entropy";
    }

    @Override
    public NDArray compute(NDArray prediction, NDArray label, NDArray present) {
        NDArray logp = prediction.logSoftmax(1);
        NDArray valid = validMask(label, present);
        NDArray safe = label.toType(DataType.INT64, false).mul(valid.toType(DataType.INT64, false));
        NDArray picked = logp.gather(safe.expandDims(1), 1).squeeze(1);
        return Masks.safeMean(picked.mul(valid).sum().neg(), valid.sum());
    }

    NDArray validMask(NDArray label, NDArray present) {
        NDArray notIgnored = label.toType(DataType.FLOAT32, false).neq((float) ignoreLabel).toType(DataType.FLOAT32, false);
        return notIgnored.mul(Masks.broadcastable(present, label.getShape().dimension()));
    }

    @Override
    public Shape expectedLabelShape(Shape predictionShape) {
        long[] dims = predictionShape.getShape();
        long[] out = new long[dims.length - 1];
        out[0] = dims[0];
        System.arraycopy(dims, 2, out, 1, dims.length - 2);
        return new Shape(out);
    }

    @Override
    public void checkLabel(String taskName, NDArray prediction, NDArray label) {
        TaskLoss.super.checkLabel(taskName, prediction, label);
        long classes = prediction.getShape().get(1);
        NDArray valid = validMask(label, label.getManager().ones(new Shape(label.getShape().get(0))));
        NDArray masked = label.toType(DataType.FLOAT32, false).mul(valid);
        float max = masked.max().getFloat();
        float min = masked.min().getFloat();
        if (max >= classes || min < 0) {
            throw new IllegalArgumentException(String.format(
                    "task '%s': class id %s is out of range for a head with %d classes (ids must lie in [0, %d], "
                            + "or equal the ignore label %d)",
                    taskName, max >= classes ? (long) max : (long) min, classes, classes - 1, ignoreLabel));
        }
    }

    @Override
    public String toString() {
        return "CrossEntropy(ignore=" + ignoreLabel + ")";
    }
}
