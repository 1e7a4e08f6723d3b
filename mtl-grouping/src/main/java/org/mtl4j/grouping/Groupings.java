package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.HashSet;

/**
 * Entry point of the task-grouping solvers: the exact solvers of the network-selection problem of Standley et al.,
 * "Which Tasks Should Be Learned Together in Multi-task Learning?" (ICML 2020) — minimise
 * {@code Σ_t min_{c ∈ S} L(c, t)} subject to {@code Σ_{c ∈ S} cost(c) ≤ B} with every task served — and the
 * select-on-one-table, report-on-another protocol of the paper.
 *
 * <p>Use {@link #exact()} unless you are comparing algorithms. Every exact solver returns the same selection, ties
 * included (see {@link GroupingSolver}): among the selections within {@code 1e-9·max(1, |OPT|)} of the optimum, the
 * cheapest, then the one with the fewest networks, then the one whose candidate positions come first in table order.
 */
public final class Groupings {

    private Groupings() {}

    /**
     * The default exact solver: {@link #partitionBranchAndBound()} for up to 20 tasks while its subset table stays
     * small (any number of candidates: all 65,551 networks of 16 tasks solve in seconds), {@link #branchAndBound()}
     * beyond. An HOA-completed table of 17 or more tasks is better solved without listing it, by {@link #large()}
     * (the same selection; 18 tasks take more than ten minutes here, 20 tasks a few seconds there).
     *
     * @return the solver
     */
    public static GroupingSolver exact() {
        return new ExactSolver();
    }

    /**
     * Exact branch and bound over candidate networks, for any number of tasks: the lower bound gives every task the
     * better of its current loss and the best loss any remaining affordable candidate offers; dominated candidates
     * are dropped; candidates are ordered so every task's best networks come first; a greedy selection seeds the
     * incumbent. Best for many tasks and up to a few thousand candidates.
     *
     * @return the solver
     */
    public static GroupingSolver branchAndBound() {
        return new CandidateBranchAndBound();
    }

    /**
     * Exact branch and bound over task groups for up to 20 tasks: branches on the group that takes the lowest
     * unassigned task and the network serving it, bounded by a table of the best cover of every task subset under
     * every remaining budget, computed once by dynamic programming over subsets. Best for few tasks and many
     * candidates (all subsets of up to 16 tasks).
     *
     * @return the solver
     */
    public static GroupingSolver partitionBranchAndBound() {
        return new PartitionBranchAndBound();
    }

    /**
     * The solver for HOA-completed instances too large to list ({@link HoaInstance}: measured singles, pairs and
     * halves; every larger group completed by the higher-order approximation): exact up to 20 tasks (the same selection
     * as {@link #exact()} on {@link HoaInstance#completed()}, ties included, without building that table), beyond
     * that iterated local search with a certified lower bound and the gap. See {@link LargeGroupingSolver}.
     *
     * @return the solver with its defaults
     */
    public static LargeGroupingSolver large() {
        return LargeGroupingSolver.defaults();
    }

    /**
     * The reference solver: every affordable subset of candidates, no bound. Exponential; for tests (at most 40
     * affordable candidates).
     *
     * @return the solver
     */
    public static GroupingSolver exhaustive() {
        return new ExhaustiveSolver();
    }

    /**
     * Scores a selection on another table of the same tasks (for example, chosen on validation losses, reported on
     * test losses): each task re-takes its best loss among the chosen networks, looked up by name in {@code report}.
     *
     * @param selection the chosen networks
     * @param report the table to score on
     * @return the same networks evaluated on {@code report}
     * @throws IllegalArgumentException if the tables' tasks differ or a chosen network is missing from {@code report}
     */
    public static Selection scoreOn(Selection selection, LossTable report) {
        checkNotNull(selection, "selection");
        checkNotNull(report, "report");
        checkArgument(new HashSet<>(report.tasks()).equals(selection.taskLosses().keySet()),
                "the report table's tasks %s differ from the selection's %s", report.tasks(),
                selection.taskLosses().keySet());
        for (String name : selection.networkNames()) {
            checkArgument(report.contains(name), "network %s of the selection is not in the report table", name);
        }
        return report.evaluate(selection.networkNames());
    }

    /**
     * Chooses networks on one table and scores them on another, the protocol of every number in the paper.
     *
     * @param solver the solver
     * @param selectOn the table to choose on (validation, early-stopped or approximated losses)
     * @param reportOn the table to report on (test losses)
     * @param budget the budget
     * @return the selection and its reported score
     */
    public static SelectionReport selectAndReport(GroupingSolver solver, LossTable selectOn, LossTable reportOn,
            double budget) {
        checkNotNull(solver, "solver");
        Selection selected = solver.solve(selectOn.problem(budget));
        return new SelectionReport(budget, selected, scoreOn(selected, reportOn));
    }
}
