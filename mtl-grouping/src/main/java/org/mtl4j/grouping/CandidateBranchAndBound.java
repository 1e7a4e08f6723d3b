package org.mtl4j.grouping;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Exact depth-first branch and bound over candidate networks, for any number of tasks.
 *
 * <p>A node is a partial selection that may only be extended with candidates later in a fixed order. Two lower bounds
 * prune it:
 * <ul>
 *   <li>the per-task bound {@code Σ_t min(best_t, min_{c ≥ j, cost(c) ≤ R} L(c, t))}: every task keeps its current
 *       best loss or takes the best loss any remaining affordable candidate offers ({@code R} is the remaining budget;
 *       affordability is resolved in up to eight cost buckets). It only grows with the position {@code j} of the next
 *       candidate, so a node's loop over candidates stops at the first {@code j} whose bound reaches the incumbent;
 *   <li>at every node, a Lagrangian bound that also prices the budget: relaxing "each task served once" with
 *       multipliers {@code μ_t} and the budget with {@code λ ≥ 0} gives
 *       {@code Σ_t μ_t − λR + Σ_c min(0, λ·cost(c) − Σ_{t∈c} (μ_t − L(c,t))⁺)}, maximised over {@code μ} by dual ascent
 *       (Erlenkotter's, for facility location) for a few {@code λ} around the parent's best; plus a cover test (the
 *       uncovered tasks need at least {@code |uncovered| · min_c cost(c)/|served(c) ∩ uncovered|}).
 * </ul>
 *
 * <p>Pruning and ordering:
 * <ul>
 *   <li>dominance: a candidate is dropped when another serves a superset of its tasks with no higher loss on any of
 *       them and costs less (or the same and comes first in the table) — some optimal, tie-winning selection never
 *       needs it;
 *   <li>a candidate that improves no task's current best is never added (dropping it from a selection keeps the
 *       objective and lowers cost or the network count);
 *   <li>candidates are ordered by their best rank among the networks serving any one task, so every task's best
 *       networks come first and the suffix bound rises evenly; a greedy selection seeds the incumbent.
 * </ul>
 * Ties are broken as {@link Ties} documents, in a second pass that enumerates the selections within the tie window.
 */
final class CandidateBranchAndBound implements GroupingSolver {

    private static final int MAX_BUCKETS = 8;
    private static final int ASCENT_PASSES = 2;
    private static final long SUFFIX_TABLE_LIMIT = 8_000_000L;
    private static final long DOMINANCE_PAIR_LIMIT = 400_000_000L;

    @Override
    public Selection solve(GroupingProblem problem) {
        return solve(new Compiled(problem));
    }

    Selection solve(Compiled cp) {
        Search search = new Search(cp);
        double optimum = search.optimise();
        Ties ties = new Ties(cp, optimum);
        search.collect(ties);
        return cp.selection(ties.winner());
    }

    @Override
    public String name() {
        return "branch-and-bound";
    }

    /** The search state over the ordered, dominance-filtered candidates. */
    private static final class Search {
        private final Compiled cp;
        private final int n;
        /** Kept-candidate index of each ordered candidate. */
        private final int[] order;
        private final int count;
        private final double[] oCost;
        private final int[][] oServed;
        private final double[][] oLoss;
        private final double[] distinctCosts;
        private final double[] thresholds;
        /** {@code suffix[k][j * n + t]}: min loss of t over ordered candidates ≥ j with cost ≤ thresholds[k]. */
        private final double[][] suffix;

        private final double[] best;
        private int covered;
        private double spent;
        private final double[] spentBefore;
        private final double[] undo;
        private int undoTop;
        private final int[] chosen;

        /** Per task: the ordered candidates serving it, by ascending loss, and those losses. */
        private final int[][] optIdx;
        private final double[][] optLoss;
        private final double[] slack;
        private final double[] mu;
        /** The Lagrange multiplier of the budget that gave the best bound at each depth (children start there). */
        private final double[] lambdaAt;
        private final double lambdaScale;

        private boolean collecting;
        private double incumbent;
        private Ties ties;

