package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Exact branch and bound over task groups with a precomputed subset bound, for up to {@value #MAX_TASKS} tasks and any
 * number of candidates (it solves the 65,551-candidate, 16-task instance in seconds).
 *
 * <p>Any selection can be written as a partition of the tasks into groups, each served by one chosen network; its
 * objective is the smallest such sum. A node fixes the groups of the tasks assigned so far; it branches on the group
 * {@code G} that takes the lowest unassigned task and on the network serving {@code G}. Only networks not dominated
 * for {@code G} are tried: a network is dropped for {@code G} when another costs no more and gives {@code G} a total
 * lower by more than twice the tie window (so no selection in the tie window needs it).
 *
 * <p>The lower bound of a node with unassigned tasks {@code U} and remaining budget {@code R} is its assigned loss
 * plus {@code h(U, ⌊R/q⌋)}, a table over all task subsets computed once by dynamic programming:
 * {@code h(W, r) = min over groups G ∋ min(W), G ⊆ W, and networks c of [ Σ_{t∈G} L(c, t) + h(W∖G, r − u(c)) ]}, with
 * costs in units {@code u(c) = ⌊cost(c)/q⌋}. When all costs are multiples of a common unit {@code q} (the paper's 0.5
 * and 1) the table is exact and the search walks straight to the optimum; otherwise the budget is cut into at most 256 units and
 * rounding costs down keeps it a valid, slightly weaker bound. Ties are broken as {@link Ties} documents.
 */
final class PartitionBranchAndBound implements GroupingSolver {

    static final int MAX_TASKS = 20;
    private static final long ENUMERATION_LIMIT = 1L << 27;
    private static final long TABLE_ENTRY_LIMIT = 8_000_000L;
    private static final long DP_WORK_LIMIT = 1_500_000_000L;

    @Override
    public Selection solve(GroupingProblem problem) {
        Compiled cp = new Compiled(problem);
        checkArgument(cp.n <= MAX_TASKS, "the partition search handles at most %s tasks, got %s", MAX_TASKS, cp.n);
        checkArgument(enumeration(cp) <= ENUMERATION_LIMIT,
                "the partition search enumerates every served subset of every candidate: %s exceeds %s",
                enumeration(cp), ENUMERATION_LIMIT);
        return new Search(cp).solve();
    }

    @Override
    public String name() {
        return "partition-branch-and-bound";
    }

    /**
     * Solves with the subset tables, or returns null when the instance does not suit them: too many tasks or
     * (group, network) pairs, too much table work, or a budget grid so coarse (more than a quarter of the cheapest
     * positive cost per unit) that the bound would be weak.
     */
    static Selection trySolve(Compiled cp) {
        if (cp.n > MAX_TASKS || enumeration(cp) > ENUMERATION_LIMIT) {
            return null;
        }
        Search s = new Search(cp);
        if (s.tableWork() > DP_WORK_LIMIT || s.coarseGrid()) {
            return null;
        }
        return s.solve();
    }

    /** {@code Σ_c 2^|served(c)|}: the number of (group, network) pairs. */
    static long enumeration(Compiled cp) {
        long total = 0;
        for (int[] s : cp.served) {
            if (s.length >= 40) {
                return Long.MAX_VALUE;
            }
            total += 1L << s.length;
            if (total > ENUMERATION_LIMIT) {
                return total;
            }
        }
        return total;
    }

    private static final class Search {
        private final Compiled cp;
        private final int n;
        private final int full;
        private final int[] gStart;
        private final int[] entCand;
        private final double[] entVal;
        private final double[] entCost;
        private final int[] entUnits;
        private final int[][] groupsByLow;
        private final double q;
        private final int units;
        private final boolean exactGrid;
        private final int width;
        private double[] h;

        private final boolean[] onPath;
        private final int[] path;
        private boolean collecting;
        private double incumbent;
        private Ties ties;

        Search(Compiled cp) {
            this.cp = cp;
            this.n = cp.n;
            this.full = (1 << n) - 1;
            int groups = 1 << n;
            double dom = 2 * Tolerances.OBJECTIVE * Math.max(1, cp.scale);
            int[][] lc = new int[groups][];
            double[][] lv = new double[groups][];
            int[] ls = new int[groups];
            int maxS = 0;
            for (int[] s : cp.served) {
                maxS = Math.max(maxS, s.length);
            }
            int[] gm = new int[1 << maxS];
            double[] gs = new double[1 << maxS];
            for (int c = 0; c < cp.m; c++) {
                int[] ts = cp.served[c];
                double[] ls2 = cp.servedLoss[c];
                for (int k = 1; k < 1 << ts.length; k++) {
                    int low = Integer.numberOfTrailingZeros(k);
                    int prev = k & (k - 1);
                    gm[k] = gm[prev] | (1 << ts[low]);
                    gs[k] = gs[prev] + ls2[low];
                    insert(lc, lv, ls, cp.cost, gm[k], c, gs[k], dom);
                }
            }
            gStart = new int[groups + 1];
            int total = 0;
            for (int g = 0; g < groups; g++) {
                gStart[g] = total;
                total += ls[g];
            }
            gStart[groups] = total;
            entCand = new int[total];
            entVal = new double[total];
            entCost = new double[total];
            entUnits = new int[total];
            int[] lowCount = new int[n];
            for (int g = 1; g < groups; g++) {
                for (int i = 0; i < ls[g]; i++) {
                    entCand[gStart[g] + i] = lc[g][i];
                    entVal[gStart[g] + i] = lv[g][i];
                    entCost[gStart[g] + i] = cp.cost[lc[g][i]];
                }
                if (ls[g] > 0) {
                    lowCount[Integer.numberOfTrailingZeros(g)]++;
                }
            }
            groupsByLow = new int[n][];
            for (int u = 0; u < n; u++) {
                groupsByLow[u] = new int[lowCount[u]];
                lowCount[u] = 0;
            }
            for (int g = 1; g < groups; g++) {
                if (ls[g] > 0) {
                    int u = Integer.numberOfTrailingZeros(g);
                    groupsByLow[u][lowCount[u]++] = g;
                }
            }
            // cost units for the subset table
            int cap = (int) Math.max(1, Math.min(256, TABLE_ENTRY_LIMIT / groups - 1));
            double unit = commonUnit(cp.cost);
            double b = cp.budget;
            if (b <= 0) {
                q = 1;
                units = 0;
                exactGrid = true;
            } else if (unit > 0 && Math.floor(b / unit + 1e-9) <= cap) {
                q = unit;
                units = (int) Math.floor(b / unit + 1e-9);
                exactGrid = true;
            } else {
                q = b / cap;
                units = cap;
                exactGrid = false;
            }
            width = units + 1;
            for (int e = 0; e < total; e++) {
                entUnits[e] = (int) Math.floor(entCost[e] / q + 1e-9);
            }
            onPath = new boolean[cp.m];
            path = new int[n];
        }

        /** Keeps, per group, the networks not dominated by more than {@code dom} at no higher cost. */
        private static void insert(int[][] lc, double[][] lv, int[] ls, double[] costs, int g, int c, double v,
                double dom) {
            double cost = costs[c];
            int size = ls[g];
            int[] cands = lc[g];
            double[] vals = lv[g];
            for (int i = 0; i < size; i++) {
                if (costs[cands[i]] <= cost && vals[i] < v - dom) {
                    return;
                }
            }
            int w = 0;
            for (int i = 0; i < size; i++) {
                if (!(cost <= costs[cands[i]] && v < vals[i] - dom)) {
                    cands[w] = cands[i];
                    vals[w] = vals[i];
                    w++;
                }
            }
            if (cands == null) {
                cands = new int[2];
                vals = new double[2];
            } else if (w == cands.length) {
                cands = Arrays.copyOf(cands, 2 * w);
                vals = Arrays.copyOf(vals, 2 * w);
            }
            cands[w] = c;
            vals[w] = v;
            lc[g] = cands;
            lv[g] = vals;
            ls[g] = w + 1;
        }

        /** A common unit of all positive costs (tolerant Euclid), or 0 if there is none worth using. */
        private static double commonUnit(double[] cost) {
            double max = 0;
            for (double c : cost) {
                max = Math.max(max, c);
            }
            if (max <= 0) {
                return 0;
            }
            double eps = 1e-9 * max;
            double g = 0;
            for (double c : cost) {
                if (c <= eps) {
                    continue;
                }
                double a = Math.max(g, c);
                double b = Math.min(g, c);
                while (b > eps) {
                    double r = a % b;
                    a = b;
                    b = r;
                }
                g = a;
            }
            if (g <= eps) {
                return 0;
            }
            for (double c : cost) {
                double k = c / g;
                if (Math.abs(k - Math.rint(k)) > 1e-6) {
                    return 0;
                }
            }
            return g;
        }

        /** Whether the costs are rounded to a unit that exceeds a quarter of the cheapest positive cost. */
        boolean coarseGrid() {
            if (exactGrid) {
                return false;
            }
            double minCost = Double.POSITIVE_INFINITY;
            for (double c : cp.cost) {
                if (c > 0) {
                    minCost = Math.min(minCost, c);
                }
            }
            return units > 0 && minCost < Double.POSITIVE_INFINITY && q > minCost / 4 + 1e-12;
        }

        /** The work of the subset table: Σ_W (groups tried for W) × entries × budget units (estimated). */
        long tableWork() {
            long work = 0;
            double perGroup = Math.max(1, entCand.length / (double) Math.max(1, Arrays.stream(groupsByLow)
                    .mapToInt(a -> a.length).sum()));
            for (int w = 1; w <= full; w++) {
                int u = Integer.numberOfTrailingZeros(w);
                int rest = w & ~(1 << u);
                work += Math.min(1L << Integer.bitCount(rest), groupsByLow[u].length);
            }
            return (long) (work * perGroup * width);
        }

        Selection solve() {
            buildTable();
            collecting = false;
            incumbent = Double.POSITIVE_INFINITY;
            node(full, 0, 0, 0);
            Ties t = new Ties(cp, incumbent);
            ties = t;
            collecting = true;
            node(full, 0, 0, 0);
            return cp.selection(t.winner());
        }

        private void buildTable() {
            h = new double[(full + 1) * width];
            for (int w = 1; w <= full; w++) {
                int row = w * width;
                Arrays.fill(h, row, row + width, Double.POSITIVE_INFINITY);
                int u = Integer.numberOfTrailingZeros(w);
                int rest = w & ~(1 << u);
                if ((1L << Integer.bitCount(rest)) <= groupsByLow[u].length) {
                    int sub = rest;
                    while (true) {
                        relax(w, sub | (1 << u));
                        if (sub == 0) {
                            break;
                        }
                        sub = (sub - 1) & rest;
                    }
                } else {
                    for (int g : groupsByLow[u]) {
                        if ((g & ~w) == 0) {
                            relax(w, g);
                        }
                    }
                }
            }
        }

        private void relax(int w, int g) {
            int row = w * width;
            int base = (w ^ g) * width;
            for (int e = gStart[g]; e < gStart[g + 1]; e++) {
                int ue = entUnits[e];
                double v = entVal[e];
                for (int r = ue; r < width; r++) {
                    double x = v + h[base + r - ue];
                    if (x < h[row + r]) {
                        h[row + r] = x;
                    }
                }
            }
        }

        private int unitsFor(double remaining) {
            if (remaining < 0) {
                return 0;
            }
            return (int) Math.min(units, Math.floor(remaining / q + 1e-6));
        }

        private boolean prune(double bound, double costAfter) {
            if (collecting) {
                return bound > ties.threshold() + cp.roundingSlack() || costAfter > ties.winnerCost() + cp.costSlack();
            }
            return bound >= incumbent - cp.roundingSlack();
        }

        private void node(int open, double spent, double value, int depth) {
            if (open == 0) {
                if (collecting) {
                    ties.offer(path, depth);
                } else {
                    incumbent = Math.min(incumbent, cp.objective(path, depth));
                }
                return;
            }
            double left = cp.budget + cp.budgetSlack - spent;
            int u = Integer.numberOfTrailingZeros(open);
            int rest = open & ~(1 << u);
            int[] childEntry = new int[16];
            int[] childGroup = new int[16];
            double[] childBound = new double[16];
            int children = 0;
            boolean enumerate = (1L << Integer.bitCount(rest)) <= groupsByLow[u].length;
            int sub = rest;
            int idx = 0;
            while (true) {
                int g;
                if (enumerate) {
                    g = sub | (1 << u);
                } else {
                    if (idx == groupsByLow[u].length) {
                        break;
                    }
                    g = groupsByLow[u][idx++];
                    if ((g & ~open) != 0) {
                        continue;
                    }
                }
                int after = (open ^ g) * width;
                for (int e = gStart[g]; e < gStart[g + 1]; e++) {
                    int c = entCand[e];
                    double cost = entCost[e];
                    if (onPath[c] || cost > left) {
                        continue;
                    }
                    double bound = value + entVal[e] + h[after + unitsFor(left - cost)];
                    if (prune(bound, spent + cost)) {
                        continue;
                    }
                    if (children == childEntry.length) {
                        childEntry = Arrays.copyOf(childEntry, 2 * children);
                        childGroup = Arrays.copyOf(childGroup, 2 * children);
                        childBound = Arrays.copyOf(childBound, 2 * children);
                    }
                    childEntry[children] = e;
                    childGroup[children] = g;
                    childBound[children] = bound;
                    children++;
                }
                if (enumerate) {
                    if (sub == 0) {
                        break;
                    }
                    sub = (sub - 1) & rest;
                }
            }
            Integer[] byBound = new Integer[children];
            for (int i = 0; i < children; i++) {
                byBound[i] = i;
            }
            final double[] bounds = childBound;
            final int[] entries = childEntry;
            Arrays.sort(byBound, Comparator.comparingDouble((Integer i) -> bounds[i])
                    .thenComparingInt(i -> entCand[entries[i]]).thenComparingInt(i -> entries[i]));
            for (int i : byBound) {
                int e = childEntry[i];
                int c = entCand[e];
                if (onPath[c] || prune(childBound[i], spent + entCost[e])) {
                    continue;
                }
                onPath[c] = true;
                path[depth] = c;
                node(open ^ childGroup[i], spent + entCost[e], value + entVal[e], depth + 1);
                onPath[c] = false;
            }
        }
    }
}
