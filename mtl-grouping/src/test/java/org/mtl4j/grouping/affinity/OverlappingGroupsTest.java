package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.Selection;
import org.mtl4j.grouping.affinity.OverlappingGroups.GroupValues;
import org.mtl4j.grouping.affinity.OverlappingGroups.Objective;
import org.mtl4j.grouping.affinity.OverlappingGroups.Result;

/** The branch and bound over overlapping groups against exhaustive search, ties included. */
class OverlappingGroupsTest {

    private static List<String> tasks(int k) {
        List<String> t = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            t.add(String.valueOf((char) ('a' + i)));
        }
        return t;
    }

    /**
     * A random instance: Gaussian values, or small integers (many exact ties); some instances drop groups above a
     * size limit or at random (every task stays coverable through its singleton).
     */
    private static GroupValues random(int k, Random r) {
        boolean integers = r.nextInt(3) == 0;
        int sizeLimit = r.nextInt(4) == 0 ? 1 + r.nextInt(k) : k;
        boolean sparse = r.nextInt(4) == 0;
        double shift = r.nextGaussian() * 0.5;
        return GroupValues.of(tasks(k), (mask, t) -> {
            int size = Integer.bitCount(mask);
            if (size > 1 && (size > sizeLimit || sparse && (mask * 2654435761L >>> 7) % 3 == 0)) {
                return Double.NaN;
            }
            return integers ? r.nextInt(7) - 3 : shift + r.nextGaussian();
        });
    }

    private static void agree(GroupValues v, Objective o, int b, boolean exactly, String what) {
        Result expected;
        try {
            expected = OverlappingGroups.exhaustive(v, o, b, exactly);
        } catch (IllegalArgumentException infeasible) {
            assertThrows(IllegalArgumentException.class, () -> OverlappingGroups.solve(v, o, b, exactly), what);
            return;
        }
        Result actual = OverlappingGroups.solve(v, o, b, exactly);
        assertEquals(expected.objective(), actual.objective(), 0.0, what);
        assertEquals(expected.masks(), actual.masks(), what + " (tie rule)");
        assertEquals(expected, actual, what);
        assertTrue(actual.masks().size() <= b && (!exactly || actual.masks().size() == b), what);
    }

    @Test
    void branchAndBoundEqualsExhaustiveSearchOnRandomInstances() {
        Random r = new Random(20240223);
        int[][] plan = {{3, 40, 7}, {4, 30, 5}, {5, 14, 4}, {6, 5, 3}, {7, 2, 3}};
        int instances = 0;
        for (int[] row : plan) {
            int k = row[0];
            for (int i = 0; i < row[1]; i++) {
                GroupValues v = random(k, r);
                instances++;
                for (Objective o : Objective.values()) {
                    for (boolean exactly : new boolean[] {false, true}) {
                        for (int b = 1; b <= row[2]; b++) {
                            agree(v, o, b, exactly, "K=" + k + " instance " + i + " " + o + " B=" + b
                                    + (exactly ? " exactly" : " at most"));
                        }
                    }
                }
            }
        }
        assertEquals(91, instances);
    }

    @Test
    void bestGroupObjectiveEqualsTheLibrarysNetworkSelection() {
        Random r = new Random(7);
        for (int i = 0; i < 12; i++) {
            int k = 3 + i % 4;
            GroupValues v = random(k, r);
            List<Candidate> candidates = new ArrayList<>();
            for (int mask = 1; mask < 1 << k; mask++) {
                if (v.isCandidate(mask)) {
                    Map<String, Double> losses = new LinkedHashMap<>();
                    for (int t = 0; t < k; t++) {
                        if ((mask & (1 << t)) != 0) {
                            losses.put(v.tasks().get(t), -v.value(mask, t));
                        }
                    }
                    candidates.add(Candidate.of(OverlappingGroups.name(v.tasks(), mask), 1, losses));
                }
            }
            LossTable table = LossTable.of(v.tasks(), candidates);
            for (int b = 1; b <= 3; b++) {
                if (table.cheapestCoverCost() > b) {
                    int budget = b;
                    assertThrows(IllegalArgumentException.class,
                            () -> OverlappingGroups.solve(v, Objective.BEST_GROUP, budget, false));
                    continue;
                }
                Selection s = Groupings.exact().solve(table.problem(b));
                Result g = OverlappingGroups.solve(v, Objective.BEST_GROUP, b, false);
                assertEquals(-s.objective(), g.objective(), 1e-12, "K=" + k + " B=" + b);
            }
        }
    }

    @Test
    void theTwoObjectivesOnAHandWorkedExample() {
        // tasks a, b, c; a(G, t) given for a few groups, all others far below
        GroupValues v = GroupValues.of(tasks(3), (mask, t) -> {
            switch (mask) {
                case 0b011: // ab
                    return t == 0 ? 3 : 2;
                case 0b110: // bc
                    return t == 1 ? 1 : 4;
                case 0b111: // abc
                    return 2;
                default:
                    return mask == 0b001 || mask == 0b010 || mask == 0b100 ? 0.5 : -5;
            }
        });
        // one group: only abc covers everything (best group: 2+2+2; group sum: the same)
        assertEquals(List.of(0b111), OverlappingGroups.solve(v, Objective.BEST_GROUP, 1, false).masks());
        assertEquals(6, OverlappingGroups.solve(v, Objective.BEST_GROUP, 1, false).objective(), 0);
        // two groups: ab + bc serves a=3, b=2 (its best), c=4 → 9 (abc with either serves less);
        // summed, every group counts in full: abc (6) + ab (5) = abc + bc = 11 > ab + bc (10); the tie goes to
        // the smaller mask list [ab, abc]
        Result best2 = OverlappingGroups.solve(v, Objective.BEST_GROUP, 2, false);
        assertEquals(List.of(0b011, 0b110), best2.masks());
        assertEquals(9, best2.objective(), 0);
        assertEquals("ab", best2.assignment().get("b"));
        assertEquals("ab+bc", best2.label());
        Result sum2 = OverlappingGroups.solve(v, Objective.GROUP_SUM, 2, false);
        assertEquals(List.of(0b011, 0b111), sum2.masks());
        assertEquals(11, sum2.objective(), 0);
        // three groups: best group gains nothing more, so the fewest groups win the tie; the sum adds abc (6)
        assertEquals(List.of(0b011, 0b110), OverlappingGroups.solve(v, Objective.BEST_GROUP, 3, false).masks());
        assertEquals(16, OverlappingGroups.solve(v, Objective.GROUP_SUM, 3, false).objective(), 0);
        // exactly three groups under best group: the tie set is every third group that costs nothing; the
        // smallest mask list wins: a (mask 1) with ab and bc
        assertEquals(List.of(0b001, 0b011, 0b110), OverlappingGroups.solve(v, Objective.BEST_GROUP, 3, true).masks());
    }

    @Test
    void tenTasksOverAllSubsetsSolveQuickly() {
        Random r = new Random(3);
        long t0 = System.nanoTime();
        int solved = 0;
        for (int i = 0; i < 3; i++) {
            GroupValues v = random(10, r);
            for (Objective o : Objective.values()) {
                for (boolean exactly : new boolean[] {false, true}) {
                    for (int b = 1; b <= 10; b++) {
                        Result res;
                        try {
                            res = OverlappingGroups.solve(v, o, b, exactly);
                        } catch (IllegalArgumentException infeasible) {
                            continue; // a size limit left too few groups
                        }
                        solved++;
                        assertTrue(res.masks().size() <= b && (!exactly || res.masks().size() == b));
                        // no single group swapped in or out does better (a necessary condition of optimality)
                        double opt = res.objective();
                        for (int mask = 1; mask < 1 << 10; mask += 37) {
                            if (!v.isCandidate(mask) || res.masks().contains(mask)) {
                                continue;
                            }
                            for (int out = 0; out < res.masks().size(); out++) {
                                int[] swapped = res.masks().stream().mapToInt(Integer::intValue).toArray();
                                swapped[out] = mask;
                                double alt = OverlappingGroups.evaluate(v, o, swapped);
                                assertTrue(Double.isNaN(alt) || alt <= opt + 1e-9 * Math.max(1, Math.abs(opt)),
                                        o + " B=" + b + ": swapping improves " + opt + " to " + alt);
                            }
                        }
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(solved >= 60, "solved " + solved);
        assertTrue(seconds < 60, solved + " selections of 10 tasks took " + seconds + " s");
        System.out.printf("%d selections over all subsets of 10 tasks in %.2f s%n", solved, seconds);
    }

    @Test
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new GroupValues(ImmutableList.of("a", "b"),
                new double[3][]));
        double[][] onlyA = new double[4][];
        onlyA[1] = new double[] {1, 0};
        assertThrows(IllegalArgumentException.class, () -> new GroupValues(ImmutableList.of("a", "b"), onlyA),
                "task b is in no candidate group");
        double[][] nan = new double[4][];
        nan[3] = new double[] {Double.NaN, 1};
        assertThrows(IllegalArgumentException.class, () -> new GroupValues(ImmutableList.of("a", "b"), nan));
        GroupValues v = GroupValues.of(tasks(2), (m, t) -> 1.0);
        assertThrows(IllegalArgumentException.class, () -> OverlappingGroups.solve(v, Objective.GROUP_SUM, 0, false));
        assertThrows(IllegalArgumentException.class, () -> OverlappingGroups.solve(v, Objective.GROUP_SUM, 4, true),
                "only three groups exist");
        assertEquals(3, OverlappingGroups.solve(v, Objective.GROUP_SUM, 3, true).masks().size());
    }
}