        Search(Compiled cp) {
            this.cp = cp;
            this.n = cp.n;
            int[] kept = undominated(cp);
            this.order = ordered(cp, kept);
            this.count = order.length;
            oCost = new double[count];
            oServed = new int[count][];
            oLoss = new double[count][];
            for (int i = 0; i < count; i++) {
                int c = order[i];
                oCost[i] = cp.cost[c];
                oServed[i] = cp.served[c];
                oLoss[i] = cp.servedLoss[c];
            }
            distinctCosts = Arrays.stream(oCost).sorted().distinct().toArray();
            int buckets = (int) Math.max(1, Math.min(Math.min(MAX_BUCKETS, distinctCosts.length),
                    SUFFIX_TABLE_LIMIT / ((long) (count + 1) * n)));
            thresholds = new double[buckets];
            for (int k = 0; k < buckets; k++) {
                int idx = (int) Math.ceil((k + 1) * (double) distinctCosts.length / buckets) - 1;
                thresholds[k] = distinctCosts[idx];
            }
            suffix = new double[buckets][];
            for (int k = 0; k < buckets; k++) {
                double[] s = new double[(count + 1) * n];
                Arrays.fill(s, count * n, (count + 1) * n, Double.POSITIVE_INFINITY);
                for (int j = count - 1; j >= 0; j--) {
                    System.arraycopy(s, (j + 1) * n, s, j * n, n);
                    if (oCost[j] <= thresholds[k]) {
                        for (int i = 0; i < oServed[j].length; i++) {
                            int t = oServed[j][i];
                            s[j * n + t] = Math.min(s[j * n + t], oLoss[j][i]);
                        }
                    }
                }
                suffix[k] = s;
            }
            best = new double[n];
            int maxDepth = count + 1;
            undo = new double[Math.max(1, Arrays.stream(oServed).mapToInt(a -> a.length).sum())];
            chosen = new int[maxDepth];
            spentBefore = new double[maxDepth];
            int[] perTask = new int[n];
            for (int[] ts : oServed) {
                for (int t : ts) {
                    perTask[t]++;
                }
            }
            optIdx = new int[n][];
            optLoss = new double[n][];
            for (int t = 0; t < n; t++) {
                optIdx[t] = new int[perTask[t]];
                optLoss[t] = new double[perTask[t]];
                perTask[t] = 0;
            }
            for (int j = 0; j < count; j++) {
                for (int i = 0; i < oServed[j].length; i++) {
                    int t = oServed[j][i];
                    optIdx[t][perTask[t]++] = j;
                }
            }
            double spread = 0;
            for (int t = 0; t < n; t++) {
                final int task = t;
                optIdx[t] = Arrays.stream(optIdx[t]).boxed()
                        .sorted(Comparator.comparingDouble((Integer j) -> lossOf(j, task)).thenComparingInt(j -> j))
                        .mapToInt(Integer::intValue).toArray();
                for (int i = 0; i < optIdx[t].length; i++) {
                    optLoss[t][i] = lossOf(optIdx[t][i], t);
                }
                if (optLoss[t].length > 0) {
                    spread += optLoss[t][optLoss[t].length - 1] - optLoss[t][0];
                }
            }
            double minCost = Arrays.stream(oCost).filter(c -> c > 0).min().orElse(1);
            lambdaScale = Math.max(spread, 1e-12) / minCost;
            slack = new double[count];
            mu = new double[n];
            lambdaAt = new double[maxDepth];
        }

        private double lossOf(int j, int t) {
            for (int i = 0; i < oServed[j].length; i++) {
                if (oServed[j][i] == t) {
                    return oLoss[j][i];
                }
            }
            throw new IllegalStateException();
        }

        /** Kept candidates that no other candidate dominates (see the class comment). */
        private static int[] undominated(Compiled cp) {
            int m = cp.m;
            if ((long) m * m > DOMINANCE_PAIR_LIMIT) {
                return IntStream.range(0, m).toArray();
            }
            int words = (cp.n + 63) / 64;
            long[][] masks = new long[m][words];
            for (int c = 0; c < m; c++) {
                for (int t : cp.served[c]) {
                    masks[c][t >> 6] |= 1L << (t & 63);
                }
            }
            boolean[] dominated = new boolean[m];
            for (int c = 0; c < m; c++) {
                for (int d = 0; d < m && !dominated[c]; d++) {
                    if (d == c || cp.served[d].length < cp.served[c].length || cp.cost[d] > cp.cost[c]
                            || (cp.cost[d] == cp.cost[c] && d > c)) {
                        continue;
                    }
                    if (!isSubset(masks[c], masks[d])) {
                        continue;
                    }
                    boolean noWorse = true;
                    for (int t : cp.served[c]) {
                        if (cp.loss[d * cp.n + t] > cp.loss[c * cp.n + t]) {
                            noWorse = false;
                            break;
                        }
                    }
                    dominated[c] = noWorse;
                }
            }
            return IntStream.range(0, m).filter(c -> !dominated[c]).toArray();
        }

