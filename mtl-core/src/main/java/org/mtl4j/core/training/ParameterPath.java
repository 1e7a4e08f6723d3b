package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.google.common.collect.ImmutableList;
import java.util.List;
import org.mtl4j.core.gradient.TaskGradients;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.weighting.GradientSegment;

/**
 * {@link org.mtl4j.core.weighting.GradientMode#PARAMETERS}: K retained-graph backward passes give the K×D matrix of
 * gradients with respect to the shared parameters (columns: the parameters in {@code sharedParameters()} order); the
 * strategy's combination is written back as their gradient.
 */
final class ParameterPath extends GradientPath.Combining {

    private final MultiTaskBlock network;
    private List<Parameter> shared;
    private ImmutableList<GradientSegment> segments;

    ParameterPath(MultiTaskBlock network) {
        this.network = network;
    }

    @Override
    NDArray taskGradients(Step step) {
        shared = network.sharedParameters();
        return TaskGradients.ofSharedParameters(step.losses(), shared, step.stepManager());
    }

    @Override
    void applyCombined(NDArray combined) {
        TaskGradients.setSharedGradients(shared, combined);
    }

    @Override
    ImmutableList<GradientSegment> segments() {
        if (segments == null || segments.size() != shared.size()) {
            segments = GradientSegment.contiguous(shared.stream().map(Parameter::getName).toList(),
                    shared.stream().map(p -> p.getArray().getShape()).toList());
        }
        return segments;
    }
}
