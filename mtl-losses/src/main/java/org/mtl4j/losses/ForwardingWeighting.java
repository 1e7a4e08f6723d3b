package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * A gradient strategy that wraps another (Guava's forwarding pattern): every hook but the name and
 * {@link #combineGradients} goes to the wrapped strategy — modes, learnable parameters, training metrics, the
 * after-step hook, epoch ends, checkpoint state — and closing frees what it holds. Subclasses change what they need
 * ({@link EmaWeights} also keeps state of its own, {@link LogLossGradients} only rescales the gradients).
 */
abstract class ForwardingWeighting implements GradientBasedWeighting, AutoCloseable {

    /** The wrapped strategy. */
    final GradientBasedWeighting inner;

    ForwardingWeighting(GradientBasedWeighting inner) {
        this.inner = checkNotNull(inner, "inner strategy");
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return inner.gradientModes();
    }

    @Override
    public GradientMode preferredMode() {
        return inner.preferredMode();
    }

    @Override
    public boolean usesTrainingMetrics() {
        return inner.usesTrainingMetrics();
    }

    @Override
    public boolean reevaluatesAfterStep() {
        return inner.reevaluatesAfterStep();
    }

    @Override
    public void afterStep(NDList learnable, double[] lossesBefore, Optional<double[]> lossesAfter,
            WeightingContext context) {
        inner.afterStep(learnable, lossesBefore, lossesAfter, context);
    }

    @Override
    public Optional<Block> createParameterBlock(ImmutableList<String> taskNames) {
        return inner.createParameterBlock(taskNames);
    }

    @Override
    public void onEpochEnd(WeightingContext context) {
        inner.onEpochEnd(context);
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        return inner.state();
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        inner.restoreState(state);
    }

    /** Frees what the wrapped strategy holds (the K×D buffers of MoCo, DB-MTL, ExcessMTL). */
    @Override
    public void close() {
        Closing.close(inner);
    }
}
