package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Property tests: every exact solver equals the exhaustive reference, ties included, on random instances. */
class SolverAgreementTest {

    private static final List<GroupingSolver> SOLVERS = List.of(Groupings.exact(), Groupings.branchAndBound(),
            Groupings.partitionBranchAndBound());

    /**
     * A random study: 3 to 8 tasks, up to 12 candidates (plus a single per unserved task) of 1 to 4 trained tasks, some auxiliary; with {@code ties},
     * losses and costs from tiny grids so that many selections tie exactly.
     */
    static LossTable randomTable(Random rnd, boolean ties) {
        int n = 3 + rnd.nextInt(6);
        List<String> tasks = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            tasks.add(String.valueOf((char) ('a' + t)));
        }
        int m = n + rnd.nextInt(13 - n);
        List<Candidate> cs = new ArrayList<>();
        Set<String> served = new HashSet<>();
        for (int i = 0; i < m; i++) {
            int k = 1 + rnd.nextInt(Math.min(n, 4));
            Set<String> members = new LinkedHashSet<>();
            while (members.size() < k) {
                members.add(tasks.get(rnd.nextInt(n)));
            }
            Map<String, Double> losses = new LinkedHashMap<>();
            for (String t : members) {
                if (losses.isEmpty() || rnd.nextDouble() < 0.8) {
                    losses.put(t, ties ? 0.1 * (1 + rnd.nextInt(3)) : rnd.nextDouble());
                }
            }
            double cost = ties ? 0.5 * rnd.nextInt(4) : rnd.nextDouble() < 0.05 ? 0 : 0.1 + 1.9 * rnd.nextDouble();
            cs.add(Candidate.withAuxiliary("c" + i, cost, members, losses));
            served.addAll(losses.keySet());
        }
        for (String t : tasks) {
            if (!served.contains(t)) {
                cs.add(Candidate.of("only" + t, ties ? 1 : 0.1 + rnd.nextDouble(), Map.of(t, ties ? 0.3 : rnd.nextDouble())));
            }
        }
        return LossTable.of(tasks, cs);
    }

    static double randomBudget(Random rnd, LossTable table) {
        double cover = table.cheapestCoverCost();
        double total = table.candidates().stream().mapToDouble(Candidate::cost).sum();
        return cover + rnd.nextDouble() * 0.7 * (total - cover);
    }

    private static void assertAllAgree(GroupingProblem p, String what) {
        Selection reference = Groupings.exhaustive().solve(p);
        assertTrue(reference.cost() <= p.budget() + 1e-9, what);
        for (GroupingSolver s : SOLVERS) {
            Selection got = s.solve(p);
            assertEquals(reference.networkNames(), got.networkNames(), () -> s.name() + " on " + what);
            assertEquals(reference.objective(), got.objective(), 0, () -> s.name() + " on " + what);
        }
    }

    @Test
    void branchAndBoundEqualsExhaustiveOnAThousandRandomInstances() {
        Random rnd = new Random(20200713);
        for (int i = 0; i < 1000; i++) {
            LossTable table = randomTable(rnd, false);
            GroupingProblem p = table.problem(randomBudget(rnd, table));
            assertAllAgree(p, "random instance " + i + " " + p);
        }
    }

    @Test
    void tieBreakingIsTheSameOnInstancesFullOfExactTies() {
        Random rnd = new Random(7);
        for (int i = 0; i < 1000; i++) {
            LossTable table = randomTable(rnd, true);
            GroupingProblem p = table.problem(randomBudget(rnd, table));
            assertAllAgree(p, "tied instance " + i + " " + p);
        }
    }

    @Test
    void optimalObjectiveNeverRisesAsTheBudgetGrows() {
        Random rnd = new Random(99);
        for (int i = 0; i < 100; i++) {
            LossTable table = randomTable(rnd, i % 2 == 0);
            double cover = table.cheapestCoverCost();
            double total = table.candidates().stream().mapToDouble(Candidate::cost).sum();
            double previous = Double.POSITIVE_INFINITY;
            for (int k = 0; k <= 8; k++) {
                GroupingProblem p = table.problem(cover + k * (total - cover) / 8);
                Selection s = Groupings.exact().solve(p);
                assertTrue(s.objective() <= previous, "instance " + i + " budget " + p.budget());
                assertTrue(s.cost() <= p.budget() + 1e-9, "instance " + i + " budget " + p.budget());
                previous = s.objective();
            }
        }
    }

    @Test
    void documentedTieBreaks() {
        List<String> tasks = List.of("a", "b");
        // identical twins: the first in table order wins
        LossTable twins = LossTable.of(tasks, List.of(Candidate.of("x", 1, Map.of("a", 0.2, "b", 0.3)),
                Candidate.of("y", 1, Map.of("a", 0.2, "b", 0.3))));
        // same objective: the cheaper selection wins even when listed last
        LossTable cheaper = LossTable.of(tasks, List.of(Candidate.of("ab", 2, Map.of("a", 0.2, "b", 0.3)),
                Candidate.of("a", 0.5, Map.of("a", 0.2)), Candidate.of("b", 0.5, Map.of("b", 0.3))));
        // same objective and cost: fewer networks win
        LossTable fewer = LossTable.of(tasks, List.of(Candidate.of("a", 0.5, Map.of("a", 0.2)),
                Candidate.of("b", 0.5, Map.of("b", 0.3)), Candidate.of("ab", 1, Map.of("a", 0.2, "b", 0.3))));
        // a free network that improves nothing is left out
        LossTable free = LossTable.of(tasks, List.of(Candidate.of("z", 0, Map.of("a", 0.9)),
                Candidate.of("ab", 1, Map.of("a", 0.2, "b", 0.3))));
        // objectives within the 1e-9 window tie: the cheaper wins although it is 1e-12 worse
        LossTable window = LossTable.of(tasks, List.of(Candidate.of("ab", 1, Map.of("a", 0.2, "b", 0.3)),
                Candidate.of("ab2", 0.9, Map.of("a", 0.2 + 1e-12, "b", 0.3))));
        for (GroupingSolver s : List.of(Groupings.exact(), Groupings.branchAndBound(),
                Groupings.partitionBranchAndBound(), Groupings.exhaustive())) {
            assertEquals(List.of("x"), s.solve(twins.problem(2)).networkNames(), s.name());
            assertEquals(List.of("a", "b"), s.solve(cheaper.problem(2)).networkNames(), s.name());
            assertEquals(List.of("ab"), s.solve(fewer.problem(2)).networkNames(), s.name());
            assertEquals(List.of("ab"), s.solve(free.problem(1)).networkNames(), s.name());
            assertEquals(List.of("ab2"), s.solve(window.problem(1)).networkNames(), s.name());
        }
    }

    @Test
    void largerRandomInstancesAgreeBetweenTheTwoBranchAndBounds() {
        Random rnd = new Random(5);
        for (int i = 0; i < 25; i++) {
            int n = 6 + rnd.nextInt(7);
            List<String> tasks = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                tasks.add("t" + t);
            }
            List<Candidate> cs = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                cs.add(Candidate.of("half" + t, 0.5, Map.of("t" + t, 1 + rnd.nextDouble())));
            }
            for (int c = 0; c < 60; c++) {
                Map<String, Double> losses = new LinkedHashMap<>();
                int k = 1 + rnd.nextInt(5);
                while (losses.size() < k) {
                    losses.put("t" + rnd.nextInt(n), 0.5 + rnd.nextDouble());
                }
                cs.add(Candidate.of("net" + c, 0.25 + rnd.nextDouble(), losses));
            }
            LossTable table = LossTable.of(tasks, cs);
            GroupingProblem p = table.problem(table.cheapestCoverCost() + rnd.nextDouble() * n / 3);
            Selection a = Groupings.partitionBranchAndBound().solve(p);
            Selection b = Groupings.branchAndBound().solve(p);
            assertEquals(a.networkNames(), b.networkNames(), "instance " + i);
            assertEquals(a.objective(), b.objective(), 0);
        }
    }
}
