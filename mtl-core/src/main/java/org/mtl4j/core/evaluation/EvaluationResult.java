package org.mtl4j.core.evaluation;

import com.google.common.collect.ImmutableMap;
import java.util.Locale;
import java.util.Map;

/**
 * The results of every task on one split, in task order.
 *
 * @param tasks the results by task name
 */
public record EvaluationResult(ImmutableMap<String, TaskResult> tasks) {

    /**
     * Returns one task's results.
     *
     * @param task the task name
     * @return its results
     * @throws IllegalArgumentException naming the task and the available ones when absent
     */
    public TaskResult task(String task) {
        TaskResult r = tasks.get(task);
        if (r == null) {
            throw new IllegalArgumentException("no results for task '" + task + "'; available: " + tasks.keySet());
        }
        return r;
    }

    /** @return the sum of the task losses */
    public double totalLoss() {
        return tasks.values().stream().mapToDouble(TaskResult::loss).sum();
    }

    /** @return task → metric → value, for {@link DeltaM} */
    public ImmutableMap<String, ImmutableMap<String, Double>> metricTable() {
        ImmutableMap.Builder<String, ImmutableMap<String, Double>> b = ImmutableMap.builder();
        for (Map.Entry<String, TaskResult> e : tasks.entrySet()) {
            b.put(e.getKey(), e.getValue().metrics());
        }
        return b.build();
    }

    /** @return a compact one-line summary, for example {@code s: loss 0.41 mIoU 0.62 | d: loss 0.12 abs_err 0.12} */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, TaskResult> e : tasks.entrySet()) {
            if (sb.length() > 0) {
                sb.append(" | ");
            }
            sb.append(e.getKey()).append(": loss ").append(String.format(Locale.ROOT, "%.4f", e.getValue().loss()));
            for (Map.Entry<String, Double> m : e.getValue().metrics().entrySet()) {
                sb.append(' ').append(m.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4f", m.getValue()));
            }
        }
        return sb.toString();
    }
}
