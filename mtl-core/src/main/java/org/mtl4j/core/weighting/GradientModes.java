package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkState;

import org.mtl4j.core.model.MultiTaskBlock;

/**
 * The one rule that decides which gradient mode a training runs in, from the mode asked for, the strategy and the
 * network. {@code MultiTask.builder().build()} applies it; the trainer checks its settings against it.
 *
 * <p>The rule: a mode asked for explicitly is used as it is, if the strategy works in it and the network can give
 * per-task gradients in it ({@link MultiTaskBlock#supports}). {@link GradientMode#NONE} with a gradient-based strategy
 * means "automatic": the strategy's {@link LossWeighting#preferredMode() preferred mode} (MGDA: representation mode,
 * that is MGDA-UB; the others: parameter mode where they have it), or, where the network has no shared
 * representation, another mode of the strategy's that the network supports.
 */
public final class GradientModes {

    private GradientModes() {}

    /**
     * Decides the mode.
     *
     * @param requested the mode asked for; {@link GradientMode#NONE} lets a gradient-based strategy choose
     * @param weighting the strategy
     * @param network the network (the only source of truth for what it supports)
     * @param architecture the architecture's name, for messages
     * @return the mode the training runs in
     * @throws IllegalStateException naming the strategy, the architecture and the mode when they do not fit
     */
    public static GradientMode decide(GradientMode requested, LossWeighting weighting, MultiTaskBlock network,
            String architecture) {
        GradientMode mode = requested;
        if (mode == GradientMode.NONE && !weighting.gradientModes().contains(GradientMode.NONE)) {
            mode = weighting.preferredMode();
            if (!network.supports(mode)) {
                mode = weighting.gradientModes().stream().filter(m -> m != GradientMode.NONE)
                        .filter(network::supports).findFirst().orElse(mode);
            }
        }
        checkState(weighting.gradientModes().contains(mode), "weighting '%s' does not work in gradient mode %s; it "
                + "supports %s", weighting.name(), mode, weighting.gradientModes());
        checkState(network.supports(mode), "architecture '%s' cannot give per-task gradients in mode %s",
                architecture, mode);
        checkState(mode == GradientMode.NONE ? weighting instanceof LossBasedWeighting
                : weighting instanceof GradientBasedWeighting, "weighting '%s' lists gradient mode %s but does not "
                + "implement %s", weighting.name(), mode, mode == GradientMode.NONE ? "LossBasedWeighting"
                        : "GradientBasedWeighting");
        return mode;
    }
}
