package org.mtl4j.runs;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one sweep run measured on the validation split after its last epoch.
 *
 * @param spec the run
 * @param gradientMode the gradient mode the run actually used (parameters, representation or none)
 * @param metrics task → metric → value
 * @param validationLoss task → mean validation loss
 * @param primary task → the name of the task's primary metric
 * @param higherIsBetter task → whether the primary metric is higher-is-better
 * @param seconds wall time of the training
 * @param torchThreads the PyTorch intra-op threads the training ran with: results are bit-identical across machines
 *     and JVMs (in process or on a cluster) only for the same thread count, because a matrix product's summation order
 *     depends on it
 */
public record SweepResult(SweepSpec spec, String gradientMode, Map<String, Map<String, Double>> metrics,
        Map<String, Double> validationLoss, Map<String, String> primary, Map<String, Boolean> higherIsBetter,
        double seconds, int torchThreads) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Copies the maps (immutable and serialisable, in task order). */
    public SweepResult {
        checkNotNull(spec, "spec");
        Map<String, Map<String, Double>> m = new LinkedHashMap<>();
        checkNotNull(metrics, "metrics").forEach((k, v) -> m.put(k, ImmutableMap.copyOf(v)));
        metrics = ImmutableMap.copyOf(m);
        validationLoss = ImmutableMap.copyOf(checkNotNull(validationLoss, "validationLoss"));
        primary = ImmutableMap.copyOf(checkNotNull(primary, "primary"));
        higherIsBetter = ImmutableMap.copyOf(checkNotNull(higherIsBetter, "higherIsBetter"));
    }

    /** @return the sum of the tasks' validation losses */
    public double totalValidationLoss() {
        return validationLoss.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
