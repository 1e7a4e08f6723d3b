package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * A gradient strategy applied separately to groups of the shared parameters, as TorchJD's per-group aggregation and
 * GradVac's layer-wise variant do: the columns of the K×D task-gradient matrix are cut into consecutive groups of
 * whole tensors ({@link GradientSegment}s, in the network's order), each group gets its own instance of the strategy,
 * and the update is the concatenation of the groups' combined gradients.
 *
 * <p>Two rules for the groups: {@code groups(SPEC)} makes one group per shared tensor (layer-wise); {@code
 * groups(SPEC,N)} cuts the tensors, in order, into N groups of about equal size (roughly the encoder's stages, early to
 * late). Conflicts between tasks often live in some layers only; per-group aggregation resolves them where they are
 * instead of letting the largest layers decide the weights for all. Cost: the strategy's work once per group.
 *
 * <p>The weights reported are the groups' weights averaged with their column counts as weights. Strategies with
 * learnable weights (IMTL, GradNorm) are refused: their one set of weights cannot follow several groups.
 */
final class GroupedWeighting implements GradientBasedWeighting, AutoCloseable {

    private final Supplier<GradientBasedWeighting> factory;
    private final int groupCount;
    private final GradientBasedWeighting prototype;
    private final List<GradientBasedWeighting> instances = new ArrayList<>();
    private Map<String, double[]> pendingState = ImmutableMap.of();

    /**
     * @param factory makes one fresh instance of the strategy per group
     * @param groupCount N groups of about equal size, or 0 for one group per tensor
     */
    GroupedWeighting(Supplier<GradientBasedWeighting> factory, int groupCount) {
        this.factory = checkNotNull(factory, "strategy factory");
        checkArgument(groupCount >= 0, "groups: the number of groups must be positive, got %s", groupCount);
        this.groupCount = groupCount;
        this.prototype = factory.get();
        checkArgument(prototype.createParameterBlock(ImmutableList.of("a", "b")).isEmpty(),
                "groups: strategy %s has learnable weights, which cannot follow several groups", prototype.name());
        checkArgument(!prototype.reevaluatesAfterStep() && !prototype.usesTrainingMetrics(),
                "groups: strategy %s needs more than the gradients of a step", prototype.name());
    }

    @Override
    public String name() {
        return "groups(" + prototype.name() + (groupCount > 0 ? "," + groupCount : "") + ")";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return prototype.gradientModes();
    }

    @Override
    public GradientMode preferredMode() {
        return prototype.preferredMode();
    }

    /**
     * Cuts the segments into groups.
     *
     * @param segments the column layout, in order
     * @param groupCount N, or 0 for one group per segment
     * @return per group, its first and last segment index (inclusive)
     */
    static List<int[]> groups(List<GradientSegment> segments, int groupCount) {
        List<int[]> out = new ArrayList<>();
        int n = segments.size();
        if (groupCount == 0 || groupCount >= n) {
            for (int s = 0; s < n; s++) {
                out.add(new int[] {s, s});
            }
            return out;
        }
        long total = segments.get(n - 1).end();
        int first = 0;
        for (int g = 1; g <= groupCount && first < n; g++) {
            long target = total * g / groupCount;
            int last = first;
            int mustLeave = groupCount - g; // keep a segment for each later group
            while (last + 1 < n - mustLeave && segments.get(last).end() < target) {
                last++;
            }
            if (g == groupCount) {
                last = n - 1;
            }
            out.add(new int[] {first, last});
            first = last + 1;
        }
        return out;
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        ImmutableList<GradientSegment> segments = context.gradientSegments();
        checkArgument(!segments.isEmpty(), "groups: the step has no gradient layout (loss mode?)");
        List<int[]> groups = groups(segments, groupCount);
        while (instances.size() < groups.size()) {
            instances.add(factory.get());
        }
        if (!pendingState.isEmpty()) {
            restoreInstances(pendingState);
            pendingState = ImmutableMap.of();
        }
        int k = context.taskCount();
        double[] weights = new double[k];
        long columns = segments.get(segments.size() - 1).end();
        NDList parts = new NDList();
        for (int g = 0; g < groups.size(); g++) {
            long from = segments.get(groups.get(g)[0]).offset();
            long to = segments.get(groups.get(g)[1]).end();
            ImmutableList.Builder<GradientSegment> local = ImmutableList.builder();
            for (int s = groups.get(g)[0]; s <= groups.get(g)[1]; s++) {
                GradientSegment seg = segments.get(s);
                local.add(new GradientSegment(seg.name(), seg.offset() - from, seg.size(), seg.shape()));
            }
            WeightingContext sub = new WeightingContext(context.step(), context.epoch(), context.taskNames(),
                    context.lossHistory(), context.stepSeed() + 7919L * g, context.gradientMode(),
                    context.labelCounts(), context.batchMetrics(), local.build());
            NDArray block = taskGradients.get(new NDIndex(":, {}:{}", from, to));
            CombinedGradient c = instances.get(g).combineGradients(block, losses, new NDList(), sub);
            parts.add(c.gradient());
            for (int i = 0; i < k; i++) {
                weights[i] += c.weights()[i] * (to - from) / columns;
            }
        }
        NDArray direction = parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 0);
        return new CombinedGradient(direction, weights);
    }

    @Override
    public void onEpochEnd(WeightingContext context) {
        instances.forEach(i -> i.onEpochEnd(context));
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        ImmutableMap.Builder<String, double[]> b = ImmutableMap.builder();
        for (int g = 0; g < instances.size(); g++) {
            String prefix = "group" + g + ".";
            instances.get(g).state().forEach((key, v) -> b.put(prefix + key, v));
        }
        return b.build();
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        pendingState = ImmutableMap.copyOf(state); // the groups exist once the first step shows the layout
    }

    private void restoreInstances(Map<String, double[]> state) {
        for (int g = 0; g < instances.size(); g++) {
            String prefix = "group" + g + ".";
            ImmutableMap.Builder<String, double[]> mine = ImmutableMap.builder();
            state.forEach((key, v) -> {
                if (key.startsWith(prefix)) {
                    mine.put(key.substring(prefix.length()), v);
                }
            });
            instances.get(g).restoreState(mine.build());
        }
    }

    /**
     * Checks that a strategy can be grouped.
     *
     * @param strategy the strategy
     * @return it, as a gradient strategy
     */
    static GradientBasedWeighting gradientBased(LossWeighting strategy) {
        checkArgument(strategy instanceof GradientBasedWeighting, "strategy %s is loss-based: only gradient "
                + "strategies combine per-task gradients", strategy.name());
        return (GradientBasedWeighting) strategy;
    }

    @Override
    public String toString() {
        return name();
    }

    /** Frees what the groups' strategies hold (the K×D buffers of MoCo, DB-MTL, ExcessMTL). */
    @Override
    public void close() {
        instances.forEach(Closing::close);
        Closing.close(prototype);
    }
}
