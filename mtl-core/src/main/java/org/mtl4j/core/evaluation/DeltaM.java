package org.mtl4j.core.evaluation;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.List;
import java.util.Map;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskMetric;

/**
 * The multi-task performance of a model against single-task baselines, in the three conventions in use. All return
 * percentages. With {@code B} the baseline value of a metric, {@code N} the model's, and {@code s = +1} when higher is
 * better and {@code −1} otherwise:
 * <ul>
 *   <li>{@link #deltaP} — LibMTL's Δp ({@code count_improvement}): relative changes averaged within each task, then
 *       over tasks, {@code Δp = 100 · (1/T) Σ_t (1/M_t) Σ_m s·(N − B)/B}. <b>Higher is better.</b>
 *   <li>{@link #flat} — the Δm of Nash-MTL (Navon et al., ICML 2022), CAGrad and FAMO: one mean over all metrics,
 *       {@code Δm = 100 · (1/M) Σ_m (−s)·(N − B)/B}. <b>Lower is better</b> (a negative Δm is an improvement).
 *   <li>{@link #vandenhende} — Δ_MTL of Vandenhende et al. (TPAMI 2021, Eq. 10; Maninis et al., CVPR 2019): one
 *       (primary) metric per task, {@code Δ_MTL = 100 · (1/T) Σ_t s_t·(N_t − B_t)/B_t}. <b>Higher is better.</b>
 * </ul>
 * Use Δp or Δ_MTL to rank models of one study; use the flat Δm to compare with published NYUv2 tables.
 */
public final class DeltaM {

    private DeltaM() {}

    /**
     * LibMTL's Δp, in percent (higher is better).
     *
     * @param tasks the tasks, which give the metrics and their directions
     * @param result task → metric → value of the model
     * @param baseline task → metric → value of the single-task baselines
     * @return Δp in percent
     */
    public static double deltaP(List<Task> tasks, Map<String, ? extends Map<String, Double>> result,
            Map<String, ? extends Map<String, Double>> baseline) {
        checkArgument(!tasks.isEmpty(), "no tasks");
        double total = 0;
        for (Task t : tasks) {
            double perTask = 0;
            for (TaskMetric m : t.metrics()) {
                perTask += relative(t.name(), m, result, baseline);
            }
            total += perTask / t.metrics().size();
        }
        return 100 * total / tasks.size();
    }

    /**
     * The flat Δm of Nash-MTL and CAGrad, in percent (lower is better).
     *
     * @param tasks the tasks, which give the metrics and their directions
     * @param result task → metric → value of the model
     * @param baseline task → metric → value of the single-task baselines
     * @return Δm in percent
     */
    public static double flat(List<Task> tasks, Map<String, ? extends Map<String, Double>> result,
            Map<String, ? extends Map<String, Double>> baseline) {
        checkArgument(!tasks.isEmpty(), "no tasks");
        double total = 0;
        int count = 0;
        for (Task t : tasks) {
            for (TaskMetric m : t.metrics()) {
                total -= relative(t.name(), m, result, baseline);
                count++;
            }
        }
        return 100 * total / count;
    }

    /**
     * The flat Δm of Nash-MTL and CAGrad over plain arrays, in percent (lower is better).
     *
     * @param result the model's metric values
     * @param baseline the baselines' values, in the same order
     * @param higherIsBetter the direction of each metric
     * @return Δm in percent
     */
    public static double flat(double[] result, double[] baseline, boolean[] higherIsBetter) {
        checkArgument(result.length == baseline.length && result.length == higherIsBetter.length,
                "lengths differ: %s results, %s baselines, %s directions",
                result.length, baseline.length, higherIsBetter.length);
        checkArgument(result.length > 0, "no metrics");
        double total = 0;
        for (int i = 0; i < result.length; i++) {
            checkArgument(baseline[i] != 0, "baseline of metric %s is 0: relative change undefined", i);
            double sign = higherIsBetter[i] ? 1 : -1;
            total -= sign * (result[i] - baseline[i]) / baseline[i];
        }
        return 100 * total / result.length;
    }

    /**
     * Vandenhende et al.'s Δ_MTL on each task's primary (first) metric, in percent (higher is better).
     *
     * @param tasks the tasks, whose first metric is used
     * @param result task → metric → value of the model
     * @param baseline task → metric → value of the single-task baselines
     * @return Δ_MTL in percent
     */
    public static double vandenhende(List<Task> tasks, Map<String, ? extends Map<String, Double>> result,
            Map<String, ? extends Map<String, Double>> baseline) {
        checkArgument(!tasks.isEmpty(), "no tasks");
        double total = 0;
        for (Task t : tasks) {
            total += relative(t.name(), t.primaryMetric(), result, baseline);
        }
        return 100 * total / tasks.size();
    }

    private static double relative(String task, TaskMetric metric, Map<String, ? extends Map<String, Double>> result,
            Map<String, ? extends Map<String, Double>> baseline) {
        double n = value(result, task, metric.name(), "result");
        double b = value(baseline, task, metric.name(), "baseline");
        checkArgument(b != 0, "task '%s': baseline %s is 0, relative change undefined", task, metric.name());
        double sign = metric.higherIsBetter() ? 1 : -1;
        return sign * (n - b) / b;
    }

    private static double value(Map<String, ? extends Map<String, Double>> table, String task, String metric,
            String what) {
        Map<String, Double> row = table.get(task);
        checkArgument(row != null, "%s has no task '%s'", what, task);
        Double v = row.get(metric);
        checkArgument(v != null, "%s of task '%s' has no metric '%s'", what, task, metric);
        checkArgument(Double.isFinite(v), "%s of task '%s': metric '%s' is %s", what, task, metric, v);
        return v;
    }
}
