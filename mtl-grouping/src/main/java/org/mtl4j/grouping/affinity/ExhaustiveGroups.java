package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.function.Predicate;
import org.mtl4j.grouping.affinity.OverlappingGroups.GroupValues;
import org.mtl4j.grouping.affinity.OverlappingGroups.Objective;

/**
 * The reference of {@link OverlappingGroups#exhaustive}: every set of candidate groups of an allowed size, in
 * lexicographic order of positions, evaluated with no bound — once for the optimum, once for the first set in its
 * tie window. Exponential; for tests.
 */
final class ExhaustiveGroups {

    private ExhaustiveGroups() {}

    /**
     * The tie winner by enumeration.
     *
     * @return the winning set's masks, ascending
     * @throws IllegalArgumentException when no allowed set covers every task
     */
    static int[] tieWinner(GroupValues values, Objective objective, int maxGroups, boolean exactly) {
        checkArgument(maxGroups >= 1, "at least one group, got %s", maxGroups);
        int[] candidates = OverlappingGroups.candidates(values);
        int from = exactly ? maxGroups : 1;
        int to = Math.min(maxGroups, candidates.length);
        double[] opt = {Double.NaN};
        for (int c = from; c <= to; c++) {
            forEachCombination(candidates.length, c, combo -> {
                double v = OverlappingGroups.evaluate(values, objective, pick(candidates, combo));
                if (!Double.isNaN(v) && (Double.isNaN(opt[0]) || v > opt[0])) {
                    opt[0] = v;
                }
                return false;
            });
        }
        checkArgument(!Double.isNaN(opt[0]), "no set of %s %s candidate groups covers every task of %s",
                exactly ? "exactly" : "at most", maxGroups, values.tasks());
        double threshold = OverlappingGroups.tieThreshold(opt[0]);
        int[][] found = new int[1][];
        for (int c = from; c <= to && found[0] == null; c++) {
            forEachCombination(candidates.length, c, combo -> {
                int[] masks = pick(candidates, combo);
                double v = OverlappingGroups.evaluate(values, objective, masks);
                if (!Double.isNaN(v) && v >= threshold) {
                    found[0] = masks;
                    return true;
                }
                return false;
            });
        }
        return found[0];
    }

    private static int[] pick(int[] candidates, int[] positions) {
        int[] out = new int[positions.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = candidates[positions[i]];
        }
        return out;
    }

    /** Visits the c-subsets of {0..n−1} in lexicographic order until the visitor returns true. */
    private static void forEachCombination(int n, int c, Predicate<int[]> visitor) {
        if (c > n) {
            return;
        }
        int[] idx = new int[c];
        for (int i = 0; i < c; i++) {
            idx[i] = i;
        }
        while (!visitor.test(idx)) {
            int i = c - 1;
            while (i >= 0 && idx[i] == n - c + i) {
                i--;
            }
            if (i < 0) {
                return;
            }
            idx[i]++;
            for (int j = i + 1; j < c; j++) {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }
}
