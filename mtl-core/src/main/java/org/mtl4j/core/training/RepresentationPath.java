package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
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
    ImmutableList<GradientSegment> segments() {
        NDList detached = tap.detached();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < detached.size(); i++) {
            names.add("z" + i);
        }
        return GradientSegment.contiguous(names, detached.stream().map(NDArray::getShape).toList());
    }

    @Override
    NDArray taskGradients(Step step) {
        return TaskGradients.ofRepresentation(step.losses(), tap, step.stepManager());
    }

    @Override
    void applyCombined(NDArray combined) {
        TaskGradients.backwardThroughEncoder(tap, combined);
    }
}