        private static boolean isSubset(long[] a, long[] b) {
            for (int w = 0; w < a.length; w++) {
                if ((a[w] & ~b[w]) != 0) {
                    return false;
                }
            }
            return true;
        }

        /** Orders candidates by their best per-task rank, then by normalised gain per cost, then table order. */
        private static int[] ordered(Compiled cp, int[] kept) {
            int n = cp.n;
            double[] lo = new double[n];
            double[] hi = new double[n];
            Arrays.fill(lo, Double.POSITIVE_INFINITY);
            Arrays.fill(hi, Double.NEGATIVE_INFINITY);
            int[] servers = new int[n];
            for (int c : kept) {
                for (int i = 0; i < cp.served[c].length; i++) {
                    int t = cp.served[c][i];
                    lo[t] = Math.min(lo[t], cp.servedLoss[c][i]);
                    hi[t] = Math.max(hi[t], cp.servedLoss[c][i]);
                    servers[t]++;
                }
            }
            int[][] byTask = new int[n][];
            for (int t = 0; t < n; t++) {
                byTask[t] = new int[servers[t]];
                servers[t] = 0;
            }
            for (int c : kept) {
                for (int t : cp.served[c]) {
                    byTask[t][servers[t]++] = c;
                }
            }
            int[] rank = new int[cp.m];
            Arrays.fill(rank, Integer.MAX_VALUE);
            for (int t = 0; t < n; t++) {
                final int task = t;
                Integer[] list = Arrays.stream(byTask[t]).boxed().toArray(Integer[]::new);
                Arrays.sort(list, Comparator.comparingDouble((Integer c) -> cp.loss[c * n + task])
                        .thenComparingInt(c -> c));
                for (int r = 0; r < list.length; r++) {
                    rank[list[r]] = Math.min(rank[list[r]], r);
                }
            }
            double maxCost = Arrays.stream(kept).mapToDouble(c -> cp.cost[c]).max().orElse(1);
            double[] score = new double[cp.m];
            for (int c : kept) {
                double gain = 0;
                for (int i = 0; i < cp.served[c].length; i++) {
                    int t = cp.served[c][i];
                    double spread = hi[t] - lo[t];
                    gain += spread > 0 ? (hi[t] - cp.servedLoss[c][i]) / spread : 1;
                }
                score[c] = gain / (cp.cost[c] + 1e-9 * Math.max(1, maxCost));
            }
            return Arrays.stream(kept).boxed()
                    .sorted(Comparator.comparingInt((Integer c) -> rank[c])
                            .thenComparing(c -> -score[c]).thenComparingInt(c -> c))
                    .mapToInt(Integer::intValue).toArray();
        }

        /** Phase one: the optimal objective. */
        double optimise() {
            collecting = false;
            incumbent = greedy();
            run();
            return incumbent;
        }

        /** Phase two: offers every selection within the tie window to {@code t}. */
        void collect(Ties t) {
            collecting = true;
            ties = t;
            run();
        }

        /** A greedy feasible selection's objective, or {@code +∞} if greedy fails to serve every task. */
        private double greedy() {
            double[] current = new double[n];
            double[] penalty = new double[n];
            for (int t = 0; t < n; t++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    for (int i = 0; i < oServed[j].length; i++) {
                        if (oServed[j][i] == t) {
                            lo = Math.min(lo, oLoss[j][i]);
                            hi = Math.max(hi, oLoss[j][i]);
                        }
                    }
                }
                penalty[t] = hi + (hi - lo) + 1;
                current[t] = penalty[t];
            }
            boolean[] used = new boolean[count];
            double budgetLeft = cp.budget + cp.budgetSlack;
            while (true) {
                int pick = -1;
                double pickRatio = 0;
                for (int j = 0; j < count; j++) {
                    if (used[j] || oCost[j] > budgetLeft) {
                        continue;
                    }
                    double gain = 0;
                    for (int i = 0; i < oServed[j].length; i++) {
                        gain += Math.max(0, current[oServed[j][i]] - oLoss[j][i]);
                    }
                    if (gain <= 0) {
                        continue;
                    }
                    double ratio = oCost[j] == 0 ? Double.POSITIVE_INFINITY : gain / oCost[j];
                    if (pick < 0 || ratio > pickRatio) {
                        pick = j;
                        pickRatio = ratio;
                    }
                }
                if (pick < 0) {
                    break;
                }
                used[pick] = true;
                budgetLeft -= oCost[pick];
                for (int i = 0; i < oServed[pick].length; i++) {
                    int t = oServed[pick][i];
                    current[t] = Math.min(current[t], oLoss[pick][i]);
                }
            }
            boolean[] serves = new boolean[n];
            for (int j = 0; j < count; j++) {
                if (used[j]) {
                    for (int t : oServed[j]) {
                        serves[t] = true;
                    }
                }
            }
            double total = 0;
            for (int t = 0; t < n; t++) {
                if (!serves[t]) {
                    return Double.POSITIVE_INFINITY;
                }
                total += current[t];
            }
            return total;
        }

