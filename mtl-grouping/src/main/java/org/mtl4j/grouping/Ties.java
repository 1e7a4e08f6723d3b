package org.mtl4j.grouping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The documented tie-breaking of every exact solver. A search first finds the optimum {@code OPT}, then offers every
 * feasible selection it meets whose objective is within {@code OPT + 1e-9·max(1, |OPT|)}; the winner is the one of
 * lowest cost (summed in table order), then with the fewest networks, then with the lexicographically smallest
 * ascending list of kept-candidate indices (which follow table order).
 */
final class Ties {

    private record Leaf(int[] kept, double objective, double cost) {}

    private final Compiled cp;
    private final double threshold;
    private final List<Leaf> leaves = new ArrayList<>();
    private double minObjective;
    private Leaf winner;

    Ties(Compiled cp, double optimum) {
        this.cp = cp;
        this.minObjective = optimum;
        this.threshold = optimum + Tolerances.tieWindow(optimum);
    }

    /** The objective threshold of the tie set. */
    double threshold() {
        return threshold;
    }

    /** The cost of the best tie so far ({@code +∞} before the first), for pruning by cost. */
    double winnerCost() {
        return winner == null ? Double.POSITIVE_INFINITY : winner.cost;
    }

    /**
     * Offers a feasible selection.
     *
     * @param kept kept-candidate indices (any order, distinct); copied
     * @param count how many of {@code kept} are used
     */
    void offer(int[] kept, int count) {
        int[] sorted = Arrays.copyOf(kept, count);
        Arrays.sort(sorted);
        double objective = cp.objective(sorted, count);
        if (objective > threshold) {
            return;
        }
        Leaf leaf = new Leaf(sorted, objective, cp.canonicalCost(sorted));
        leaves.add(leaf);
        minObjective = Math.min(minObjective, objective);
        if (winner == null || compare(leaf, winner) < 0) {
            winner = leaf;
        }
    }

    /** The winning kept indices, sorted. */
    int[] winner() {
        double limit = minObjective + Tolerances.tieWindow(minObjective);
        Leaf best = null;
        for (Leaf l : leaves) {
            if (l.objective <= limit && (best == null || compare(l, best) < 0)) {
                best = l;
            }
        }
        if (best == null) {
            throw new IllegalStateException("no feasible selection within the tie window; this is a solver bug");
        }
        return best.kept;
    }

    private static int compare(Leaf a, Leaf b) {
        int c = Double.compare(a.cost, b.cost);
        if (c != 0) {
            return c;
        }
        c = Integer.compare(a.kept.length, b.kept.length);
        if (c != 0) {
            return c;
        }
        return Arrays.compare(a.kept, b.kept);
    }
}
