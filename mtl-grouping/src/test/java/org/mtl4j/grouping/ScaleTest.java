package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Larger instances: the two branch and bounds agree, and 14 tasks with all 16,397 networks solve. */
class ScaleTest {

    @Test
    void bothBranchAndBoundsAgreeOnAllSubsetsOfEightTasksAndAllPairsOfTwelve() {
        LossTable all8 = SyntheticTables.allSubsets(8, 3);
        assertEquals(255 + 8, all8.candidates().size());
        for (double b : List.of(1.0, 1.5, 2.0, 3.0, 4.0)) {
            assertSame(all8.problem(b));
        }
        LossTable pairs12 = SyntheticTables.pairsAndSingles(12, 4);
        assertEquals(12 + 66 + 12, pairs12.candidates().size());
        assertEquals(6.0, pairs12.cheapestCoverCost(), 1e-12);
        for (double b : List.of(6.0, 7.0, 9.0, 12.0)) {
            assertSame(pairs12.problem(b));
        }
    }

    private static void assertSame(GroupingProblem p) {
        Selection a = Groupings.partitionBranchAndBound().solve(p);
        Selection b = Groupings.branchAndBound().solve(p);
        assertEquals(a.networkNames(), b.networkNames(), "budget " + p.budget());
        assertEquals(a.objective(), b.objective(), 0);
    }

    @Test
    void fourteenTasksWithEveryNetworkSolveAndNoSingleSwapImproves() {
        LossTable table = SyntheticTables.allSubsets(14, 42);
        assertEquals(16_397, table.candidates().size());
        GroupingProblem p = table.problem(4);
        long start = System.nanoTime();
        Selection s = Groupings.exact().solve(p);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("14 tasks, 16,397 candidates, budget 4: %s, objective %.6f, %.2f s%n", s.label(),
                s.objective(), seconds);
        assertTrue(s.cost() <= 4 + 1e-12);
        // better than the all-in-one network and than the best single network per task that fits alone
        assertTrue(s.objective() < table.evaluate(List.of(Names.network(table.tasks()))).objective());
        // local optimality: replacing any chosen network by any other candidate, or adding one, never helps
        int n = table.tasks().size();
        int m = table.candidates().size();
        double[][] loss = new double[m][n];
        for (int c = 0; c < m; c++) {
            for (int t = 0; t < n; t++) {
                Double l = table.candidates().get(c).losses().get(table.tasks().get(t));
                loss[c][t] = l == null ? Double.POSITIVE_INFINITY : l;
            }
        }
        int[] chosen = s.networkNames().stream().mapToInt(table::position).toArray();
        double chosenCost = s.cost();
        for (int out = -1; out < chosen.length; out++) {
            for (int in = 0; in < m; in++) {
                double cost = chosenCost + table.candidates().get(in).cost()
                        - (out >= 0 ? table.candidates().get(chosen[out]).cost() : 0);
                if (cost > 4 + 1e-9) {
                    continue;
                }
                double total = 0;
                for (int t = 0; t < n; t++) {
                    double best = loss[in][t];
                    for (int i = 0; i < chosen.length; i++) {
                        if (i != out) {
                            best = Math.min(best, loss[chosen[i]][t]);
                        }
                    }
                    total += best;
                }
                assertTrue(total >= s.objective() - 1e-12, "swap " + out + " for " + in);
            }
        }
    }
}
