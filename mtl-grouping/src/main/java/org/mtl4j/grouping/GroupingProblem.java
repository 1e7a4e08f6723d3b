package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.Collection;
import java.util.List;

/**
 * The network-selection problem of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020): given candidate networks (a {@link LossTable}) and an inference budget {@code B}, choose the set
 * {@code S} of networks that minimises
 *
 * <pre>
 *   Σ_t  min_{c ∈ S, c serves t}  L(c, t)     subject to   Σ_{c ∈ S} cost(c) ≤ B,   every task served by S.
 * </pre>
 *
 * <p>Immutable and validated: the table's own checks (unknown task, empty candidate set, a task no candidate serves;
 * a negative cost is rejected by {@link Candidate}), a finite non-negative budget, and a budget no lower than the
 * cheapest set of networks that serves every task ({@link LossTable#cheapestCoverCost()}, computed exactly). Budgets
 * are compared with a relative slack of 1e-9, so a cover that costs the budget up to rounding is affordable. Solve it
 * with a {@link GroupingSolver} from {@link Groupings}; sweep budgets with {@link #withBudget(double)}, which reuses the
 * validated table.
 */
public final class GroupingProblem {

    private final LossTable table;
    private final double budget;

    GroupingProblem(LossTable table, double budget) {
        this.table = checkNotNull(table, "table");
        checkArgument(Double.isFinite(budget) && budget >= 0, "budget must be finite and non-negative, got %s", budget);
        CoverCost.Cover cover = table.cheapestCover();
        checkArgument(cover.cost() <= budget + Tolerances.budgetSlack(budget),
                "budget %s is below the cheapest cover of all tasks, which costs %s (networks %s)", budget, cover.cost(),
                cover.names());
        this.budget = budget;
    }

    /**
     * A validated problem.
     *
     * @param tasks the tasks
     * @param candidates the candidate networks
     * @param budget the total cost allowed
     * @return the problem
     * @throws IllegalArgumentException if the table is invalid or the budget is negative or below the cheapest cover
     */
    public static GroupingProblem of(List<String> tasks, Collection<Candidate> candidates, double budget) {
        return LossTable.of(tasks, candidates).problem(budget);
    }

    /**
     * The same table under another budget.
     *
     * @param newBudget the budget
     * @return the problem
     */
    public GroupingProblem withBudget(double newBudget) {
        return new GroupingProblem(table, newBudget);
    }

    /**
     * The candidate table.
     *
     * @return the table
     */
    public LossTable table() {
        return table;
    }

    /**
     * The tasks.
     *
     * @return the tasks, in table order
     */
    public ImmutableList<String> tasks() {
        return table.tasks();
    }

    /**
     * The candidates.
     *
     * @return the candidates, in table order
     */
    public ImmutableList<Candidate> candidates() {
        return table.candidates();
    }

    /**
     * The budget.
     *
     * @return the total cost allowed
     */
    public double budget() {
        return budget;
    }

    @Override
    public String toString() {
        return "GroupingProblem{tasks=" + tasks() + ", candidates=" + candidates().size() + ", budget=" + budget + "}";
    }
}
