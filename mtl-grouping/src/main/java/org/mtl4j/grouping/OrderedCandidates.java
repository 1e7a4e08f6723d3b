package org.mtl4j.grouping;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The candidates of a {@link CandidateBranchAndBound} search: the undominated ones in search order (best per-task
 * rank first), their costs, tasks and losses by position, and the per-task suffix bound — every task's best loss
 * over the candidates at a position or later that fit a remaining budget, tabulated for up to eight cost buckets.
 */
final class OrderedCandidates {

    private static final int MAX_BUCKETS = 8;
    private static final long SUFFIX_TABLE_LIMIT = 8_000_000L;
    private static final long DOMINANCE_PAIR_LIMIT = 400_000_000L;

    /** The number of tasks. */
    final int n;
    /** Kept-candidate index of each ordered candidate. */
    final int[] order;
    /** The number of ordered candidates. */
    final int count;
    /** Per position: the cost, the tasks served and their losses (in the order of the tasks). */
    final double[] cost;
    final int[][] served;
    final double[][] loss;
    private final double[] distinctCosts;
    private final double[] thresholds;
    /** {@code suffix[k][j * n + t]}: min loss of t over ordered candidates ≥ j with cost ≤ thresholds[k]. */
    private final double[][] suffix;

    OrderedCandidates(Compiled cp) {
        this.n = cp.n;
        int[] kept = undominated(cp);
        this.order = ordered(cp, kept);
        this.count = order.length;
        cost = new double[count];
        served = new int[count][];
        loss = new double[count][];
        for (int i = 0; i < count; i++) {
            int c = order[i];
            cost[i] = cp.cost[c];
            served[i] = cp.served[c];
            loss[i] = cp.servedLoss[c];
        }
        distinctCosts = Arrays.stream(cost).sorted().distinct().toArray();
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
                if (cost[j] <= thresholds[k]) {
                    for (int i = 0; i < served[j].length; i++) {
                        int t = served[j][i];
                        s[j * n + t] = Math.min(s[j * n + t], loss[j][i]);
                    }
                }
            }
            suffix[k] = s;
        }
    }

    /** The loss of task {@code t} in the candidate at position {@code j}, which serves it. */
    double lossOf(int j, int t) {
        for (int i = 0; i < served[j].length; i++) {
            if (served[j][i] == t) {
                return loss[j][i];
            }
        }
        throw new IllegalStateException();
    }

    /** The bucket whose affordable set contains every candidate of cost ≤ {@code remaining}; −1 if none. */
    int bucketFor(double remaining) {
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

    /**
     * The per-task bound {@code Σ_t min(best_t, min_{c ≥ j, cost(c) ≤ R} L(c, t))} with the bucket of {@code R}; the
     * current total when no candidate is affordable ({@code bucket} −1).
     */
    double bound(double[] best, int j, int bucket) {
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

    /** Kept candidates that no other candidate dominates (see {@link CandidateBranchAndBound}). */
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
}
