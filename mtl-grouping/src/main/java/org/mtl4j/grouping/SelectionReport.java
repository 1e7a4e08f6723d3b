package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The paper's protocol for one budget: networks chosen on one table (validation, early-stopped or higher-order
 * approximated losses) and the same networks scored on another (test), as in Standley et al., "Which Tasks Should Be
 * Learned Together in Multi-task Learning?" (ICML 2020), where every reported number is the test total of a
 * selection made on other losses. Produced by {@link Groupings#selectAndReport} and
 * {@link Approximations#earlyStopping}.
 *
 * @param budget the budget of the selection
 * @param selected the selection, evaluated on the table it was made on
 * @param reported the same networks, evaluated on the report table
 */
public record SelectionReport(double budget, Selection selected, Selection reported) {

    /** Checks the components. */
    public SelectionReport {
        checkNotNull(selected, "selected");
        checkNotNull(reported, "reported");
    }

    /**
     * The objective on the selection table, {@code Σ_t min_{c ∈ S} L_select(c, t)}.
     *
     * @return the selection objective
     */
    public double selectionObjective() {
        return selected.objective();
    }

    /**
     * The total on the report table, {@code Σ_t min_{c ∈ S} L_report(c, t)}.
     *
     * @return the reported total
     */
    public double reportTotal() {
        return reported.objective();
    }
}
