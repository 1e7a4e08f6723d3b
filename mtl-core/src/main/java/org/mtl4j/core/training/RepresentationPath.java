package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.gradient.TaskGradients;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.model.RepresentationTap;
import org.mtl4j.core.weighting.GradientSegment;

/**
 * {@link org.mtl4j.core.weighting.GradientMode#REPRESENTATION}: the forward pass runs the heads on a detached copy of
 * the shared representation {@code z} (a tap installed before it); K backward passes through the heads give the K×D
 * matrix of gradients with respect to {@code z} (columns: the tapped arrays in order, flattened), and the strategy's
 * combination is back-propagated through the encoder once.
 */
final class RepresentationPath extends GradientPath.Combining {

    private final MultiTaskBlock network;
    private RepresentationTap tap;

    RepresentationPath(MultiTaskBlock network) {
        this.network = network;
    }

    @Override
    void beforeForward() {
        tap = new RepresentationTap();
        network.tapRepresentationOnce(tap);
    }

    @Override
    NDArray taskGradients(Step step) {
        return TaskGradients.ofRepresentation(step.losses(), tap, step.stepManager());
    }

    @Override
    void applyCombined(NDArray combined) {
        TaskGradients.backwardThroughEncoder(tap, combined);
    }

    @Override
    ImmutableList<GradientSegment> segments() {
        ImmutableList.Builder<GradientSegment> b = ImmutableList.builder();
        long offset = 0;
        NDList detached = tap.detached();
        for (int i = 0; i < detached.size(); i++) {
            Shape shape = detached.get(i).getShape();
            b.add(new GradientSegment("z" + i, offset, shape.size(), shape));
            offset += shape.size();
        }
        return b.build();
    }
}
