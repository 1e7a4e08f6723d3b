package org.mtl4j.grouping;

/**
 * A solver of the network-selection problem of Standley et al., "Which Tasks Should Be Learned Together in Multi-task
 * Learning?" (ICML 2020): choose the networks that minimise {@code Σ_t min_{c ∈ S} L(c, t)} with
 * {@code Σ_{c ∈ S} cost(c) ≤ B} and every task served (see {@link GroupingProblem}).
 *
 * <p>The exact solvers of {@link Groupings} all return the same selection for the same problem, ties included:
 * among the feasible selections whose objective is within {@code 1e-9·max(1, |OPT|)} of the optimum {@code OPT}, the
 * one of lowest total cost, then with the fewest networks, then whose ascending list of candidate positions (table
 * order) is lexicographically smallest.
 */
public interface GroupingSolver {

    /**
     * Solves a problem.
     *
     * @param problem the problem
     * @return the chosen networks, evaluated on the problem's table
     */
    Selection solve(GroupingProblem problem);

    /**
     * A short name for tables and logs.
     *
     * @return the name
     */
    String name();
}
