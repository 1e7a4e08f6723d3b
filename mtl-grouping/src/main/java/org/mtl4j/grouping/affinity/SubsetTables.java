package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Arrays;
import org.mtl4j.grouping.affinity.OverlappingGroups.GroupValues;
import org.mtl4j.grouping.affinity.OverlappingGroups.Objective;

/**
 * The dynamic programs over task subsets behind {@link OverlappingGroups}: the fewest groups that cover every task,
 * and per objective the table that gives the optimum and bounds the tie search — under BEST_GROUP
 * {@code best[r][U]}, the best value of the tasks {@code U} served by at most {@code r} groups; under GROUP_SUM
 * {@code reach[r][U]}, the best total of exactly {@code r} distinct groups whose union contains {@code U}.
 */
final class SubsetTables {

    /** The entry of an unreachable subset. */
    static final double NONE = Double.NEGATIVE_INFINITY;

    private final GroupValues values;
    private final Objective objective;
    private final int maxGroups;
    private final boolean exactly;
    private final int k;
    private final int full;
    private final int[] candidates;
    /** the most groups a set can have: the budget, or the number of candidates when smaller */
    private final int cap;
    /** BEST_GROUP: {@code best[r][U]}, the best value of the tasks {@code U} served by at most r groups */
    private double[][] best;
    /** GROUP_SUM: {@code reach[r][U]}, the best total of exactly r distinct groups whose union contains U */
    private double[][] reach;

    SubsetTables(GroupValues values, Objective objective, int maxGroups, boolean exactly) {
        checkArgument(maxGroups >= 1, "at least one group, got %s", maxGroups);
        this.values = checkNotNull(values, "values");
        this.objective = checkNotNull(objective, "objective");
        this.maxGroups = maxGroups;
        this.exactly = exactly;
        this.k = values.tasks().size();
        this.full = (1 << k) - 1;
        this.candidates = OverlappingGroups.candidates(values);
        this.cap = Math.min(maxGroups, candidates.length);
        if (objective == Objective.BEST_GROUP) {
            tabulateBestGroup();
        } else {
            tabulateGroupSum();
        }
    }

    /**
     * The fewest candidate groups whose union is every task, by dynamic programming over the covered subsets.
     *
     * @param values the values (only which groups are candidates matters)
     * @return the number of groups
     */
    static int minimumGroups(GroupValues values) {
        int full = (1 << values.tasks().size()) - 1;
        int[] fewest = new int[full + 1];
        Arrays.fill(fewest, Integer.MAX_VALUE);
        fewest[0] = 0;
        int[] candidates = OverlappingGroups.candidates(values);
        for (int u = 0; u < full; u++) {
            if (fewest[u] == Integer.MAX_VALUE) {
                continue;
            }
            for (int g : candidates) {
                int v = u | g;
                if (v != u && fewest[u] + 1 < fewest[v]) {
                    fewest[v] = fewest[u] + 1;
                }
            }
        }
        return fewest[full];
    }

    /**
     * BEST_GROUP: a chosen set serves every task in its best group, so the tasks split into blocks, one per group
     * that serves them: {@code OPT = max over partitions of the tasks into at most B blocks T of Σ_T w(T)},
     * {@code w(T) = max_{G ⊇ T} Σ_{t ∈ T} a(G, t)}. {@code O(3^K)} for {@code w}, {@code O(B·3^K)} for the
     * partitions.
     */
    private void tabulateBestGroup() {
        double[] w = new double[full + 1];
        Arrays.fill(w, NONE);
        double[] partial = new double[full + 1];
        for (int g : candidates) {
            // the submasks of g in increasing order: each one's sum extends a smaller submask's by one task
            int t = 0;
            do {
                t = (t - g) & g;
                if (t != 0) {
                    int low = Integer.numberOfTrailingZeros(t);
                    partial[t] = partial[t & (t - 1)] + values.values()[g][low];
                    w[t] = Math.max(w[t], partial[t]);
                }
            } while (t != g);
        }
        int rounds = Math.min(cap, k);
        best = new double[cap + 1][full + 1];
        Arrays.fill(best[0], NONE);
        best[0][0] = 0;
        for (int r = 1; r <= cap; r++) {
            if (r > rounds) {
                best[r] = best[rounds];
                continue;
            }
            double[] prev = best[r - 1];
            double[] cur = best[r];
            cur[0] = 0;
            for (int u = 1; u <= full; u++) {
                double v = prev[u];
                int low = u & -u;
                int rest = u ^ low;
                // blocks containing u's lowest task: low ∪ x for every x ⊆ rest
                int x = rest;
                while (true) {
                    int block = x | low;
                    double p = prev[u ^ block];
                    if (w[block] != NONE && p != NONE) {
                        v = Math.max(v, w[block] + p);
                    }
                    if (x == 0) {
                        break;
                    }
                    x = (x - 1) & rest;
                }
                cur[u] = v;
            }
        }
    }

    /**
     * GROUP_SUM: a 0/1 knapsack over the candidate groups, {@code sets[c][S]} = the best total of c distinct groups
     * whose union is S ({@code O(n·B·2^K)}), then the best total of c groups whose union contains U (superset
     * maxima).
     */
    private void tabulateGroupSum() {
        double[][] sets = new double[cap + 1][full + 1];
        for (double[] row : sets) {
            Arrays.fill(row, NONE);
        }
        sets[0][0] = 0;
        int taken = 0;
        for (int g : candidates) {
            double v = values.total(g);
            taken++;
            for (int c = Math.min(cap, taken); c >= 1; c--) {
                double[] from = sets[c - 1];
                double[] to = sets[c];
                for (int u = 0; u <= full; u++) {
                    if (from[u] != NONE && from[u] + v > to[u | g]) {
                        to[u | g] = from[u] + v;
                    }
                }
            }
        }
        reach = new double[cap + 1][];
        for (int c = 0; c <= cap; c++) {
            double[] h = sets[c].clone();
            for (int bit = 1; bit <= full; bit <<= 1) {
                for (int u = 0; u <= full; u++) {
                    if ((u & bit) == 0 && h[u | bit] > h[u]) {
                        h[u] = h[u | bit];
                    }
                }
            }
            reach[c] = h;
        }
    }

    /** The optimum, or NaN when no allowed set covers every task. */
    double optimum() {
        double opt = NONE;
        if (exactly && maxGroups > candidates.length) {
            return Double.NaN;
        }
        if (objective == Objective.BEST_GROUP) {
            // extra groups never lower BEST_GROUP: exactly B groups reach the same optimum as at most B
            opt = best[cap][full];
        } else if (exactly) {
            opt = reach[cap][full];
        } else {
            for (int c = 1; c <= cap; c++) {
                opt = Math.max(opt, reach[c][full]);
            }
        }
        return opt == NONE ? Double.NaN : opt;
    }

    /** BEST_GROUP: the best value of the tasks {@code u} served by at most {@code r} groups, or {@link #NONE}. */
    double best(int r, int u) {
        return best[r][u];
    }

    /** GROUP_SUM: the best total of exactly {@code r} distinct groups whose union contains {@code u}, or NONE. */
    double reach(int r, int u) {
        return reach[r][u];
    }

    /** @return the candidate groups' masks, ascending */
    int[] candidates() {
        return candidates;
    }

    /** @return the most groups a set can have: the budget, or the number of candidates when smaller */
    int cap() {
        return cap;
    }
}
