package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The exact solver of an {@link HoaInstance} of up to {@value #MAX_TASKS} tasks: the selection
 * {@link Groupings#exact()} returns on the completed table ({@code 2^n − 1} networks plus the halves), ties included,
 * without building that table.
 *
 * <p><b>Reduction.</b> Write a selection as the half-size networks {@code H} it uses and a partition of the other
 * tasks into groups {@code G_i}, each served by one chosen full-size network {@code N_i ⊇ G_i}. The best network for
 * a group is {@link GroupValues} {@code f(G)}, so with full cost {@code c_f}, half cost {@code c_h} and
 * {@code j(h) = max{j : j·c_f + h·c_h ≤ B}}
 *
 * <pre>
 *   OPT = min_{H} [ Σ_{t ∈ H} L_half(t) + P_{j(|H|)}(U ∖ H) ],
 *   P_1(W) = f(W),   P_j(W) = min_{G ∋ min W, G ⊆ W} f(G) + P_{j−1}(W ∖ G),   P_j(∅) = 0,
 * </pre>
 *
 * where {@code P_j(W)} is the best partition of {@code W} into at most {@code j} groups (the recursion is monotone in
 * {@code j}: {@code P_j ≤ P_{j−1}}). A selection is never worse than its partition's value and the partition of the
 * optimal selection (each task to its best chosen network) reaches it, so the two optima agree.
 *
 * <p><b>Cost.</b> {@code f} for all {@code 2^n} groups: {@code O(2^n · n log n)}, in parallel. Every group the recursion
 * removes holds the lowest remaining task, so below the top layer {@code J = j(0)} each layer is computed in full only
 * for the sets without task 0 ({@code Σ_{W ∌ 0} 2^{|W|−1} = 3^{n−1}/2} additions, 5.8·10⁸ at 20 tasks, in parallel
 * over {@code W}); the other entries, and the top layer, are computed when first needed (a half set {@code H} needs
 * {@code P_{j(|H|)}(U ∖ H)}; those whose bound {@code Σ_H L_half + P_j(W ∖ {0}) + f({0})} already loses are
 * skipped). A layer equal to the one before on the sets without task 0 ends the recursion (every later layer equals
 * it). Memory: one {@code double[2^n]} per layer (8 MiB at 20 tasks). Measured at 20 tasks on two busy cores: about
 * 1–2 s at budget 3, 13 s at budget 10.
 *
 * <p><b>Ties.</b> A depth-first search from every {@code H} within the tie window re-walks the partitions whose
 * table bound {@code value + f(G) + P_{j−1}(rest)} stays within {@code OPT + 1e-9·max(1, |OPT|)} (plus a rounding
 * slack), trying every network {@code N ⊇ G} that keeps the total within it, and offers each such selection, evaluated
 * canonically; the winner is chosen as {@link Ties} documents (lowest cost, fewest networks, earliest positions in the
 * completed table). The winner never holds a network or half that serves no task strictly best (dropping it would be
 * cheaper at the same objective), so its partition is among those walked. Branches dearer than a selection already
 * surely inside the window are cut, and only offers that no other beats on both objective and tie-break are kept.
 */
final class HoaExact {

    /** The most tasks: one {@code double[2^n]} per layer (128 MiB at 24 tasks) and {@code 3^{n−1}/2} work per layer. */
    static final int MAX_TASKS = 24;

    /** The default limit of {@link LargeGroupingSolver}: a few seconds at budget 3, under 20 s at any budget. */
    static final int DEFAULT_TASKS = 20;

    private final HoaInstance hoa;
    private final int n;
    private final int full;
    private final double budget;
    private final double budgetSlack;
    private final ForkJoinPool pool;
    private final GroupValues gv;
    private double[] f;
    /**
     * {@code layers[j]} for {@code j = 1 … top} (fewer when a layer stopped changing; higher {@code j} read the last):
     * {@code layers[1] = f}; the others hold the sets without task 0 below the top layer, and NaN where an entry has
     * not been needed yet.
     */
    private double[][] layers;
    private int top;
    private final double slack;

    /** Timings and sizes of the last solve, for reports and benchmarks. */
    record Stats(double valueSeconds, double layerSeconds, double searchSeconds, int layersComputed,
            int selectionsOffered) {}

    private Stats stats;

    HoaExact(HoaInstance hoa, double budget, ForkJoinPool pool) {
        this.hoa = hoa;
        this.n = hoa.n;
        checkArgument(n <= MAX_TASKS, "the exact HOA solver handles at most %s tasks, got %s", MAX_TASKS, n);
        this.full = (1 << n) - 1;
        this.budget = budget;
        this.budgetSlack = Tolerances.budgetSlack(budget);
        this.pool = pool;
        this.gv = new GroupValues(hoa);
        double scale = 0;
        for (int t = 0; t < n; t++) {
            double m = Math.abs(hoa.single[t]);
            for (int s = 0; s < n; s++) {
                m = Math.max(m, Math.abs(hoa.pair[t * n + s]));
            }
            if (!Double.isNaN(hoa.half[t])) {
                m = Math.max(m, Math.abs(hoa.half[t]));
            }
            scale += m;
        }
        this.slack = 1e-10 * Math.max(1, scale);
    }

    Stats stats() {
        return stats;
    }

    private boolean affordable(int j, int h) {
        double c = j * hoa.fullCost + (h == 0 ? 0 : h * hoa.halfCost);
        return c <= budget + budgetSlack;
    }

    /** The most full-size networks affordable next to {@code h} halves, at most {@code n}; −1 if none fits. */
    private int maxNetworks(int h) {
        if (!affordable(0, h)) {
            return -1;
        }
        int j = 0;
        while (j < n && affordable(j + 1, h)) {
            j++;
        }
        return j;
    }

    Selection solve() {
        long t0 = System.nanoTime();
        f = GroupValues.all(hoa, pool);
        long t1 = System.nanoTime();
        top = Math.max(1, maxNetworks(0));
        buildLayers();
        long t2 = System.nanoTime();
        // phase one: the optimum over every half set (the on-demand table entries it needs first, in parallel: each
        // half set needs a different entry)
        int halves = (int) hoa.halfMask;
        int[] halfSets = new int[1 << Integer.bitCount(halves)];
        int count = 0;
        for (int h = halves; ; h = (h - 1) & halves) {
            halfSets[count++] = h;
            if (h == 0) {
                break;
            }
        }
        double incumbent = rootValue(0);
        GroupValues.run(pool, () -> Arrays.stream(halfSets).parallel().forEach(h -> {
            int j = maxNetworks(Integer.bitCount(h));
            int w = full & ~h;
            if (w != 0 && j >= 2 && rootBound(h) < incumbent) {
                int idx = Math.min(j, layers.length - 1);
                double[] layer = layers[idx];
                if (layer != f && Double.isNaN(layer[w])) {
                    layer[w] = relax(w, layers[idx - 1]);
                }
            }
        }));
        double opt = incumbent;
        for (int h : halfSets) {
            if (rootBound(h) < opt) {
                opt = Math.min(opt, rootValue(h));
            }
        }
        if (opt == Double.POSITIVE_INFINITY) {
            throw new IllegalStateException("no affordable selection serves every task; the budget check should have "
                    + "caught this");
        }
        // phase two: every selection within the tie window
        double threshold = opt + Tolerances.tieWindow(opt) + slack;
        Collector collector = new Collector(opt);
        for (int h : halfSets) {
            if (rootBound(h) <= threshold && rootValue(h) <= threshold) {
                collector.from(h);
            }
        }
        Selection s = collector.winner();
        long t3 = System.nanoTime();
        stats = new Stats((t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, layers.length - 1,
                collector.offered.size());
        return s;
    }

    /**
     * A lower bound on {@link #rootValue} that needs no on-demand entry: with task 0 outside {@code h},
     * {@code P_j(W) ≥ P_j(W ∖ {0}) + f({0})} (task 0's group {@code G} has {@code f(G) ≥ f(G ∖ {0}) + f({0})}: the
     * best network for {@code G} serves {@code G ∖ {0}} no better than {@code f(G ∖ {0})} and task 0 no better than its
     * best pair or single), read from the precomputed sets without task 0 below the top layer; the exact value
     * otherwise.
     */
    private double rootBound(int h) {
        int j = maxNetworks(Integer.bitCount(h));
        int w = full & ~h;
        if ((w & 1) == 0 || j <= 1 || w == 1) {
            return rootValue(h);
        }
        if (j >= top) {
            return Double.NEGATIVE_INFINITY;
        }
        double halfSum = 0;
        for (int t = 0; t < n; t++) {
            if ((h >>> t & 1) != 0) {
                halfSum += hoa.half[t];
            }
        }
        return halfSum + partition(w & ~1, j) + f[1];
    }

    /** The best value with half set {@code h}: the halves plus the best partition of the rest. */
    private double rootValue(int h) {
        int count = Integer.bitCount(h);
        int j = maxNetworks(count);
        if (j < 0) {
            return Double.POSITIVE_INFINITY;
        }
        int w = full & ~h;
        double halfSum = 0;
        for (int t = 0; t < n; t++) {
            if ((h >>> t & 1) != 0) {
                halfSum += hoa.half[t];
            }
        }
        if (w == 0) {
            return halfSum;
        }
        if (j == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return halfSum + partition(w, j);
    }

    /**
     * {@code P_j(W)} for {@code 1 ≤ j ≤ top}, {@code W ≠ ∅}: precomputed for the sets without task 0 below the top
     * layer, computed on first use (and kept) otherwise — every set the searches reach after removing a group that
     * holds the lowest remaining task lacks task 0.
     */
    private double partition(int w, int j) {
        double[] layer = layers[Math.min(j, layers.length - 1)];
        if (layer == f) {
            return f[w];
        }
        double v = layer[w];
        if (Double.isNaN(v)) {
            v = relax(w, layers[Math.min(j, layers.length - 1) - 1]);
            layer[w] = v;
        }
        return v;
    }

    /** {@code min_{G ∋ min W, G ⊆ W} f(G) + prev(W ∖ G)}. */
    private double relax(int w, double[] prev) {
        int low = w & -w;
        int rest = w ^ low;
        double best = f[w];
        if (rest == 0) {
            return best;
        }
        for (int sub = (rest - 1) & rest; ; sub = (sub - 1) & rest) {
            double v = f[sub | low] + prev[rest ^ sub];
            if (v < best) {
                best = v;
            }
            if (sub == 0) {
                break;
            }
        }
        return best;
    }

    private void buildLayers() {
        List<double[]> ls = new ArrayList<>();
        ls.add(null);
        ls.add(f);
        for (int j = 2; j <= top; j++) {
            double[] prev = ls.get(j - 1);
            double[] next = new double[full + 1];
            Arrays.fill(next, Double.NaN);
            next[0] = 0;
            ls.add(next);
            if (j == top) {
                break;
            }
            // the sets without task 0 (even masks), in parallel; the others on demand
            final int layer = j;
            int evens = (full + 1) >> 1;
            int chunk = Math.max(1, evens >> 8);
            GroupValues.run(pool, () -> IntStream.range(0, (evens + chunk - 1) / chunk).parallel().forEach(c -> {
                int from = Math.max(1, c * chunk);
                int to = Math.min(evens - 1, (c + 1) * chunk - 1);
                for (int i = from; i <= to; i++) {
                    int w = i << 1;
                    next[w] = Integer.bitCount(w) < layer ? prev[w] : relax(w, prev);
                }
            }));
            if (sameOnEvens(next, prev)) {
                // then every later layer equals this one (its odd entries still come from prev, on demand)
                break;
            }
        }
        layers = ls.toArray(new double[0][]);
    }

    private static boolean sameOnEvens(double[] a, double[] b) {
        for (int w = 2; w < a.length; w += 2) {
            if (a[w] != b[w]) {
                return false;
            }
        }
        return true;
    }

    /** Phase two: walks every partition within the threshold and keeps the tie-break winner. */
    private final class Collector {
        private final double threshold;
        private final long[] path = new long[n + 1];
        private int halves;
        private int halfCount;
        private double bestCost = Double.POSITIVE_INFINITY;
        private final double costSlack = 1e-12 * Math.max(1, budget);
        private record Offer(long[] networks, long halves, double objective, double cost, long[] positions) {}
        private final List<Offer> offered = new ArrayList<>();

        /** Offers at most this far above the optimum are surely in the final tie window: their cost may prune. */
        private final double safeLimit;

        Collector(double optimum) {
            this.threshold = optimum + Tolerances.tieWindow(optimum) + slack;
            this.safeLimit = optimum + Tolerances.tieWindow(optimum) - slack;
        }

        void from(int h) {
            halves = h;
            halfCount = Integer.bitCount(h);
            double halfSum = 0;
            for (int t = 0; t < n; t++) {
                if ((h >>> t & 1) != 0) {
                    halfSum += hoa.half[t];
                }
            }
            walk(full & ~h, maxNetworks(Integer.bitCount(h)), halfSum, 0);
        }

        private void walk(int w, int left, double value, int depth) {
            if (w == 0) {
                offer(depth);
                return;
            }
            if (left <= 0 || spent(depth + 1) > bestCost + costSlack) {
                return;
            }
            int low = w & -w;
            int rest = w ^ low;
            for (int sub = rest; ; sub = (sub - 1) & rest) {
                int g = sub | low;
                int other = rest ^ sub;
                double after = other == 0 ? 0 : left - 1 == 0 ? Double.POSITIVE_INFINITY : partition(other, left - 1);
                if (value + f[g] + after <= threshold) {
                    double limit = threshold - value - after;
                    gv.networksWithin(g, limit, (net, v) -> {
                        if (spent(depth + 1) > bestCost + costSlack) {
                            return;
                        }
                        for (int i = 0; i < depth; i++) {
                            if (path[i] == net) {
                                return;
                            }
                        }
                        path[depth] = net;
                        walk(other, left - 1, value + v, depth + 1);
                    });
                }
                if (sub == 0) {
                    break;
                }
            }
        }

        /** The cost of the current halves and {@code networks} full-size networks. */
        private double spent(int networks) {
            return networks * hoa.fullCost + (halfCount == 0 ? 0 : halfCount * hoa.halfCost);
        }

        private void offer(int depth) {
            long[] nets = Arrays.copyOf(path, depth);
            double objective = hoa.canonicalObjective(nets, depth, halves);
            double cost = hoa.canonicalCost(nets, depth, halves);
            Offer o = new Offer(nets, halves, objective, cost, hoa.positions(nets, depth, halves));
            if (cost > budget + budgetSlack) {
                return;
            }
            // keep the offers no other beats on both objective and tie-break key: only those can win
            for (Offer q : offered) {
                if (q.objective <= o.objective && compare(q, o) <= 0) {
                    return;
                }
            }
            offered.removeIf(q -> o.objective <= q.objective && compare(o, q) <= 0);
            offered.add(o);
            if (objective <= safeLimit) {
                bestCost = Math.min(bestCost, cost);
            }
        }

        Selection winner() {
            double min = Double.POSITIVE_INFINITY;
            for (Offer o : offered) {
                min = Math.min(min, o.objective);
            }
            double limit = min + Tolerances.tieWindow(min);
            Offer best = null;
            for (Offer o : offered) {
                if (o.objective <= limit && (best == null || compare(o, best) < 0)) {
                    best = o;
                }
            }
            if (best == null) {
                throw new IllegalStateException("no selection within the tie window; this is a solver bug");
            }
            return hoa.evaluate(best.networks, best.networks.length, best.halves);
        }

        private int compare(Offer a, Offer b) {
            int c = Double.compare(a.cost, b.cost);
            if (c != 0) {
                return c;
            }
            c = Integer.compare(a.positions.length, b.positions.length);
            if (c != 0) {
                return c;
            }
            return Arrays.compare(a.positions, b.positions);
        }
    }
}
