package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.GroupingSolver;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.Selection;

/**
 * Chooses task groups from inter-task affinities as TAG does (Fifty et al., "Efficiently Identifying Task Groupings
 * for Multi-Task Learning", NeurIPS 2021): pick at most {@code N} groups (task subsets, which may overlap) so that the
 * total affinity every task receives in its best chosen group is largest,
 *
 * <pre>
 *   max_{S, |S| ≤ N, S covers every task}  Σ_j  max_{G ∈ S, j ∈ G}  a(G, j),
 *   a(G, j) = (1/(|G|−1)) Σ_{i ∈ G, i ≠ j} Z(i→j)   for |G| ≥ 2,    a({j}, j) = singletonScore.
 * </pre>
 * A task alone receives no affinity: the default singleton score is 0, so a task is trained alone exactly when every
 * group would hurt it. (The TAG notebook, which lets groups overlap, scores singletons −10⁶, forcing every task into
 * some group; pass that value to reproduce it.)
 *
 * <p>The search is exact: every group is a candidate network of cost 1 whose loss for task {@code j} is
 * {@code −a(G, j)}, and the library's exact branch-and-bound solver ({@link Groupings#exact()}) chooses the best set
 * under budget {@code N} — the same problem as Standley et al.'s network selection, with affinities in place of
 * measured losses. Ties go to fewer groups, then to groups earlier in subset order. At most 16 tasks.
 */
public final class AffinityGrouping {

    /** The TAG notebook's score of a task alone when groups may overlap. */
    public static final double TAG_SINGLETON_PENALTY = -1e6;

    private AffinityGrouping() {}

    /**
     * The chosen groups.
     *
     * @param groups the groups, each in task order, in the solver's table order
     * @param total the total affinity received, {@code Σ_j max_{G ∋ j} a(G, j)}
     * @param received task → the affinity it receives in its best group
     * @param assignment task → the name of its best group (tasks joined as in the losses CSV, {@code sdn})
     */
    public record Result(ImmutableList<ImmutableList<String>> groups, double total,
            ImmutableMap<String, Double> received, ImmutableMap<String, String> assignment) {

        /**
         * The groups as network names joined with {@code +}, sorted, as {@code mtl group} writes selections
         * ({@code dn+ske}).
         *
         * @return the label
         */
        public String label() {
            List<String> names = new ArrayList<>();
            for (List<String> g : groups) {
                names.add(name(g));
            }
            names.sort(null);
            return String.join("+", names);
        }
    }

    /**
     * The affinity task {@code j} receives in group {@code G}, {@code a(G, j)}.
     *
     * @param m the affinities
     * @param group the group's tasks
     * @param task a member of the group
     * @param singletonScore {@code a({j}, j)}
     * @return the score
     */
    public static double score(AffinityMatrix m, Set<String> group, String task, double singletonScore) {
        checkArgument(group.contains(task), "task %s is not in group %s", task, group);
        if (group.size() == 1) {
            return singletonScore;
        }
        int j = m.index(task);
        double sum = 0;
        for (String s : group) {
            if (!s.equals(task)) {
                double z = m.z()[m.index(s)][j];
                checkArgument(!Double.isNaN(z), "affinity Z(%s→%s) was never measured", s, task);
                sum += z;
            }
        }
        return sum / (group.size() - 1);
    }

    /**
     * The selection problem as a loss table: one candidate of cost 1 per non-empty subset, with loss
     * {@code −a(G, j)} for each member {@code j}.
     *
     * @param m the affinities
     * @param singletonScore the score of a task alone
     * @return the table
     */
    public static LossTable asLossTable(AffinityMatrix m, double singletonScore) {
        checkNotNull(m, "affinities");
        checkArgument(Double.isFinite(singletonScore), "singleton score must be finite, got %s", singletonScore);
        List<String> tasks = m.tasks();
        int n = tasks.size();
        checkArgument(n <= 16, "affinity grouping enumerates every subset: at most 16 tasks, got %s", n);
        List<Candidate> candidates = new ArrayList<>();
        for (int mask = 1; mask < 1 << n; mask++) {
            List<String> members = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if ((mask & (1 << t)) != 0) {
                    members.add(tasks.get(t));
                }
            }
            Set<String> set = ImmutableSet.copyOf(members);
            Map<String, Double> losses = new LinkedHashMap<>();
            for (String j : members) {
                losses.put(j, -score(m, set, j, singletonScore));
            }
            candidates.add(Candidate.of(name(members), 1, losses));
        }
        return LossTable.of(tasks, candidates);
    }

    /**
     * Chooses at most {@code maxGroups} groups with singletons scored 0.
     *
     * @param m the affinities
     * @param maxGroups the most groups (networks), at least 1
     * @return the groups
     */
    public static Result select(AffinityMatrix m, int maxGroups) {
        return select(m, maxGroups, 0, Groupings.exact());
    }

    /**
     * Chooses at most {@code maxGroups} groups.
     *
     * @param m the affinities
     * @param maxGroups the most groups (networks), at least 1
     * @param singletonScore the score of a task alone
     * @param solver an exact solver ({@link Groupings#exact()}, or {@link Groupings#exhaustive()} for a reference)
     * @return the groups
     */
    public static Result select(AffinityMatrix m, int maxGroups, double singletonScore, GroupingSolver solver) {
        checkArgument(maxGroups >= 1, "the number of groups must be at least 1, got %s", maxGroups);
        checkNotNull(solver, "solver");
        LossTable table = asLossTable(m, singletonScore);
        Selection s = solver.solve(table.problem(maxGroups));
        ImmutableList.Builder<ImmutableList<String>> groups = ImmutableList.builder();
        for (Candidate c : s.networks()) {
            groups.add(m.tasks().stream().filter(c.tasks()::contains).collect(ImmutableList.toImmutableList()));
        }
        ImmutableMap.Builder<String, Double> received = ImmutableMap.builder();
        for (Map.Entry<String, Double> e : s.taskLosses().entrySet()) {
            received.put(e.getKey(), -e.getValue());
        }
        return new Result(groups.build(), -s.objective(), received.build(), s.assignment());
    }

    static String name(List<String> members) {
        boolean letters = members.stream().allMatch(t -> t.length() == 1);
        return String.join(letters ? "" : "&", members);
    }
}
