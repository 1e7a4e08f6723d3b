package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Masked L1 ({@code |x − y|}) or L2 ({@code (x − y)²}) loss, averaged over valid elements. An element is valid when
 * its sample is present and, if an invalid value is set (for example depth 0 = no measurement), its label differs
 * from that value.
 */
final class MaskedRegressionLoss implements TaskLoss {

    private final boolean squared;
    private final Float invalidValue;

    MaskedRegressionLoss(boolean squared, Float invalidValue) {
        this.squared = squared;
        this.invalidValue = invalidValue;
    }

    @Override
    public String name() {
        return squared ? "l2" : "l1";
    }

    @Override
    public NDArray compute(NDArray prediction, NDArray label, NDArray present) {
        NDArray valid = Masks.broadcastable(present, label.getShape().dimension());
        if (invalidValue != null) {
            valid = valid.mul(label.neq(invalidValue).toType(DataType.FLOAT32, false));
        } else {
            valid = valid.broadcast(label.getShape());
        }
        NDArray diff = prediction.sub(label);
        NDArray per = squared ? diff.square() : diff.abs();
        return Masks.safeMean(per.mul(valid).sum(), valid.sum());
    }

    @Override
    public Shape expectedLabelShape(Shape predictionShape) {
        return predictionShape;
    }

    @Override
    public String toString() {
        return (squared ? "MaskedL2" : "MaskedL1") + (invalidValue == null ? "" : "(invalid=" + invalidValue + ")");
    }
}
