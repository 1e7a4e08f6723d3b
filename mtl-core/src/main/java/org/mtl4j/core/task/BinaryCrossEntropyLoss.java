package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.core.data.EngineArrays;

/**
 * Binary cross-entropy on logits with an optional positive weight {@code w}:
 * {@code ℓ = w·y·softplus(−x) + (1 − y)·softplus(x)} (the numerically stable form of
 * {@code −w·y·log σ(x) − (1 − y)·log(1 − σ(x))}), averaged over the elements of present samples.
 */
final class BinaryCrossEntropyLoss implements TaskLoss {

    private final float positiveWeight;

    BinaryCrossEntropyLoss(float positiveWeight) {
        this.positiveWeight = positiveWeight;
    }

    @Override
    public String name() {
        return "binary-cross-entropy";
    }

    static NDArray softplus(NDArray x) {
        return x.maximum(EngineArrays.scalar(x.getManager(), 0f)).add(x.abs().neg().exp().add(1f).log());
    }

    @Override
    public NDArray compute(NDArray prediction, NDArray label, NDArray present) {
        NDArray pos = label.mul(softplus(prediction.neg())).mul(EngineArrays.scalar(prediction.getManager(), positiveWeight));
        NDArray neg = label.neg().add(1f).mul(softplus(prediction));
        NDArray valid = Masks.broadcastable(present, label.getShape().dimension()).broadcast(label.getShape());
        return Masks.safeMean(pos.add(neg).mul(valid).sum(), valid.sum());
    }

    @Override
    public Shape expectedLabelShape(Shape predictionShape) {
        return predictionShape;
    }

    @Override
    public String toString() {
        return "BinaryCrossEntropy(posWeight=" + positiveWeight + ")";
    }
}