        private void run() {
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            covered = 0;
            spent = 0;
            undoTop = 0;
            int[] next = new int[count + 1];
            int depth = 0;
            next[0] = 0;
            lambdaAt[0] = rootLambda();
            if (prune(lagrangian(0, 0))) {
                next[0] = count;
            }
            while (depth >= 0) {
                int j = next[depth];
                double remaining = cp.budget + cp.budgetSlack - spent;
                int bucket = bucketFor(remaining);
                int found = -1;
                while (j < count && bucket >= 0) {
                    if (prune(bound(j, bucket))) {
                        break;
                    }
                    if (oCost[j] <= remaining && improves(j) && affordableForTies(j)) {
                        found = j;
                        break;
                    }
                    j++;
                }
                if (found < 0) {
                    if (depth > 0) {
                        retract(chosen[depth - 1]);
                        spent = spentBefore[depth - 1];
                    }
                    depth--;
                    continue;
                }
                next[depth] = found + 1;
                chosen[depth] = found;
                spentBefore[depth] = spent;
                apply(found);
                depth++;
                next[depth] = found + 1;
                if (covered == n) {
                    leaf(depth);
                }
                lambdaAt[depth] = lambdaAt[depth - 1];
                if (prune(lagrangian(depth, found + 1))) {
                    next[depth] = count;
                }
            }
        }

        private boolean prune(double bound) {
            if (collecting) {
                return bound > ties.threshold() + cp.roundingSlack();
            }
            return bound >= incumbent - cp.roundingSlack();
        }

        private boolean affordableForTies(int j) {
            return !collecting || spent + oCost[j] <= ties.winnerCost() + cp.costSlack();
        }

        private void leaf(int depth) {
            double total = 0;
            for (double v : best) {
                total += v;
            }
            if (collecting) {
                int[] kept = new int[depth];
                for (int d = 0; d < depth; d++) {
                    kept[d] = order[chosen[d]];
                }
                ties.offer(kept, depth);
            } else if (total < incumbent) {
                incumbent = total;
            }
        }

        /** The multiplier with the best root bound over a geometric grid (0 included). */
        private double rootLambda() {
            double remaining = cp.budget + cp.budgetSlack;
            double bestLambda = 0;
            double bestBound = dualAscent(0, 0, remaining);
            for (int k = -12; k <= 6; k++) {
                double lambda = lambdaScale * Math.pow(2, k);
                double b = dualAscent(lambda, 0, remaining);
                if (b > bestBound) {
                    bestBound = b;
                    bestLambda = lambda;
                }
            }
            return bestLambda;
        }

        /**
         * The Lagrangian bound of the subtree of the node at {@code depth} whose extensions start at {@code from}: the
         * best of a few multipliers around the parent's, which becomes this node's.
         */
        private double lagrangian(int depth, int from) {
            double remaining = cp.budget + cp.budgetSlack - spent;
            if (covered < n && !coverable(from, remaining)) {
                return Double.POSITIVE_INFINITY;
            }
            double center = lambdaAt[depth];
            double[] tries = center > 0 ? new double[] {center, center * 0.5, center * 2, 0}
                    : new double[] {0, lambdaScale / 16, lambdaScale};
            double bestBound = Double.NEGATIVE_INFINITY;
            for (double lambda : tries) {
                double b = dualAscent(lambda, from, remaining);
                if (b > bestBound) {
                    bestBound = b;
                    lambdaAt[depth] = lambda;
                }
                if (prune(bestBound)) {
                    break;
                }
            }
            return bestBound;
        }

        /**
         * Whether the uncovered tasks can still be covered: {@code u} uncovered tasks cost at least
         * {@code u · min_c cost(c) / |served(c) ∩ uncovered|} over the available candidates.
         */
        private boolean coverable(int from, double remaining) {
            int uncovered = n - covered;
            double ratio = Double.POSITIVE_INFINITY;
            for (int j = from; j < count; j++) {
                if (oCost[j] > remaining) {
                    continue;
                }
                int fresh = 0;
                for (int t : oServed[j]) {
                    if (best[t] == Double.POSITIVE_INFINITY) {
                        fresh++;
                    }
                }
                if (fresh > 0) {
                    ratio = Math.min(ratio, oCost[j] / fresh);
                }
            }
            return ratio < Double.POSITIVE_INFINITY && uncovered * ratio <= remaining * (1 + 1e-12) + 1e-12;
        }

