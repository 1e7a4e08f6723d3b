package org.mtl4j.grouping;

/** The floating-point tolerances shared by the problem model and every solver. */
final class Tolerances {

    /** Relative slack on budgets: a cost up to {@code budget + 1e-9·max(1, budget)} is affordable. */
    static final double BUDGET = 1e-9;

    /** Relative tie window on objectives: within {@code 1e-9·max(1, |optimum|)} of the optimum is a tie. */
    static final double OBJECTIVE = 1e-9;

    private Tolerances() {}

    static double budgetSlack(double budget) {
        return BUDGET * Math.max(1, Math.abs(budget));
    }

    static double tieWindow(double optimum) {
        return OBJECTIVE * Math.max(1, Math.abs(optimum));
    }
}
