package org.mtl4j.grouping;

import java.util.Arrays;

/**
 * A certified lower bound on the optimum of an {@link HoaInstance} of any size: the exact optimum of a relaxation in
 * which every task picks its best partners on its own.
 *
 * <p><b>The relaxation.</b> For task {@code t} let {@code p_t(1) ≤ p_t(2) ≤ …} be its pair losses
 * {@code L({t, s}, t)} sorted, and for a group size {@code g}
 *
 * <pre>
 *   r_t(1) = min(L({t}, t), p_t(1)),     r_t(g) = (p_t(1) + … + p_t(g−1)) / (g − 1)   (g ≥ 2),
 * </pre>
 *
 * the mean of its {@code g − 1} best partners. {@code r_t} is non-decreasing in {@code g}. The relaxed problem
 * chooses the half-size set {@code H} and a partition of the other tasks into at most {@code j(|H|)} groups (the
 * budget's limit on full-size networks, as in {@link HoaExact}) and pays {@code Σ_{t∈H} L_half(t) + Σ_i Σ_{t∈G_i}
 * r_t(|G_i|)}.
 *
 * <p><b>Validity.</b> Take any affordable selection and assign every task to its best chosen network; the tasks on
 * half-size networks form {@code H}, the others a partition into groups {@code G_i} served by distinct full-size
 * networks {@code N_i ⊇ G_i}, at most {@code j(|H|)} of them. For {@code t ∈ G_i}: if {@code N_i = {t}} its loss is
 * {@code L({t}, t) ≥ r_t(1)}; otherwise it is the mean of {@code |N_i| − 1} of its pair losses, at least the mean of
 * its {@code |N_i| − 1} smallest, {@code r_t(|N_i|) ≥ r_t(|G_i|)} (monotone, {@code |N_i| ≥ |G_i|}). So the
 * selection's objective is at least the relaxed cost of its partition, and the relaxed optimum is a lower bound on
 * {@code OPT}.
 *
 * <p><b>Solving the relaxation exactly.</b> Its cost depends on a group only through its size, and splitting a group
 * never raises {@code r}, so for each half count {@code h} only the partitions of {@code n − h} into exactly
 * {@code p = min(j(h), n − h)} parts matter. For each such multiset of sizes the best assignment of tasks to the slots
 * (each size {@code g} with multiplicity {@code μ} offers {@code g·μ} slots at {@code r_t(g)}; {@code h} half slots at
 * {@code L_half(t)}) is a square assignment problem, solved by the Hungarian method ({@code O(n³)}). Two valid bounds
 * skip most of them: per half count, {@code max_{λ,ν} Σ_t min(L_half(t) + ν, min_g r_t(g) + λ/g) − ν·h − λ·p} (a
 * group of size {@code g} has {@code g} members with {@code Σ 1/g = 1}; nested ternary search, the function is
 * concave), which also orders the half counts; per size multiset, the capacity dual
 * {@code Σ_t min_c (cost_tc − w_c) + Σ_c cap_c·w_c} with each size's prices {@code w} taken from the last assignment
 * solved (its column potentials). Cost: under a second for 40 tasks, about 2 s for 62 tasks at budgets up to 20. Past
 * {@value #MAX_ASSIGNMENTS} assignment problems a size multiset is bounded by its capacity dual alone, past
 * {@value #MAX_PARTITIONS} size multisets a half count by its {@code (λ, ν)} bound (both still valid, weaker; not
 * reached in those measurements).
 */
final class HoaLowerBound {

    static final int MAX_ASSIGNMENTS = 200_000;
    static final long MAX_PARTITIONS = 5_000_000L;

    private final HoaInstance hoa;
    private final int n;
    /** {@code r[t][g]} for {@code g = 1 … n}. */
    private final double[][] r;
    private final double budget;
    private final double budgetSlack;
    private double best;
    private int assignments;
    private long visited;
    private final double[][] cost;
    private final int[] parts;
    private final double[] columnDual;
    /** The last capacity prices seen per group size and for the half slots (warm start of the pruning bound). */
    private final double[] sizePrice;
    private double halfPrice;

    HoaLowerBound(HoaInstance hoa, double budget) {
        this.hoa = hoa;
        this.n = hoa.n;
        this.budget = budget;
        this.budgetSlack = Tolerances.budgetSlack(budget);
        r = new double[n][n + 1];
        double[] p = new double[n - 1];
        for (int t = 0; t < n; t++) {
            int k = 0;
            for (int s = 0; s < n; s++) {
                if (s != t) {
                    p[k++] = hoa.pair[t * n + s];
                }
            }
            Arrays.sort(p);
            r[t][1] = Math.min(hoa.single[t], p[0]);
            double sum = 0;
            for (int g = 2; g <= n; g++) {
                sum += p[g - 2];
                r[t][g] = sum / (g - 1);
            }
        }
        cost = new double[n][n];
        parts = new int[n + 1];
        columnDual = new double[n];
        sizePrice = new double[n + 1];
    }

