package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.MetricSample;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * What a run has reached and what a checkpoint keeps of it: the global step, the per-epoch mean losses, the best
 * epoch and its score; and the strategy's {@link WeightingContext} built from them.
 */
final class RunState {

    private final ImmutableList<String> taskNames;
    private final TrainingSettings settings;
    private final List<ImmutableList<Double>> lossHistory = new ArrayList<>();
    private long step;
    private int bestEpoch = -1;
    private double bestScore = Double.NEGATIVE_INFINITY;

    RunState(ImmutableList<String> taskNames, TrainingSettings settings) {
        this.taskNames = taskNames;
        this.settings = settings;
    }

    /** Takes over a checkpoint's state (the strategy's and optimiser's state are restored by their owners). */
    void restore(CheckpointState state) {
        checkArgument(state.taskNames().equals(taskNames), "checkpoint tasks %s differ from the model's tasks %s",
                state.taskNames(), taskNames);
        step = state.step();
        lossHistory.clear();
        lossHistory.addAll(state.lossHistory());
        bestEpoch = state.bestEpoch();
        bestScore = state.bestScore();
    }

    long step() {
        return step;
    }

    void stepDone() {
        step++;
    }

    int epochsCompleted() {
        return lossHistory.size();
    }

    void epochDone(ImmutableList<Double> meanLosses) {
        lossHistory.add(meanLosses);
    }

    /** Records an epoch's validation score; the best epoch is the first with the highest score. */
    void offer(int epoch, double score) {
        if (bestEpoch < 0 || score > bestScore) {
            bestScore = score;
            bestEpoch = epoch;
        }
    }

    int bestEpoch() {
        return bestEpoch;
    }

    double bestScore() {
        return bestScore;
    }

    WeightingContext context(int epoch) {
        return context(epoch, null, ImmutableList.of(), ImmutableList.of());
    }

    WeightingContext context(int epoch, float[] counts, ImmutableList<MetricSample> metrics,
            ImmutableList<GradientSegment> segments) {
        long stepSeed = settings.seed() * 0x9E3779B97F4A7C15L + step;
        ImmutableList.Builder<Integer> labelCounts = ImmutableList.builder();
        if (counts != null) {
            for (float c : counts) {
                labelCounts.add(Math.round(c));
            }
        }
        return new WeightingContext(step, epoch, taskNames, ImmutableList.copyOf(lossHistory), stepSeed,
                settings.gradientMode(), labelCounts.build(), metrics, segments);
    }

    CheckpointState checkpoint(int epoch, LossWeighting weighting, OptimizerState optimizer) {
        return new CheckpointState(epoch + 1, step, taskNames, ImmutableList.copyOf(lossHistory), bestEpoch, bestScore,
                weighting.name(), weighting.state(), settings.describe(), optimizer);
    }
}
