package org.mtl4j.grouping.affinity;

import static org.mtl4j.grouping.affinity.SubsetTables.NONE;

import java.util.Arrays;
import org.mtl4j.grouping.affinity.OverlappingGroups.GroupValues;
import org.mtl4j.grouping.affinity.OverlappingGroups.Objective;

/**
 * The branch and bound of {@link OverlappingGroups#solve}: once the {@link SubsetTables} give the optimum, it grows
 * sets of candidate groups in ascending mask order and returns the first set of the fewest groups whose objective is
 * in the tie window, pruning by the uncovered tasks, every task's best remaining value and the tables' completion
 * bounds. Holds the search state (the set grown so far, what it serves and covers).
 */
final class TieSearch {

    private final GroupValues values;
    private final Objective objective;
    private final SubsetTables tables;
    private final int maxGroups;
    private final boolean exactly;
    private final int k;
    private final int full;
    private final int[] candidates;
    private final int cap;

    private double[][] suffixMax;
    private int[] suffixUnion;
    private final double[] served;
    private int covered;
    private final int[] chosen;
    private int count;
    private double chosenTotal;
    private double threshold;
    private int limit;
    private int[] winner;

    TieSearch(GroupValues values, Objective objective, SubsetTables tables, int maxGroups, boolean exactly) {
        this.values = values;
        this.objective = objective;
        this.tables = tables;
        this.maxGroups = maxGroups;
        this.exactly = exactly;
        this.k = values.tasks().size();
        this.full = (1 << k) - 1;
        this.candidates = tables.candidates();
        this.cap = tables.cap();
        this.served = new double[k];
        this.chosen = new int[cap];
    }

    /**
     * The tie winner: for c = 1, 2, … (only B with {@code exactly}) the first set of c groups, in lexicographic
     * order of ascending masks, whose objective is within the tie window of the optimum.
     */
    int[] tieWinner(double optimum) {
        int n = candidates.length;
        suffixMax = new double[n + 1][k];
        suffixUnion = new int[n + 1];
        Arrays.fill(suffixMax[n], NONE);
        for (int p = n - 1; p >= 0; p--) {
            int m = candidates[p];
            suffixUnion[p] = suffixUnion[p + 1] | m;
            for (int t = 0; t < k; t++) {
                double v = (m & (1 << t)) != 0 ? values.values()[m][t] : NONE;
                suffixMax[p][t] = Math.max(suffixMax[p + 1][t], v);
            }
        }
        threshold = OverlappingGroups.tieThreshold(optimum);
        for (int c = exactly ? maxGroups : 1; c <= cap; c++) {
            limit = c;
            winner = null;
            Arrays.fill(served, NONE);
            covered = 0;
            count = 0;
            chosenTotal = 0;
            grow(0);
            if (winner != null) {
                return winner;
            }
        }
        throw new AssertionError("the optimum " + optimum + " was not met again");
    }

    /** Offers the current set when it has {@code limit} groups, else grows it by a group at a position ≥ from. */
    private void grow(int from) {
        if (count == limit) {
            if (covered == full) {
                int[] set = Arrays.copyOf(chosen, count);
                if (OverlappingGroups.evaluate(values, objective, set) >= threshold) {
                    winner = set;
                }
            }
            return;
        }
        for (int p = from; p < candidates.length && winner == null; p++) {
            if (!promising(p)) {
                // the bounds only shrink as p grows: no later position can reach the tie set either
                return;
            }
            int m = candidates[p];
            double[] saved = served.clone();
            int savedCovered = covered;
            double savedTotal = chosenTotal;
            for (int t = 0; t < k; t++) {
                if ((m & (1 << t)) != 0) {
                    served[t] = Math.max(served[t], values.values()[m][t]);
                }
            }
            covered |= m;
            chosenTotal += objective == Objective.GROUP_SUM ? values.total(m) : 0;
            chosen[count++] = m;
            grow(p + 1);
            count--;
            covered = savedCovered;
            chosenTotal = savedTotal;
            System.arraycopy(saved, 0, served, 0, k);
        }
    }

    /** Whether adding {@code limit − count} groups, the first at position p or later, can reach the tie set. */
    private boolean promising(int p) {
        int r = limit - count;
        if (r > candidates.length - p) {
            return false;
        }
        int uncovered = full & ~covered;
        int reachable = suffixUnion[p];
        if ((uncovered & ~reachable) != 0) {
            return false;
        }
        if (objective == Objective.GROUP_SUM) {
            return chosenTotal + tables.reach(r, uncovered) >= threshold;
        }
        // every task's best remaining value
        double perTask = 0;
        for (int t = 0; t < k; t++) {
            boolean in = (covered & (1 << t)) != 0;
            perTask += in ? Math.max(served[t], suffixMax[p][t]) : suffixMax[p][t];
        }
        if (perTask < threshold) {
            return false;
        }
        // the tasks U that new groups serve (every uncovered one) split into at most r blocks: the others keep
        // their value
        int improvable = covered & reachable;
        double kept = 0;
        for (int t = 0; t < k; t++) {
            if ((covered & (1 << t)) != 0) {
                kept += served[t];
            }
        }
        int x = 0;
        do {
            double lost = 0;
            for (int y = x; y != 0; y &= y - 1) {
                lost += served[Integer.numberOfTrailingZeros(y)];
            }
            double b = tables.best(r, uncovered | x);
            if (b != NONE && kept - lost + b >= threshold) {
                return true;
            }
            x = (x - improvable) & improvable;
        } while (x != 0);
        return false;
    }
}
