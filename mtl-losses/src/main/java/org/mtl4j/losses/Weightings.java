package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import java.util.List;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * Static factories of the loss-weighting and gradient-combination strategies, for
 * {@code MultiTask.builder().weighting(...)}.
 *
 * <ul>
 *   <li>{@link #equal()}: {@code L = Σ_k L_k}, the baseline every strategy is compared with;
 *   <li>{@link #fixed(double...)}: {@code L = Σ_k λ_k L_k} with hand-tuned weights.
 * </ul>
 */
public final class Weightings {

    /** The command-line names {@link #byName(String, int)} accepts. */
    public static final String NAMES = "equal, fixed:w1,w2,...";

    private Weightings() {}

    /**
     * Returns a strategy by its command-line specification: a name, optionally followed by {@code :} and
     * comma-separated arguments (for example {@code equal} or {@code fixed:1,0.5,2}).
     *
     * @param spec the specification
     * @param taskCount the number of tasks
     * @return the strategy
     * @throws IllegalArgumentException naming the unknown name or the bad argument
     */
    public static LossWeighting byName(String spec, int taskCount) {
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String args = colon < 0 ? "" : spec.substring(colon + 1);
        switch (name) {
            case "equal":
                checkArgument(args.isEmpty(), "weighting 'equal' takes no arguments, got '%s'", args);
                return equal();
            case "fixed":
                return fixed(numbers(spec, args, taskCount));
            default:
                throw new IllegalArgumentException("unknown weighting '" + spec + "'; available: " + NAMES);
        }
    }

    private static double[] numbers(String spec, String args, int expected) {
        List<String> parts = Splitter.on(',').trimResults().splitToList(args);
        checkArgument(parts.size() == expected, "weighting %s gives %s values for %s tasks", spec, parts.size(),
                expected);
        double[] w = new double[parts.size()];
        for (int i = 0; i < w.length; i++) {
            try {
                w[i] = Double.parseDouble(parts.get(i));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weighting " + spec + ": '" + parts.get(i) + "' is not a number");
            }
        }
        return w;
    }

    /**
     * Equal weighting (LibMTL's EW): {@code L = Σ_k L_k}.
     *
     * @return the strategy
     */
    public static LossWeighting equal() {
        return LossWeighting.equal();
    }

    /**
     * Fixed weights: {@code L = Σ_k λ_k L_k}.
     *
     * @param weights one non-negative weight per task, in task order
     * @return the strategy
     */
    public static LossWeighting fixed(double... weights) {
        return LossWeighting.fixed(weights);
    }
}
