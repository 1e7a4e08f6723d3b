package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Surface-normal loss {@code 1 − cos(x̂, ŷ)} per pixel, with both vectors L2-normalised over the channel axis,
 * averaged over valid pixels (sample present and label not the zero vector).
 */
final class NormalVectorLoss implements TaskLoss {

    private static final float EPS = 1e-8f;

    @Override
    public String name() {
        return "normal-cosine";
    }

    @Override
    public NDArray compute(NDArray prediction, NDArray label, NDArray present) {
        NDArray predNorm = prediction.square().sum(new int[] {1}, true).add(EPS).sqrt();
        NDArray labelSq = label.square().sum(new int[] {1}, true);
        NDArray labelNorm = labelSq.add(EPS).sqrt();
        NDArray cos = prediction.div(predNorm).mul(label.div(labelNorm)).sum(new int[] {1});
        NDArray valid = labelSq.squeeze(1).gt(0f).toType(DataType.FLOAT32, false)
                .mul(Masks.broadcastable(present, cos.getShape().dimension()));
        return Masks.safeMean(cos.neg().add(1f).mul(valid).sum(), valid.sum());
    }

    @Override
    public Shape expectedLabelShape(Shape predictionShape) {
        return predictionShape;
    }

    @Override
    public String toString() {
        return "NormalCosine";
    }
}
