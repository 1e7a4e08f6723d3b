package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What training one {@link CandidateSpec} produced: the mean loss of every trained task on the validation and the
 * test split after the last epoch, the task metrics on the test split, and the wall time. This is one network's row
 * in each split of the losses table of Standley et al., "Which Tasks Should Be Learned Together in Multi-task
 * Learning?" (ICML 2020). Small and serialisable: a {@link CandidateStore} keeps one JSON file per result, and a
 * distributed {@link CandidateExecutor} sends it back from a worker.
 *
 * @param spec the training that produced it
 * @param validationLoss task → mean validation loss, for every task of the spec
 * @param testLoss task → mean test loss, for every task of the spec
 * @param testMetrics task → metric → value on the test split
 * @param seconds wall time of training and evaluation
 * @param torchThreads the PyTorch intra-op threads the training ran with (0: not recorded); losses repeat bit for bit
 *     only for the same count
 */
public record CandidateResult(CandidateSpec spec, Map<String, Double> validationLoss, Map<String, Double> testLoss,
        Map<String, Map<String, Double>> testMetrics, double seconds, int torchThreads) implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if a task of the spec lacks a loss or a loss is not finite
     */
    public CandidateResult {
        checkNotNull(spec, "spec");
        validationLoss = ImmutableMap.copyOf(checkNotNull(validationLoss, "candidate %s: validation losses",
                spec.name()));
        testLoss = ImmutableMap.copyOf(checkNotNull(testLoss, "candidate %s: test losses", spec.name()));
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> e : checkNotNull(testMetrics, "candidate %s: test metrics",
                spec.name()).entrySet()) {
            metrics.put(e.getKey(), ImmutableMap.copyOf(e.getValue()));
        }
        testMetrics = ImmutableMap.copyOf(metrics);
        for (String t : spec.tasks()) {
            for (Map<String, Double> m : java.util.List.of(validationLoss, testLoss)) {
                Double v = m.get(t);
                checkArgument(v != null, "candidate %s: no loss for task %s", spec.name(), t);
                checkArgument(Double.isFinite(v), "candidate %s: loss of task %s is not finite (%s)", spec.name(), t,
                        v);
            }
        }
        checkArgument(validationLoss.keySet().equals(testLoss.keySet()) && validationLoss.size() == spec.tasks()
                .size(), "candidate %s: losses given for %s, expected the tasks %s", spec.name(),
                validationLoss.keySet(), spec.tasks());
    }
}
