package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import org.mtl4j.grouping.SelectionMethod;

/**
 * How much of the candidate training a {@link GroupingStudy} does, after Standley et al., "Which Tasks Should Be
 * Learned Together in Multi-task Learning?" (ICML 2020), Section 4:
 *
 * <ul>
 *   <li>{@link #NONE}: train all {@code 2^n − 1} task subsets and the {@code n} half-size single-task networks fully
 *       and select on their validation losses (the paper's "optimal" selection);
 *   <li>{@link #HOA}: the higher-order approximation — train only the {@code n} single-task, the {@code n(n−1)/2}
 *       pair and the {@code n} half-size networks; the loss of task {@code t} in a larger group {@code N} is estimated
 *       as {@code L̂(N, t) = (1/(|N|−1)) Σ_{s ∈ N, s ≠ t} L({t, s}, t)};
 *   <li>{@link #ESA}: the early-stopping approximation — train every candidate for a fraction of the schedule (the
 *       paper: 20%) and select on those validation losses.
 * </ul>
 * With an approximation the study then trains the chosen networks (and the two baselines) fully, so the reported
 * numbers are real test losses. Use {@code NONE} when {@code 2^n} trainings are affordable, {@code HOA} for more
 * tasks, {@code ESA} when every subset should be seen but full trainings are too slow.
 */
public enum StudyApproximation {

    /** Train every candidate fully; select on validation losses. */
    NONE("none", SelectionMethod.VAL),

    /** Train singles, pairs and halves fully; select on the higher-order approximation. */
    HOA("hoa", SelectionMethod.HOA),

    /** Train every candidate for a fraction of the epochs; select on those validation losses. */
    ESA("esa", SelectionMethod.ESA);

    private final String flag;
    private final SelectionMethod method;

    StudyApproximation(String flag, SelectionMethod method) {
        this.flag = flag;
        this.method = method;
    }

    /**
     * The command-line value.
     *
     * @return {@code none}, {@code hoa} or {@code esa}
     */
    public String flag() {
        return flag;
    }

    /**
     * The selection method of {@code mtl group} that reproduces this study's choice from its losses CSV.
     *
     * @return {@code val}, {@code hoa} or {@code esa}
     */
    public SelectionMethod selectionMethod() {
        return method;
    }

    /**
     * The approximation of a command-line value.
     *
     * @param flag {@code none}, {@code hoa} or {@code esa}
     * @return the approximation
     * @throws IllegalArgumentException for any other value
     */
    public static StudyApproximation fromFlag(String flag) {
        checkNotNull(flag, "flag");
        for (StudyApproximation a : values()) {
            if (a.flag.equals(flag)) {
                return a;
            }
        }
        checkArgument(false, "unknown approximation '%s' (expected one of %s)", flag,
                Arrays.stream(values()).map(StudyApproximation::flag).toList());
        throw new AssertionError();
    }
}