    private boolean affordable(int j, int h) {
        double c = j * hoa.fullCost + (h == 0 ? 0 : h * hoa.halfCost);
        return c <= budget + budgetSlack;
    }

    /** The bound: the relaxed optimum (see the class comment). */
    double bound() {
        best = Double.POSITIVE_INFINITY;
        int halves = Long.bitCount(hoa.halfMask);
        int[] groupsFor = new int[halves + 1];
        double[] quick = new double[halves + 1];
        Integer[] order = new Integer[halves + 1];
        for (int h = 0; h <= halves; h++) {
            order[h] = h;
            quick[h] = Double.POSITIVE_INFINITY;
            groupsFor[h] = -1;
            if (!affordable(0, h)) {
                continue;
            }
            int j = 0;
            while (j < n && affordable(j + 1, h)) {
                j++;
            }
            int m = n - h;
            if (m > 0 && j == 0) {
                continue;
            }
            groupsFor[h] = Math.min(j, m);
            quick[h] = lagrangian(h, groupsFor[h]);
        }
        // the most promising half counts first, so that the others are skipped on their quick bound
        Arrays.sort(order, (x, y) -> Double.compare(quick[x], quick[y]));
        for (int h : order) {
            if (groupsFor[h] < 0 || quick[h] >= best) {
                continue;
            }
            if (groupsFor[h] == 0) {
                evaluate(0, h);
                continue;
            }
            boolean complete = visited < MAX_PARTITIONS;
            if (complete) {
                partitions(n - h, groupsFor[h], n - h, 0, h);
                complete = visited < MAX_PARTITIONS;
            }
            if (!complete) {
                best = Math.min(best, quick[h]);
            }
        }
        return best;
    }

