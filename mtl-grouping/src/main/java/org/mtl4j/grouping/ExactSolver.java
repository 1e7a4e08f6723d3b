package org.mtl4j.grouping;

/**
 * The default exact solver: the partition branch and bound with its subset table while the task count (at most
 * {@value PartitionBranchAndBound#MAX_TASKS}) and the table's size allow it, the candidate branch and bound otherwise.
 * Both return the same selection (see {@link Ties}).
 */
final class ExactSolver implements GroupingSolver {

    @Override
    public Selection solve(GroupingProblem problem) {
        Compiled cp = new Compiled(problem);
        Selection s = PartitionBranchAndBound.trySolve(cp);
        return s != null ? s : new CandidateBranchAndBound().solve(cp);
    }

    @Override
    public String name() {
        return "exact";
    }
}
