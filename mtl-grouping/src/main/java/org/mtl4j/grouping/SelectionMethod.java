package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;

/**
 * Which losses the networks are chosen on, as compared in Standley et al., "Which Tasks Should Be Learned Together in
 * Multi-task Learning?" (ICML 2020): fully trained validation losses ("optimal"), the early-stopping approximation or
 * the higher-order approximation. The report is always on another split (test). The flags are those of
 * {@code mtl group --select}.
 */
public enum SelectionMethod {

    /** Fully trained validation losses: the {@code val} split. */
    VAL("val"),

    /** The early-stopping approximation: the split whose name starts with {@code esa}. */
    ESA("esa"),

    /**
     * The higher-order approximation of the {@code val} split. When that split holds every pair network (and at most
     * {@value #HOA_COMPLETION_LIMIT} tasks), every subset of three or more tasks it lacks is added with its estimate
     * ({@link Approximations#higherOrder(LossTable, double)}, at the cost shared by the pair networks, or 1 when they
     * differ), so a study that trained only single-task and pair networks selects over all groupings; higher-order
     * networks present in the split are replaced by their estimates either way
     * ({@link Approximations#higherOrder(LossTable)}).
     */
    HOA("hoa");

    /** The most tasks for which {@link #HOA} completes the missing subsets (2^16 − 1 networks). */
    public static final int HOA_COMPLETION_LIMIT = 16;

    private final String flag;

    SelectionMethod(String flag) {
        this.flag = flag;
    }

    /**
     * The command-line flag value.
     *
     * @return {@code val}, {@code esa} or {@code hoa}
     */
    public String flag() {
        return flag;
    }

    /**
     * The method of a flag value.
     *
     * @param flag {@code val}, {@code esa} or {@code hoa}
     * @return the method
     * @throws IllegalArgumentException for any other value
     */
    public static SelectionMethod fromFlag(String flag) {
        checkNotNull(flag, "flag");
        for (SelectionMethod m : values()) {
            if (m.flag.equals(flag)) {
                return m;
            }
        }
        checkArgument(false, "unknown selection method %s (expected one of %s)", flag,
                Arrays.stream(values()).map(SelectionMethod::flag).toList());
        throw new AssertionError();
    }

    /**
     * The table this method selects on.
     *
     * @param data the study's losses
     * @return the selection table
     */
    public LossTable selectionTable(MeasuredLosses data) {
        return switch (this) {
            case VAL -> data.split("val");
            case ESA -> data.earlyStoppingSplit();
            case HOA -> higherOrder(data.split("val"));
        };
    }

    private static LossTable higherOrder(LossTable val) {
        java.util.List<String> tasks = val.tasks();
        if (tasks.size() > HOA_COMPLETION_LIMIT) {
            return Approximations.higherOrder(val);
        }
        java.util.Set<Double> pairCosts = new java.util.HashSet<>();
        for (int a = 0; a < tasks.size(); a++) {
            for (int b = a + 1; b < tasks.size(); b++) {
                java.util.Set<String> pair = java.util.Set.of(tasks.get(a), tasks.get(b));
                java.util.Optional<Candidate> p = val.candidates().stream()
                        .filter(c -> c.tasks().equals(pair) && c.serves(pair.iterator().next())
                                && c.losses().keySet().equals(pair))
                        .findFirst();
                if (p.isEmpty()) {
                    return Approximations.higherOrder(val);
                }
                pairCosts.add(p.get().cost());
            }
        }
        double cost = pairCosts.size() == 1 ? pairCosts.iterator().next() : 1.0;
        return Approximations.higherOrder(val, cost);
    }
}
