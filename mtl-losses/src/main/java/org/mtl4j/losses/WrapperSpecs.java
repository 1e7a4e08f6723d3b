package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Optional;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * Parses the command-line forms of the strategies that wrap another: {@code ema(SPEC,beta)}, {@code groups(SPEC)}
 * and {@code groups(SPEC,N)}, where SPEC is any strategy specification, wrappers included. {@link WeightingSpecs}
 * parses the rest, the {@code log-SPEC} prefix among them.
 */
final class WrapperSpecs {

    private WrapperSpecs() {}

    /**
     * Parses a wrapper specification.
     *
     * @param spec the whole specification
     * @param taskCount the number of tasks
     * @return the strategy, or empty when {@code spec} is no wrapper
     */
    static Optional<LossWeighting> parse(String spec, int taskCount) {
        int open = spec.indexOf('(');
        if (open < 0 || !spec.endsWith(")")) {
            return Optional.empty();
        }
        String name = spec.substring(0, open);
        String body = spec.substring(open + 1, spec.length() - 1).trim();
        int comma = lastTopLevelComma(body);
        String inner = comma < 0 ? body : body.substring(0, comma).trim();
        String arg = comma < 0 ? "" : body.substring(comma + 1).trim();
        checkArgument(!inner.isEmpty(), "weighting %s wraps no strategy", spec);
        switch (name) {
            case "ema":
                checkArgument(!arg.isEmpty(), "weighting %s: ema needs a strategy and beta, e.g. ema(pcgrad,0.9)", spec);
                return Optional.of(
                        Weightings.ema(WeightingSpecs.parse(inner, taskCount), WeightingSpecs.number(spec, arg)));
            case "groups":
                int n = 0;
                if (!arg.isEmpty()) {
                    try {
                        n = Integer.parseInt(arg);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("weighting " + spec + ": '" + arg
                                + "' is not a number of groups");
                    }
                    checkArgument(n > 0, "weighting %s: the number of groups must be positive, got %s", spec, n);
                }
                return Optional.of(Weightings.perGroup(() -> WeightingSpecs.parse(inner, taskCount), n));
            default:
                return Optional.empty();
        }
    }

    private static int lastTopLevelComma(String s) {
        int depth = 0;
        int last = -1;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                last = i;
            }
        }
        return last;
    }
}
