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

    /** The higher-order approximation of the {@code val} split ({@link Approximations#higherOrder(LossTable)}). */
    HOA("hoa");

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
            case HOA -> Approximations.higherOrder(data.split("val"));
        };
    }
}
