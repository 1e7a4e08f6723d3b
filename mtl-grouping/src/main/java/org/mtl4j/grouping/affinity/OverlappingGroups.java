package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Exact choice of at most {@code B} task groups that may overlap, from a predicted value {@code a(G, t)} of every task
 * {@code t} in every candidate group {@code G} (all {@code 2^K − 1} non-empty subsets, or those a caller keeps) — the
 * selection step of Wang, Pan and Yu, "Towards Principled Task Grouping for Multi-Task Learning" (arXiv 2402.15328,
 * 2024), and of TAG (Fifty et al., NeurIPS 2021). Every task must belong to at least one chosen group. Two objectives:
 *
 * <pre>
 *   BEST_GROUP:  max  Σ_t  max_{G ∈ S, t ∈ G} a(G, t)          each task is served by its best chosen group (TAG)
 *   GROUP_SUM:   max  Σ_{G ∈ S}  Σ_{t ∈ G} a(G, t)              every chosen group counts in full (the paper's program)
 *   subject to   |S| ≤ B  (or |S| = B with {@code exactly}),   ∪_{G ∈ S} G = all tasks,   S ⊆ the candidate groups.
 * </pre>
 *
 * GROUP_SUM is the program of the paper's released code ({@code celeba-grouping.ipynb}, solved there with Gurobi):
 * {@code n} distinct non-empty groups, each task in at least one, maximising
 * {@code Σ_j (1/|G_j|) Σ_{i,k ∈ G_j} S[i][k]}, which is GROUP_SUM with {@code exactly = true} and
 * {@code a(G, k) = (1/|G|) Σ_{i ∈ G} S[i][k]} ({@link TransferGains.Estimate#PAPER}). A task that belongs to two
 * chosen groups counts twice there; under BEST_GROUP it counts once, in its best group, which is what it receives when
 * each task is read from its best network.
 *
 * <p><b>Search.</b> The optimum comes from dynamic programming over task subsets. Under BEST_GROUP every task is
 * served by one chosen group, so the tasks split into at most {@code B} blocks, each served by a group containing it:
 * {@code OPT = max over partitions of the tasks into at most B blocks T of Σ_T w(T)}, {@code w(T) = max_{G ⊇ T}
 * Σ_{t ∈ T} a(G, t)} — {@code O(3^K)} for {@code w}, {@code O(B·3^K)} for the partitions. Under GROUP_SUM a 0/1
 * knapsack over the candidate groups tabulates the best total of {@code c} distinct groups whose union is each subset
 * ({@code O(n·B·2^K)} for {@code n} candidates); these tables are {@link SubsetTables}. A branch and bound
 * ({@link TieSearch}) then finds the set that wins the tie rule below: it grows sets of groups in ascending mask order
 * and prunes a node when the tasks it has not covered are not all in a later group, or when its upper bound falls
 * below the tie window. The bounds: under BEST_GROUP, every task's best remaining value
 * {@code Σ_t max(served_t, max_{later G ∋ t} a(G, t))}, then the exact completion bound
 * {@code max_{U ⊇ uncovered} [Σ_{t ∉ U} served_t + best(r, U)]} ({@code best(r, U)} the partition table above for
 * the tasks {@code U} that the {@code r} remaining groups serve); under GROUP_SUM the chosen total plus the knapsack's
 * best {@code r} groups covering the uncovered tasks. (A bound by each task's best remaining value and the {@code r}
 * largest stand-alone gains alone, visiting groups by decreasing gain, took minutes on random ten-task instances;
 * the subset tables make it milliseconds.)
 *
 * <p><b>Ties</b> (the rule of the library's network-selection solvers, {@code org.mtl4j.grouping.Groupings}): among
 * the sets whose objective is at least {@code OPT − 1e-9·max(1, |OPT|)}, the one with the fewest groups, then the
 * lexicographically smallest ascending list of masks (mask = {@code Σ_{t ∈ G} 2^index(t)}): the branch and bound
 * tries 1, 2, … groups and, for each count, sets in that order, and returns the first in the window.
 * {@link #exhaustive} applies the same rule by enumeration; tests check both agree.
 *
 * <p><b>Cost.</b> The tables take {@code O(B·3^K)} (BEST_GROUP) or {@code O(n·B·2^K)} (GROUP_SUM) time and
 * {@code O(B·2^K)} memory; the tie search is exponential in the worst case but follows the optimum closely. Ten tasks
 * over all 1,023 groups, budgets 1 to 10: 10–30 ms a selection on a busy two-core machine (tested to ten tasks).
 * Values are checked finite; at most {@value #MAX_TASKS} tasks.
 */
public final class OverlappingGroups {

    /** The largest number of tasks: the value table has one row per subset. */
    public static final int MAX_TASKS = 12;

    private static final double TIE = 1e-9;

    /** What a chosen set of groups is worth. */
    public enum Objective {
        /** {@code Σ_t max_{G ∈ S, t ∈ G} a(G, t)}: each task counts once, in its best chosen group (TAG). */
        BEST_GROUP,
        /** {@code Σ_{G ∈ S} Σ_{t ∈ G} a(G, t)}: every chosen group counts in full (the paper's program). */
        GROUP_SUM
    }

    /**
     * The predicted values: {@code values[mask][t] = a(G, t)} for every task {@code t} of the group with bit mask
     * {@code mask} (bit {@code t} set when task {@code t} is a member); a {@code null} row leaves that group out of
     * the candidates (for example groups larger than a size limit). Entries of non-members are ignored.
     *
     * @param tasks the tasks, in bit order
     * @param values {@code 2^K} rows; row 0 (the empty group) is ignored
     */
    public record GroupValues(ImmutableList<String> tasks, double[][] values) {

        /**
         * Validates and copies.
         *
         * @throws IllegalArgumentException on a wrong shape, a non-finite member value, more than
         *     {@value OverlappingGroups#MAX_TASKS} tasks, or a task in no candidate group
         */
        public GroupValues {
            checkNotNull(tasks, "tasks");
            checkNotNull(values, "values");
            int k = tasks.size();
            checkArgument(k >= 1 && k <= MAX_TASKS, "between 1 and %s tasks, got %s", MAX_TASKS, k);
            checkArgument(values.length == 1 << k, "expected %s rows (one per subset of %s tasks), got %s", 1 << k, k,
                    values.length);
            double[][] copy = new double[values.length][];
            int covered = 0;
            for (int mask = 1; mask < values.length; mask++) {
                if (values[mask] == null) {
                    continue;
                }
                checkArgument(values[mask].length == k, "row %s has %s values for %s tasks", mask,
                        values[mask].length, k);
                copy[mask] = values[mask].clone();
                for (int t = 0; t < k; t++) {
                    if ((mask & (1 << t)) != 0) {
                        checkArgument(Double.isFinite(values[mask][t]), "value of task %s in group %s is %s",
                                tasks.get(t), name(tasks, mask), values[mask][t]);
                    }
                }
                covered |= mask;
            }
            checkArgument(covered == (1 << k) - 1, "some task is in no candidate group (tasks %s)", tasks);
            values = copy;
        }

        /**
         * Values from a function of group and task.
         *
         * @param tasks the tasks
         * @param value {@code a(G, t)} for a group mask and a member's index, or NaN to leave the group out
         * @return the table (a group is left out when any member's value is NaN)
         */
        public static GroupValues of(List<String> tasks, MaskValue value) {
            int k = tasks.size();
            checkArgument(k >= 1 && k <= MAX_TASKS, "between 1 and %s tasks, got %s", MAX_TASKS, k);
            double[][] v = new double[1 << k][];
            for (int mask = 1; mask < v.length; mask++) {
                double[] row = new double[k];
                Arrays.fill(row, Double.NaN);
                boolean keep = true;
                for (int t = 0; t < k && keep; t++) {
                    if ((mask & (1 << t)) != 0) {
                        row[t] = value.value(mask, t);
                        keep = !Double.isNaN(row[t]);
                    }
                }
                v[mask] = keep ? row : null;
            }
            return new GroupValues(ImmutableList.copyOf(tasks), v);
        }

        /**
         * Whether a group is a candidate.
         *
         * @param mask the group's bit mask
         * @return true if it has values
         */
        public boolean isCandidate(int mask) {
            return mask > 0 && mask < values.length && values[mask] != null;
        }

        /**
         * One value.
         *
         * @param mask the group's bit mask
         * @param task a member's index
         * @return {@code a(G, t)}
         */
        public double value(int mask, int task) {
            checkArgument(isCandidate(mask), "group %s is not a candidate", mask);
            checkArgument((mask & (1 << task)) != 0, "task %s is not in group %s", task, mask);
            return values[mask][task];
        }

        /**
         * A group's total, {@code Σ_{t ∈ G} a(G, t)} summed in task order.
         *
         * @param mask the group's bit mask
         * @return the total
         */
        public double total(int mask) {
            double s = 0;
            for (int t = 0; t < tasks.size(); t++) {
                if ((mask & (1 << t)) != 0) {
                    s += values[mask][t];
                }
            }
            return s;
        }
    }

    /** {@code a(G, t)} as a function of the group's mask and a member's index. */
    @FunctionalInterface
    public interface MaskValue {
        /**
         * The value.
         *
         * @param mask the group's bit mask
         * @param task the member's index
         * @return {@code a(G, t)}, or NaN to leave the group out
         */
        double value(int mask, int task);
    }

    /**
     * The chosen groups.
     *
     * @param masks the groups' bit masks, ascending
     * @param groups the groups' tasks, in task order, in the order of {@code masks}
     * @param objective the objective's value, evaluated as {@link #evaluate} does
     * @param received task → its best value among the chosen groups containing it
     * @param assignment task → the name of that group (the smallest mask on a tie)
     */
    public record Result(ImmutableList<Integer> masks, ImmutableList<ImmutableList<String>> groups, double objective,
            ImmutableMap<String, Double> received, ImmutableMap<String, String> assignment) {

        /**
         * The groups' names sorted and joined with {@code +} ({@code dn+ske}), as {@code mtl group} writes selections.
         *
         * @return the label
         */
        public String label() {
            List<String> names = new ArrayList<>();
            for (List<String> g : groups) {
                names.add(AffinityGrouping.name(g));
            }
            names.sort(null);
            return String.join("+", names);
        }
    }

    private OverlappingGroups() {}

    /**
     * The objective of a set of groups, as every search and the reference evaluate it: BEST_GROUP sums the tasks'
     * best values in task order (groups scanned in ascending mask order); GROUP_SUM sums the groups' totals in
     * ascending mask order. NaN when the groups do not cover every task or one is not a candidate.
     *
     * @param values the values
     * @param objective the objective
     * @param masks the groups (any order, no duplicates)
     * @return the value, or NaN
     */
    public static double evaluate(GroupValues values, Objective objective, int... masks) {
        int[] sorted = masks.clone();
        Arrays.sort(sorted);
        int k = values.tasks().size();
        int covered = 0;
        for (int m : sorted) {
            if (!values.isCandidate(m)) {
                return Double.NaN;
            }
            covered |= m;
        }
        if (covered != (1 << k) - 1) {
            return Double.NaN;
        }
        double total = 0;
        if (objective == Objective.GROUP_SUM) {
            for (int m : sorted) {
                total += values.total(m);
            }
            return total;
        }
        for (int t = 0; t < k; t++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int m : sorted) {
                if ((m & (1 << t)) != 0 && values.values()[m][t] > best) {
                    best = values.values()[m][t];
                }
            }
            total += best;
        }
        return total;
    }

    /**
     * The fewest candidate groups that cover every task (1 when the group of all tasks is a candidate), by dynamic
     * programming over task subsets: the smallest feasible budget.
     *
     * @param values the values (only which groups are candidates matters)
     * @return the smallest number of groups whose union is every task
     */
    public static int minimumGroups(GroupValues values) {
        return SubsetTables.minimumGroups(values);
    }

    /**
     * The number of candidate groups.
     *
     * @param values the values
     * @return how many groups have values
     */
    public static int candidateCount(GroupValues values) {
        return candidates(values).length;
    }

    /**
     * The best set of at most (or, with {@code exactly}, exactly) {@code maxGroups} groups: the optimum by dynamic
     * programming over task subsets, the set by the tie-breaking branch and bound (see the class comment).
     *
     * @param values the predicted values
     * @param objective the objective
     * @param maxGroups {@code B}, at least 1
     * @param exactly whether exactly {@code B} distinct groups must be chosen (the paper's program)
     * @return the selection, ties broken as documented on the class
     * @throws IllegalArgumentException when no such set of candidate groups covers every task
     */
    public static Result solve(GroupValues values, Objective objective, int maxGroups, boolean exactly) {
        SubsetTables tables = new SubsetTables(values, objective, maxGroups, exactly);
        double opt = tables.optimum();
        checkArgument(!Double.isNaN(opt), "no set of %s %s candidate groups covers every task of %s",
                exactly ? "exactly" : "at most", maxGroups, values.tasks());
        return result(values, objective, new TieSearch(values, objective, tables, maxGroups, exactly).tieWinner(opt));
    }

    /**
     * The reference: every set of candidate groups of an allowed size, no bound. Exponential; for tests.
     *
     * @param values the predicted values
     * @param objective the objective
     * @param maxGroups {@code B}
     * @param exactly whether exactly {@code B} groups must be chosen
     * @return the selection, ties broken as {@link #solve} breaks them
     * @throws IllegalArgumentException when no allowed set covers every task
     */
    public static Result exhaustive(GroupValues values, Objective objective, int maxGroups, boolean exactly) {
        return result(values, objective, ExhaustiveGroups.tieWinner(values, objective, maxGroups, exactly));
    }

    /**
     * The lower end of the tie window, {@code OPT − 1e-9·max(1, |OPT|)}.
     *
     * @param optimum the optimum
     * @return the smallest objective that ties with it
     */
    static double tieThreshold(double optimum) {
        return optimum - TIE * Math.max(1, Math.abs(optimum));
    }

    /** The candidate groups' masks, ascending. */
    static int[] candidates(GroupValues values) {
        List<Integer> out = new ArrayList<>();
        for (int mask = 1; mask < values.values().length; mask++) {
            if (values.isCandidate(mask)) {
                out.add(mask);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Result result(GroupValues values, Objective objective, int[] masks) {
        int[] sorted = masks.clone();
        Arrays.sort(sorted);
        ImmutableList<String> tasks = values.tasks();
        ImmutableList.Builder<Integer> ms = ImmutableList.builder();
        ImmutableList.Builder<ImmutableList<String>> groups = ImmutableList.builder();
        for (int m : sorted) {
            ms.add(m);
            groups.add(members(tasks, m));
        }
        ImmutableMap.Builder<String, Double> received = ImmutableMap.builder();
        ImmutableMap.Builder<String, String> assignment = ImmutableMap.builder();
        for (int t = 0; t < tasks.size(); t++) {
            double best = Double.NEGATIVE_INFINITY;
            int arg = 0;
            for (int m : sorted) {
                if ((m & (1 << t)) != 0 && values.values()[m][t] > best) {
                    best = values.values()[m][t];
                    arg = m;
                }
            }
            received.put(tasks.get(t), best);
            assignment.put(tasks.get(t), name(tasks, arg));
        }
        return new Result(ms.build(), groups.build(), evaluate(values, objective, sorted), received.build(),
                assignment.build());
    }

    static ImmutableList<String> members(List<String> tasks, int mask) {
        ImmutableList.Builder<String> b = ImmutableList.builder();
        for (int t = 0; t < tasks.size(); t++) {
            if ((mask & (1 << t)) != 0) {
                b.add(tasks.get(t));
            }
        }
        return b.build();
    }

    static String name(List<String> tasks, int mask) {
        return AffinityGrouping.name(members(tasks, mask));
    }
}