        /**
         * A Lagrangian lower bound by dual ascent (Erlenkotter's, for facility location). The completions choose a set
         * {@code A} of the available candidates (position ≥ {@code from}, cost ≤ {@code remaining}); each task is served
         * by one option, an available candidate or, if covered, its current best at no cost. Relaxing "served exactly
         * once" with multipliers {@code μ_t} and the budget with {@code λ ≥ 0} gives, for any {@code μ},
         * {@code Σ_t μ_t − λR + Σ_c min(0, λ·cost(c) − Σ_{t∈c} (μ_t − L(c,t))⁺)} ≤ every completion's objective. The
         * ascent raises each {@code μ_t} while every candidate keeps a non-negative slack, so the last sum is zero.
         */
        private double dualAscent(double lambda, int from, double remaining) {
            for (int j = from; j < count; j++) {
                slack[j] = lambda * oCost[j];
            }
            for (int t = 0; t < n; t++) {
                double m = best[t];
                int[] idx = optIdx[t];
                for (int i = 0; i < idx.length; i++) {
                    int j = idx[i];
                    if (j >= from && oCost[j] <= remaining) {
                        m = Math.min(m, optLoss[t][i]);
                        break;
                    }
                }
                if (m == Double.POSITIVE_INFINITY) {
                    return Double.POSITIVE_INFINITY;
                }
                mu[t] = m;
            }
            if (lambda > 0) {
                for (int pass = 0; pass < ASCENT_PASSES; pass++) {
                    for (int t = 0; t < n; t++) {
                        double old = mu[t];
                        double cap = best[t];
                        int[] idx = optIdx[t];
                        double[] ls = optLoss[t];
                        for (int i = 0; i < idx.length && ls[i] < cap; i++) {
                            int j = idx[i];
                            if (j >= from && oCost[j] <= remaining) {
                                cap = Math.min(cap, slack[j] + Math.max(ls[i], old));
                            }
                        }
                        if (cap <= old || cap == Double.POSITIVE_INFINITY) {
                            continue;
                        }
                        mu[t] = cap;
                        for (int i = 0; i < idx.length && ls[i] < cap; i++) {
                            int j = idx[i];
                            if (j >= from && oCost[j] <= remaining) {
                                slack[j] -= cap - Math.max(ls[i], old);
                            }
                        }
                    }
                }
            }
            double total = -lambda * remaining;
            for (int t = 0; t < n; t++) {
                total += mu[t];
            }
            return total;
        }

        /** The bucket whose affordable set contains every candidate of cost ≤ {@code remaining}; −1 if none. */
        private int bucketFor(double remaining) {
            int idx = Arrays.binarySearch(distinctCosts, remaining);
            int last = idx >= 0 ? idx : -idx - 2;
            if (last < 0) {
                return -1;
            }
            double c = distinctCosts[last];
            for (int k = 0; k < thresholds.length; k++) {
                if (thresholds[k] >= c) {
                    return k;
                }
            }
            return thresholds.length - 1;
        }

        private double bound(int j, int bucket) {
            double total = 0;
            if (bucket < 0) {
                for (double v : best) {
                    total += v;
                }
                return total;
            }
            double[] s = suffix[bucket];
            int base = j * n;
            for (int t = 0; t < n; t++) {
                total += Math.min(best[t], s[base + t]);
            }
            return total;
        }

        private boolean improves(int j) {
            for (int i = 0; i < oServed[j].length; i++) {
                if (oLoss[j][i] < best[oServed[j][i]]) {
                    return true;
                }
            }
            return false;
        }

        private void apply(int j) {
            spent += oCost[j];
            for (int i = 0; i < oServed[j].length; i++) {
                int t = oServed[j][i];
                undo[undoTop++] = best[t];
                if (best[t] == Double.POSITIVE_INFINITY) {
                    covered++;
                }
                best[t] = Math.min(best[t], oLoss[j][i]);
            }
        }

        private void retract(int j) {
            for (int i = oServed[j].length - 1; i >= 0; i--) {
                int t = oServed[j][i];
                best[t] = undo[--undoTop];
                if (best[t] == Double.POSITIVE_INFINITY) {
                    covered--;
                }
            }
        }
    }
}