    /**
     * A quick bound on the relaxed problem with {@code h} halves and {@code p} groups, valid for every size multiset:
     * each group of size {@code g} has {@code g} members with {@code Σ 1/g = 1}, so for any {@code λ}, {@code ν}
     *
     * <pre>
     *   cost ≥ Σ_t min(L_half(t) + ν, min_g r_t(g) + λ/g) − ν·h − λ·p,
     * </pre>
     *
     * maximised over {@code (λ, ν)} by nested ternary search (the function is concave).
     */
    private double lagrangian(int h, int p) {
        double spread = 0;
        for (int t = 0; t < n; t++) {
            spread = Math.max(spread, Math.abs(r[t][1]) + Math.abs(r[t][n]));
            if (!Double.isNaN(hoa.half[t])) {
                spread = Math.max(spread, Math.abs(hoa.half[t]));
            }
        }
        double range = 4 * n * (spread + 1);
        double lo = h > 0 ? -range : 0;
        double hi = h > 0 ? range : 0;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int it = 0; it < (h > 0 ? 45 : 1); it++) {
            double a = lo + (hi - lo) / 3;
            double b = hi - (hi - lo) / 3;
            double fa = h > 0 ? maxOverLambda(a, h, p, range) : maxOverLambda(0, h, p, range);
            double fb = h > 0 ? maxOverLambda(b, h, p, range) : fa;
            bestValue = Math.max(bestValue, Math.max(fa, fb));
            if (fa < fb) {
                lo = a;
            } else {
                hi = b;
            }
        }
        return bestValue;
    }

    private double maxOverLambda(double nu, int h, int p, double range) {
        double lo = -range;
        double hi = range;
        double bestValue = Double.NEGATIVE_INFINITY;
        for (int it = 0; it < 45; it++) {
            double a = lo + (hi - lo) / 3;
            double b = hi - (hi - lo) / 3;
            double fa = dual(a, nu, h, p);
            double fb = dual(b, nu, h, p);
            bestValue = Math.max(bestValue, Math.max(fa, fb));
            if (fa < fb) {
                lo = a;
            } else {
                hi = b;
            }
        }
        return bestValue;
    }

    private double dual(double lambda, double nu, int h, int p) {
        int m = n - h;
        double total = -nu * h - lambda * p;
        for (int t = 0; t < n; t++) {
            double v = h > 0 && !Double.isNaN(hoa.half[t]) ? hoa.half[t] + nu : Double.POSITIVE_INFINITY;
            if (m > 0) {
                for (int g = 1; g <= m; g++) {
                    v = Math.min(v, r[t][g] + lambda / g);
                }
            }
            total += v;
        }
        return total;
    }

    /** Enumerates the partitions of {@code left} into {@code count} more parts, each at most {@code max}. */
    private void partitions(int left, int count, int max, int depth, int h) {
        if (visited >= MAX_PARTITIONS) {
            return;
        }
        if (count == 0) {
            visited++;
            if (left == 0) {
                evaluate(depth, h);
            }
            return;
        }
        // the largest remaining part is at least ceil(left / count) and at most min(max, left − (count − 1))
        for (int g = Math.min(max, left - (count - 1)); g * count >= left && g >= 1; g--) {
            parts[depth] = g;
            partitions(left - g, count - 1, g, depth + 1, h);
        }
    }

    private void evaluate(int depth, int h) {
        // the dual of the slot capacities with the last prices seen for each size: L(w) = Σ_t min_c (cost_tc − w_c)
        // + Σ_c cap_c·w_c bounds this assignment from below for any prices w
        double priced = 0;
        for (int t = 0; t < n; t++) {
            double m = h > 0 && !Double.isNaN(hoa.half[t]) ? hoa.half[t] - halfPrice : Double.POSITIVE_INFINITY;
            for (int i = 0; i < depth; i++) {
                m = Math.min(m, r[t][parts[i]] - sizePrice[parts[i]]);
            }
            priced += m;
        }
        for (int i = 0; i < depth; i++) {
            priced += parts[i] * sizePrice[parts[i]];
        }
        priced += h * halfPrice;
        if (priced >= best) {
            return;
        }
        if (assignments >= MAX_ASSIGNMENTS) {
            best = Math.min(best, priced);
            return;
        }
        assignments++;
        int col = 0;
        for (int i = 0; i < depth; i++) {
            for (int k = 0; k < parts[i]; k++, col++) {
                for (int t = 0; t < n; t++) {
                    cost[t][col] = r[t][parts[i]];
                }
            }
        }
        for (int k = 0; k < h; k++, col++) {
            for (int t = 0; t < n; t++) {
                cost[t][col] = Double.isNaN(hoa.half[t]) ? Double.POSITIVE_INFINITY : hoa.half[t];
            }
        }
        best = Math.min(best, hungarian(cost, n, columnDual));
        // keep each class's largest column potential as its price (exact for this size multiset)
        col = 0;
        for (int i = 0; i < depth; i++) {
            double w = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < parts[i]; k++, col++) {
                w = Math.max(w, columnDual[col]);
            }
            if (i == 0 || parts[i] != parts[i - 1]) {
                sizePrice[parts[i]] = w;
            } else {
                sizePrice[parts[i]] = Math.max(sizePrice[parts[i]], w);
            }
        }
        if (h > 0) {
            double w = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < h; k++, col++) {
                w = Math.max(w, columnDual[col]);
            }
            halfPrice = w;
        }
    }

    /**
     * The minimum-cost perfect matching of an {@code n × n} matrix (Hungarian method with potentials, {@code O(n³)});
     * {@code +∞} entries are forbidden, and {@code +∞} is returned if no finite matching exists.
     */
    static double hungarian(double[][] a, int n, double[] columnDual) {
        double big = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (a[i][j] != Double.POSITIVE_INFINITY) {
                    big = Math.max(big, Math.abs(a[i][j]));
                }
            }
        }
        double forbidden = 4 * (big + 1) * (n + 1);
        double[] u = new double[n + 1];
        double[] v = new double[n + 1];
        int[] p = new int[n + 1];
        int[] way = new int[n + 1];
        double[] minv = new double[n + 1];
        boolean[] used = new boolean[n + 1];
        for (int i = 1; i <= n; i++) {
            p[0] = i;
            int j0 = 0;
            Arrays.fill(minv, Double.POSITIVE_INFINITY);
            Arrays.fill(used, false);
            do {
                used[j0] = true;
                int i0 = p[j0];
                double delta = Double.POSITIVE_INFINITY;
                int j1 = 0;
                for (int j = 1; j <= n; j++) {
                    if (!used[j]) {
                        double c = a[i0 - 1][j - 1];
                        double cur = (c == Double.POSITIVE_INFINITY ? forbidden : c) - u[i0] - v[j];
                        if (cur < minv[j]) {
                            minv[j] = cur;
                            way[j] = j0;
                        }
                        if (minv[j] < delta) {
                            delta = minv[j];
                            j1 = j;
                        }
                    }
                }
                for (int j = 0; j <= n; j++) {
                    if (used[j]) {
                        u[p[j]] += delta;
                        v[j] -= delta;
                    } else {
                        minv[j] -= delta;
                    }
                }
                j0 = j1;
            } while (p[j0] != 0);
            do {
                int j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        for (int j = 1; j <= n; j++) {
            columnDual[j - 1] = v[j];
        }
        double total = 0;
        for (int j = 1; j <= n; j++) {
            double c = a[p[j] - 1][j - 1];
            if (c == Double.POSITIVE_INFINITY) {
                return Double.POSITIVE_INFINITY;
            }
            total += c;
        }
        return total;
    }
}
