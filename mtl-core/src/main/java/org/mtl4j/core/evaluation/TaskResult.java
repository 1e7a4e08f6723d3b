package org.mtl4j.core.evaluation;

import com.google.common.collect.ImmutableMap;

/**
 * One task's results on one split: its mean loss over valid elements and its metrics by name, in the order the task
 * declares them.
 *
 * @param loss the mean loss (weighted by the number of labelled samples per batch); NaN when no sample was labelled
 * @param metrics the metric values by name
 */
public record TaskResult(double loss, ImmutableMap<String, Double> metrics) {

    /**
     * Returns one metric.
     *
     * @param name the metric name
     * @return its value
     * @throws IllegalArgumentException naming the metric and the available ones when absent
     */
    public double metric(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no metric '" + name + "'; available: " + metrics.keySet());
        }
        return v;
    }
}
