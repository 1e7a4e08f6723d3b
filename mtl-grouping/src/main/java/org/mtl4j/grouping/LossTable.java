package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of candidate networks over a fixed list of tasks: the measured (or approximated) loss of every task in
 * every network that serves it, with the networks' costs. It is the instance of the network-selection problem of
 * Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?" (ICML 2020), without the budget;
 * {@link #problem(double)} adds one.
 *
 * <p>For a set {@code S} of chosen networks, each task takes its best loss among the chosen networks that serve it,
 * and the selection's total is {@code Σ_t min_{c ∈ S, t served by c} L(c, t)} ({@link #evaluate}). Ties between
 * networks for one task go to the network listed first; the sum runs in task order, and the cost is the sum of the
 * chosen costs in candidate order, so every evaluation of a selection gives bit-identical numbers.
 *
 * <p>Validated on construction: at least one task and one candidate, unique task and candidate names, no candidate
 * trained on a task outside the table, and every task served by at least one candidate. Use one table per split of
 * a study (validation, test, early-stopped) and compare selections across tables with
 * {@link Groupings#scoreOn(Selection, LossTable)}.
 */
public final class LossTable {

    private final ImmutableList<String> tasks;
    private final ImmutableList<Candidate> candidates;
    private final ImmutableMap<String, Integer> taskIndex;
    private final ImmutableMap<String, Integer> candidateIndex;
    private volatile CoverCost.Cover cheapestCover;

    private LossTable(ImmutableList<String> tasks, ImmutableList<Candidate> candidates) {
        checkArgument(!tasks.isEmpty(), "a loss table needs at least one task");
        checkArgument(!candidates.isEmpty(), "the candidate set is empty: give at least one candidate network");
        Map<String, Integer> ti = new HashMap<>();
        for (String t : tasks) {
            checkArgument(t != null && !t.isBlank(), "blank task name in %s", tasks);
            checkArgument(ti.put(t, ti.size()) == null, "task %s is listed twice", t);
        }
        Map<String, Integer> ci = new HashMap<>();
        Set<String> served = new HashSet<>();
        for (Candidate c : candidates) {
            checkNotNull(c, "null candidate");
            checkArgument(ci.put(c.name(), ci.size()) == null, "candidate name %s is used twice", c.name());
            for (String t : c.tasks()) {
                checkArgument(ti.containsKey(t), "candidate %s: unknown task %s (the tasks are %s)", c.name(), t, tasks);
            }
            served.addAll(c.losses().keySet());
        }
        for (String t : tasks) {
            checkArgument(served.contains(t), "task %s is served by no candidate network", t);
        }
        this.tasks = tasks;
        this.candidates = candidates;
        this.taskIndex = ImmutableMap.copyOf(ti);
        this.candidateIndex = ImmutableMap.copyOf(ci);
    }

    /**
     * A validated table.
     *
     * @param tasks the tasks, in the order used for evaluation and display
     * @param candidates the candidate networks, in the order used for tie-breaking
     * @return the table
     * @throws IllegalArgumentException on an unknown task, a duplicate name, an empty candidate set or a task that no
     *     candidate serves
     */
    public static LossTable of(List<String> tasks, Collection<Candidate> candidates) {
        return new LossTable(ImmutableList.copyOf(checkNotNull(tasks, "tasks")),
                ImmutableList.copyOf(checkNotNull(candidates, "candidates")));
    }

    /**
     * The tasks, in table order.
     *
     * @return the tasks
     */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /**
     * The candidate networks, in table order.
     *
     * @return the candidates
     */
    public ImmutableList<Candidate> candidates() {
        return candidates;
    }

    /**
     * Whether the table has a candidate of this name.
     *
     * @param name a candidate name
     * @return true if present
     */
    public boolean contains(String name) {
        return candidateIndex.containsKey(name);
    }

    /**
     * The candidate of this name.
     *
     * @param name a candidate name
     * @return the candidate
     * @throws IllegalArgumentException if there is none
     */
    public Candidate candidate(String name) {
        return candidates.get(position(name));
    }

    /**
     * The position of a candidate in table order.
     *
     * @param name a candidate name
     * @return its position
     * @throws IllegalArgumentException if there is none
     */
    public int position(String name) {
        Integer i = candidateIndex.get(name);
        checkArgument(i != null, "no candidate network named %s in this table", name);
        return i;
    }

    int taskIndex(String task) {
        Integer i = taskIndex.get(task);
        checkArgument(i != null, "unknown task %s (the tasks are %s)", task, tasks);
        return i;
    }

    /**
     * The problem of choosing networks from this table within {@code budget}.
     *
     * @param budget the total inference cost allowed
     * @return the problem
     * @throws IllegalArgumentException if the budget is negative, not finite, or below {@link #cheapestCoverCost()}
     */
    public GroupingProblem problem(double budget) {
        return new GroupingProblem(this, budget);
    }

    /**
     * The lowest total cost of a set of networks that serves every task (exact; computed once and cached).
     *
     * @return the cheapest cover's cost
     */
    public double cheapestCoverCost() {
        return cheapestCover().cost();
    }

    CoverCost.Cover cheapestCover() {
        CoverCost.Cover c = cheapestCover;
        if (c == null) {
            c = CoverCost.cheapest(this);
            cheapestCover = c;
        }
        return c;
    }

    /**
     * Evaluates a set of networks from this table: each task takes its best loss among the chosen networks.
     *
     * @param names the chosen networks' names (order and duplicates are irrelevant)
     * @return the evaluated selection
     * @throws IllegalArgumentException if a name is unknown or a task is served by none of the chosen networks
     */
    public Selection evaluate(Collection<String> names) {
        checkArgument(!names.isEmpty(), "an empty selection serves no task");
        int[] positions = names.stream().mapToInt(this::position).sorted().distinct().toArray();
        return evaluate(positions);
    }

    /**
     * Evaluates the networks at the given positions (sorted ascending, distinct).
     */
    Selection evaluate(int[] sortedPositions) {
        ImmutableList.Builder<Candidate> nets = ImmutableList.builder();
        double cost = 0;
        for (int p : sortedPositions) {
            nets.add(candidates.get(p));
            cost += candidates.get(p).cost();
        }
        ImmutableMap.Builder<String, Double> losses = ImmutableMap.builder();
        ImmutableMap.Builder<String, String> assignment = ImmutableMap.builder();
        double total = 0;
        for (String t : tasks) {
            double best = Double.POSITIVE_INFINITY;
            Candidate arg = null;
            for (int p : sortedPositions) {
                Double l = candidates.get(p).losses().get(t);
                if (l != null && l < best) {
                    best = l;
                    arg = candidates.get(p);
                }
            }
            checkArgument(arg != null, "task %s is served by none of the chosen networks %s", t,
                    Arrays.stream(sortedPositions).mapToObj(p -> candidates.get(p).name()).toList());
            total += best;
            losses.put(t, best);
            assignment.put(t, arg.name());
        }
        return new Selection(nets.build(), cost, total, losses.build(), assignment.build());
    }

    /**
     * A table over the same tasks whose candidates are replaced, e.g. by an approximation.
     */
    LossTable withCandidates(List<Candidate> newCandidates) {
        return of(tasks, newCandidates);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LossTable other && tasks.equals(other.tasks) && candidates.equals(other.candidates);
    }

    @Override
    public int hashCode() {
        return 31 * tasks.hashCode() + candidates.hashCode();
    }

    @Override
    public String toString() {
        return "LossTable{tasks=" + tasks + ", candidates=" + candidates.size() + "}";
    }
}
