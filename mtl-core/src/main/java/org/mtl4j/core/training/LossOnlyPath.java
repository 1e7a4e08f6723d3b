package org.mtl4j.core.training;

import ai.djl.ndarray.NDArray;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/** {@link org.mtl4j.core.weighting.GradientMode#NONE}: the strategy weights the losses; one backward pass. */
final class LossOnlyPath extends GradientPath {

    @Override
    Result backward(Step step) {
        WeightingContext ctx = step.context().apply(ImmutableList.of());
        WeightedLoss wl = ((LossBasedWeighting) step.weighting()).weightLosses(step.losses(), step.learnable(), ctx);
        NDArray total = step.regularization().isPresent() ? wl.total().add(step.regularization().get())
                : wl.total();
        step.collector().backward(total);
        return new Result(wl.weights(), ctx);
    }
}
