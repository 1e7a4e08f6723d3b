package org.mtl4j.grouping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A good affordable selection for an {@link HoaInstance} of any size (up to {@value HoaInstance#MAX_TASKS} tasks), by
 * iterated local search over task partitions; no optimality claim (pair it with {@link HoaLowerBound}).
 *
 * <p><b>State.</b> The half-size set {@code H} and a partition of the other tasks into groups {@code G_i}, each served
 * by its best network, at value {@code Σ_{t∈H} L_half(t) + Σ_i f(G_i)} ({@link GroupValues}: {@code f(G)} is the best
 * total of {@code G} over all networks {@code N ⊇ G}, computed in {@code O(n·|G| + n log n)}), with
 * {@code (#groups)·c_f + |H|·c_h ≤ B}.
 *
 * <p><b>Moves</b> (best improvement per task, then over pairs): move a task to another group, to a new group of its
 * own or to its half-size network (when affordable); swap two tasks of different groups. A local optimum is then
 * <em>polished</em>: each group's best network is chosen, every task is re-assigned to the best of all chosen networks
 * and halves (networks overlap through their auxiliary tasks, so a task can do better in another group's network),
 * networks and halves left serving nothing are dropped, and the search continues from the new partition while that
 * improves it.
 *
 * <p><b>Starts</b>: the all-in-one network; an agglomerative start (every task alone, then repeatedly the merge of two
 * groups that raises the value least, until affordable); seeded random partitions into the affordable number of
 * groups. Each start is followed by iterated local search: random kicks of a few moves, kept when the polished value
 * improves. Cost per local-search pass: {@code O(n·k)} relocation and {@code O(n²)} swap evaluations of {@code f},
 * each {@code O(n²)} at worst; the run stops after its starts and kicks or at its deadline.
 */
final class HoaLocalSearch {

    private final HoaInstance hoa;
    private final int n;
    private final GroupValues gv;
    private final GroupValues.Scratch scratch;
    private final double budget;
    private final double budgetSlack;
    private final SplittableRandom rnd;
    private final long deadline;
    private final double eps;

    /** The best selection found: networks and halves, with its canonical objective. */
    record Found(long[] networks, long halves, double objective) {}

    private Found best;

    HoaLocalSearch(HoaInstance hoa, double budget, long seed, long deadlineNanos) {
        this.hoa = hoa;
        this.n = hoa.n;
        this.gv = new GroupValues(hoa);
        this.scratch = gv.scratch();
        this.budget = budget;
        this.budgetSlack = Tolerances.budgetSlack(budget);
        this.rnd = new SplittableRandom(seed);
        this.deadline = deadlineNanos;
        double scale = 0;
        for (int t = 0; t < n; t++) {
            scale += Math.abs(hoa.single[t]);
        }
        this.eps = 1e-12 * Math.max(1, scale);
    }

    private boolean affordable(int groups, int halves) {
        double c = groups * hoa.fullCost + (halves == 0 ? 0 : halves * hoa.halfCost);
        return c <= budget + budgetSlack;
    }

    private boolean timeUp() {
        return System.nanoTime() > deadline;
    }

    /** A partition state. */
    private final class State {
        final List<Long> groups = new ArrayList<>();
        final List<Double> values = new ArrayList<>();
        long halves;

        State copy() {
            State s = new State();
            s.groups.addAll(groups);
            s.values.addAll(values);
            s.halves = halves;
            return s;
        }

        double value() {
            double v = 0;
            for (double x : values) {
                v += x;
            }
            for (long h = halves; h != 0; h &= h - 1) {
                v += hoa.half[Long.numberOfTrailingZeros(h)];
            }
            return v;
        }

        int halfCount() {
            return Long.bitCount(halves);
        }

        void add(long g) {
            groups.add(g);
            values.add(f(g));
        }

        void set(int i, long g) {
            if (g == 0) {
                groups.remove(i);
                values.remove(i);
            } else {
                groups.set(i, g);
                values.set(i, f(g));
            }
        }

        int groupOf(int t) {
            for (int i = 0; i < groups.size(); i++) {
                if ((groups.get(i) >>> t & 1) != 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    private double f(long g) {
        return g == 0 ? 0 : gv.value(g, scratch);
    }

    /**
     * Runs the search.
     *
     * @param starts the number of random starts (besides the all-in-one and agglomerative ones)
     * @param kicks the number of kicks per start
     * @return the best selection found
     */
    Found run(int starts, int kicks) {
        long all = hoa.fullMask();
        List<State> initial = new ArrayList<>();
        if (affordable(1, 0)) {
            State s = new State();
            s.add(all);
            initial.add(s);
        }
        State agg = agglomerative();
        if (agg != null) {
            initial.add(agg);
        }
        for (int i = 0; i < initial.size() + starts && !timeUp(); i++) {
            State s = i < initial.size() ? initial.get(i) : randomState();
            if (s == null) {
                continue;
            }
            searchFrom(s, kicks);
        }
        if (best == null) {
            // no affordable network at all: every task on its half-size network
            best = new Found(new long[0], hoa.halfMask, hoa.canonicalObjective(new long[0], 0, hoa.halfMask));
        }
        return best;
    }

    private void searchFrom(State s, int kicks) {
        State cur = descend(s);
        double curValue = cur.value();
        for (int k = 0; k < kicks && !timeUp(); k++) {
            State next = cur.copy();
            kick(next, 1 + rnd.nextInt(3));
            next = descend(next);
            double v = next.value();
            if (v < curValue - eps) {
                cur = next;
                curValue = v;
            }
        }
    }

    /** Local search, then polishing, repeated while polishing improves. */
    private State descend(State s) {
        while (true) {
            localSearch(s);
            State p = polish(s);
            if (p == null || p.value() >= s.value() - eps) {
                return s;
            }
            s = p;
        }
    }

    /** Re-assigns tasks to the best of the chosen networks and halves; records the selection; null if unchanged. */
    private State polish(State s) {
        int k = s.groups.size();
        long[] nets = new long[k];
        int distinct = 0;
        for (int i = 0; i < k; i++) {
            long net = gv.bestNetwork(s.groups.get(i), scratch);
            boolean dup = false;
            for (int d = 0; d < distinct; d++) {
                dup |= nets[d] == net;
            }
            if (!dup) {
                nets[distinct++] = net;
            }
        }
        long[] served = new long[distinct];
        long halves = 0;
        for (int t = 0; t < n; t++) {
            double bestLoss = (s.halves >>> t & 1) != 0 ? hoa.half[t] : Double.POSITIVE_INFINITY;
            int arg = -1;
            for (int i = 0; i < distinct; i++) {
                if ((nets[i] >>> t & 1) != 0) {
                    double l = hoa.loss(nets[i], t);
                    if (l < bestLoss) {
                        bestLoss = l;
                        arg = i;
                    }
                }
            }
            if (arg >= 0) {
                served[arg] |= 1L << t;
            } else {
                halves |= 1L << t;
            }
        }
        long[] used = new long[distinct];
        int u = 0;
        State p = new State();
        for (int i = 0; i < distinct; i++) {
            if (served[i] != 0) {
                used[u++] = nets[i];
                p.add(served[i]);
            }
        }
        p.halves = halves;
        record(Arrays.copyOf(used, u), halves);
        return p;
    }

    private void record(long[] nets, long halves) {
        double objective = hoa.canonicalObjective(nets, nets.length, halves);
        if (best == null || objective < best.objective - eps) {
            best = new Found(nets, halves, objective);
        }
    }

    /** Best-improvement relocations and swaps until none improves. */
    private void localSearch(State s) {
        boolean improved = true;
        int[] order = new int[n];
        for (int t = 0; t < n; t++) {
            order[t] = t;
        }
        while (improved && !timeUp()) {
            improved = false;
            shuffle(order);
            for (int t : order) {
                improved |= relocate(s, t);
            }
            if (!improved) {
                improved = swaps(s, order);
            }
        }
    }

    /** Moves task {@code t} to its best place if that lowers the value. */
    private boolean relocate(State s, int t) {
        long bit = 1L << t;
        int from = s.groupOf(t);
        int k = s.groups.size();
        int h = s.halfCount();
        double removeGain;
        long fromRest = 0;
        int groupsAfter = k;
        int halvesAfter = h;
        if (from >= 0) {
            fromRest = s.groups.get(from) & ~bit;
            double restValue = f(fromRest);
            removeGain = s.values.get(from) - restValue;
            if (fromRest == 0) {
                groupsAfter--;
            }
        } else {
            removeGain = hoa.half[t];
            halvesAfter--;
        }
        double bestDelta = -eps;
        int bestTarget = Integer.MIN_VALUE;
        for (int i = 0; i < k; i++) {
            if (i == from) {
                continue;
            }
            long g = s.groups.get(i);
            double d = f(g | bit) - s.values.get(i) - removeGain;
            if (d < bestDelta) {
                bestDelta = d;
                bestTarget = i;
            }
        }
        if (affordable(groupsAfter + 1, halvesAfter) && !(from >= 0 && fromRest == 0)) {
            double d = f(bit) - removeGain;
            if (d < bestDelta) {
                bestDelta = d;
                bestTarget = -1;
            }
        }
        if (from >= 0 && !Double.isNaN(hoa.half[t]) && affordable(groupsAfter, halvesAfter + 1)) {
            double d = hoa.half[t] - removeGain;
            if (d < bestDelta) {
                bestDelta = d;
                bestTarget = -2;
            }
        }
        if (bestTarget == Integer.MIN_VALUE) {
            return false;
        }
        // apply: insert first (indices stay valid), then remove
        if (bestTarget >= 0) {
            s.set(bestTarget, s.groups.get(bestTarget) | bit);
        } else if (bestTarget == -1) {
            s.add(bit);
        } else {
            s.halves |= bit;
        }
        if (from >= 0) {
            s.set(from, fromRest);
        } else {
            s.halves &= ~bit;
        }
        return true;
    }

    /** The best improving swap of two tasks in different groups, applied; false if none. */
    private boolean swaps(State s, int[] order) {
        int k = s.groups.size();
        if (k < 2) {
            return false;
        }
        int[] groupOf = new int[n];
        Arrays.fill(groupOf, -1);
        for (int i = 0; i < k; i++) {
            for (long g = s.groups.get(i); g != 0; g &= g - 1) {
                groupOf[Long.numberOfTrailingZeros(g)] = i;
            }
        }
        for (int a = 0; a < n; a++) {
            int t = order[a];
            int gt = groupOf[t];
            if (gt < 0 || Long.bitCount(s.groups.get(gt)) == 1) {
                continue;
            }
            for (int b = a + 1; b < n; b++) {
                int u = order[b];
                int gu = groupOf[u];
                if (gu < 0 || gu == gt || Long.bitCount(s.groups.get(gu)) == 1) {
                    continue;
                }
                long nt = s.groups.get(gt) & ~(1L << t) | 1L << u;
                long nu = s.groups.get(gu) & ~(1L << u) | 1L << t;
                double d = f(nt) + f(nu) - s.values.get(gt) - s.values.get(gu);
                if (d < -eps) {
                    s.set(gt, nt);
                    s.set(gu, nu);
                    return true;
                }
            }
        }
        return false;
    }

    /** A few random feasible moves. */
    private void kick(State s, int moves) {
        for (int m = 0; m < moves; m++) {
            int t = rnd.nextInt(n);
            long bit = 1L << t;
            int from = s.groupOf(t);
            int k = s.groups.size();
            int target = rnd.nextInt(k + 2) - 2;
            int groupsAfter = from >= 0 && s.groups.get(from) == bit ? k - 1 : k;
            int halvesAfter = from >= 0 ? s.halfCount() : s.halfCount() - 1;
            if (target == from) {
                continue;
            }
            if (target == -1 && !affordable(groupsAfter + 1, halvesAfter)) {
                continue;
            }
            if (target == -2 && (from < 0 || Double.isNaN(hoa.half[t]) || !affordable(groupsAfter, halvesAfter + 1))) {
                continue;
            }
            if (target >= 0) {
                s.set(target, s.groups.get(target) | bit);
            } else if (target == -1) {
                s.add(bit);
            } else {
                s.halves |= bit;
            }
            if (from >= 0) {
                s.set(from, s.groups.get(from) & ~bit);
            } else {
                s.halves &= ~bit;
            }
        }
    }

    /** A random partition into the most affordable groups (no halves); null if one group is unaffordable. */
    private State randomState() {
        int k = 0;
        while (k < n && affordable(k + 1, 0)) {
            k++;
        }
        if (k == 0) {
            return null;
        }
        int groups = 1 + rnd.nextInt(k);
        long[] g = new long[groups];
        for (int t = 0; t < n; t++) {
            g[t < groups ? t : rnd.nextInt(groups)] |= 1L << t;
        }
        State s = new State();
        for (long x : g) {
            s.add(x);
        }
        return s;
    }

    /** Every task alone, then the cheapest merges until affordable; null if one group is unaffordable. */
    private State agglomerative() {
        if (!affordable(1, 0)) {
            return null;
        }
        List<Long> groups = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            groups.add(1L << t);
            values.add(f(1L << t));
        }
        while (!affordable(groups.size(), 0) && !timeUp()) {
            int bi = -1;
            int bj = -1;
            double bd = Double.POSITIVE_INFINITY;
            double bv = 0;
            for (int i = 0; i < groups.size(); i++) {
                for (int j = i + 1; j < groups.size(); j++) {
                    double v = f(groups.get(i) | groups.get(j));
                    double d = v - values.get(i) - values.get(j);
                    if (d < bd) {
                        bd = d;
                        bi = i;
                        bj = j;
                        bv = v;
                    }
                }
            }
            groups.set(bi, groups.get(bi) | groups.get(bj));
            values.set(bi, bv);
            groups.remove(bj);
            values.remove(bj);
        }
        if (!affordable(groups.size(), 0)) {
            return null;
        }
        State s = new State();
        s.groups.addAll(groups);
        s.values.addAll(values);
        return s;
    }

    private void shuffle(int[] a) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int x = a[i];
            a[i] = a[j];
            a[j] = x;
        }
    }
}
