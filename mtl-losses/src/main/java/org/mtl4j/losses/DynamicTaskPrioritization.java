package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.Map;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.MetricSample;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * DTP, dynamic task prioritisation (Guo et al., "Dynamic Task Prioritization for Multitask Learning", ECCV 2018).
 *
 * <p>Each task's loss is weighted focal-style by how well the task currently performs: with {@code κ̄_k} a moving
 * average of its key performance indicator {@code κ_k ∈ (0, 1)}, {@code L = Σ_k FL(κ̄_k; γ) L_k} with
 * {@code FL(κ; γ) = −(1 − κ)^γ log κ}, so harder tasks (low κ) get larger weights. The average is
 * {@code κ̄ ← β κ + (1 − β) κ̄} over training batches ({@code β} = {@value #DEFAULT_SMOOTHING} by default), started
 * at the first value. The indicator is each task's primary metric measured on the training batch by the loop
 * ({@link #usesTrainingMetrics()}): a higher-is-better metric (accuracy, mIoU) is used as it is, clamped to
 * {@code [10⁻⁶, 1 − 10⁻⁶]}; a lower-is-better metric {@code m} (an error or an angle; the paper defines indicators
 * for bounded scores only) becomes {@code κ = m₀ / (m₀ + m)} with {@code m₀} its first measured value, which is 0.5
 * at the start and tends to 1 as the error vanishes. {@code γ} = {@value #DEFAULT_GAMMA} by default (the paper tunes
 * a focusing parameter per task). Loss mode only; costs one metric evaluation per task and step.
 */
final class DynamicTaskPrioritization implements LossBasedWeighting {

    /** The default focusing parameter γ. */
    static final double DEFAULT_GAMMA = 1.0;
    /** The default weight β of the newest batch in the moving average. */
    static final double DEFAULT_SMOOTHING = 0.1;
    private static final double EPS = 1e-6;
    private static final String STATE_KPI = "kpi_average";
    private static final String STATE_REFERENCE = "metric_reference";

    private final double gamma;
    private final double smoothing;
    private double[] average;
    private double[] reference;

    DynamicTaskPrioritization(double gamma, double smoothing) {
        checkArgument(gamma >= 0 && Double.isFinite(gamma), "dtp: gamma must be finite and >= 0, got %s", gamma);
        checkArgument(smoothing > 0 && smoothing <= 1, "dtp: smoothing must lie in (0, 1], got %s", smoothing);
        this.gamma = gamma;
        this.smoothing = smoothing;
    }

    @Override
    public String name() {
        return "dtp";
    }

    @Override
    public boolean usesTrainingMetrics() {
        return true;
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        checkArgument(context.batchMetrics().size() == k,
                "dtp needs the batch metrics of all %s tasks, got %s: does the training loop honour "
                        + "usesTrainingMetrics()?", k, context.batchMetrics().size());
        if (average == null || average.length != k) {
            average = new double[k];
            reference = new double[k];
            Arrays.fill(average, Double.NaN);
            Arrays.fill(reference, Double.NaN);
        }
        for (int i = 0; i < k; i++) {
            MetricSample m = context.batchMetrics().get(i);
            if (!Double.isFinite(m.value())) {
                continue;
            }
            if (!m.higherIsBetter() && Double.isNaN(reference[i])) {
                reference[i] = m.value();
            }
            double kpi = indicator(m.value(), m.higherIsBetter(), reference[i]);
            average[i] = Double.isNaN(average[i]) ? kpi : smoothing * kpi + (1 - smoothing) * average[i];
        }
        double[] w = weights(average, gamma);
        NDArray total = null;
        for (int i = 0; i < k; i++) {
            NDArray term = losses.get(i).mul(EngineArrays.scalar(losses.get(i).getManager(), (float) w[i]));
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, w);
    }

    /**
     * A metric value as a performance indicator in (0, 1).
     *
     * @param value the metric value
     * @param higherIsBetter the metric's direction
     * @param reference {@code m₀}, for lower-is-better metrics
     * @return {@code κ}
     */
    static double indicator(double value, boolean higherIsBetter, double reference) {
        double kpi;
        if (higherIsBetter) {
            kpi = value;
        } else if (reference > 0) {
            kpi = reference / (reference + Math.max(0, value));
        } else {
            kpi = value <= 0 ? 1 : 0.5; // a zero first error: any later error counts as half
        }
        return Math.max(EPS, Math.min(1 - EPS, kpi));
    }

    /**
     * The focal weights {@code −(1 − κ̄_k)^γ log κ̄_k}; 1 for a task without an indicator yet.
     *
     * @param kpis {@code κ̄_k} (NaN when not yet measured)
     * @param gamma the focusing parameter γ
     * @return the weights
     */
    static double[] weights(double[] kpis, double gamma) {
        double[] w = new double[kpis.length];
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(kpis[i])) {
                w[i] = 1;
            } else {
                double kpi = Math.max(EPS, Math.min(1 - EPS, kpis[i]));
                w[i] = -Math.pow(1 - kpi, gamma) * Math.log(kpi);
            }
        }
        return w;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        return average == null ? ImmutableMap.of()
                : ImmutableMap.of(STATE_KPI, average.clone(), STATE_REFERENCE, reference.clone());
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] a = state.get(STATE_KPI);
        double[] r = state.get(STATE_REFERENCE);
        checkArgument((a == null) == (r == null) && (a == null || a.length == r.length),
                "dtp: checkpoint state needs both '%s' and '%s' of equal length", STATE_KPI, STATE_REFERENCE);
        average = a == null ? null : a.clone();
        reference = r == null ? null : r.clone();
    }

    @Override
    public String toString() {
        return name() + ":" + gamma;
    }
}
