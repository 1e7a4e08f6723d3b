package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The HOA solver for large instances: its exact path equals {@link Groupings#exact()} on the completed table (ties
 * included), its lower bound is valid, 20 tasks solve exactly and 40 tasks give a feasible selection with a gap.
 */
class LargeGroupingSolverTest {

    /** Singles, pairs and (for most tasks) halves, in shuffled table order; losses on a 3-value grid with ties. */
    static LossTable randomMeasured(Random rnd, int n, boolean ties) {
        List<String> tasks = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            tasks.add(String.valueOf((char) ('a' + t)));
        }
        DoubleSupplier loss = () -> ties ? 0.1 * (1 + rnd.nextInt(3)) : 0.2 + rnd.nextDouble();
        List<Candidate> cs = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            cs.add(Candidate.of(tasks.get(t), 1, Map.of(tasks.get(t), loss.getAsDouble())));
            if (rnd.nextDouble() < 0.8) {
                cs.add(Candidate.of(tasks.get(t) + "(half)", 0.5, Map.of(tasks.get(t), loss.getAsDouble())));
            }
            for (int s = t + 1; s < n; s++) {
                cs.add(Candidate.of(tasks.get(t) + tasks.get(s), 1,
                        Map.of(tasks.get(t), loss.getAsDouble(), tasks.get(s), loss.getAsDouble())));
            }
        }
        Collections.shuffle(cs, rnd);
        return LossTable.of(tasks, cs);
    }

    private static double randomBudget(Random rnd, HoaInstance hoa) {
        return hoa.cheapestCoverCost() + 0.5 * rnd.nextInt(2 * hoa.tasks().size());
    }

    private static void assertSameAsExact(HoaInstance hoa, double budget, String what) {
        Selection reference = Groupings.exact().solve(hoa.completed().problem(budget));
        LargeGroupingResult got = Groupings.large().solve(hoa, budget);
        assertTrue(got.exact(), what);
        assertEquals("exact", got.method(), what);
        assertEquals(reference, got.selection(), what);
        assertEquals(reference.objective(), got.objective(), 0, what);
        assertEquals(got.objective(), got.lowerBound(), 0, what);
        assertEquals(0, got.gap(), 0, what);
    }

    @Test
    void exactPathEqualsTheExactSolverOnRandomInstancesOfTwoToTwelveTasks() {
        Random rnd = new Random(20200713);
        for (int i = 0; i < 165; i++) {
            int n = 2 + i % 11;
            HoaInstance hoa = i % 2 == 0 ? HoaInstance.synthetic(n, rnd.nextLong())
                    : HoaInstance.of(randomMeasured(rnd, n, false));
            double budget = randomBudget(rnd, hoa);
            assertSameAsExact(hoa, budget, "instance " + i + ": " + hoa + " budget " + budget);
        }
    }

    @Test
    void exactPathBreaksTiesAsTheExactSolverOnInstancesFullOfExactTies() {
        Random rnd = new Random(7);
        for (int i = 0; i < 300; i++) {
            int n = 2 + rnd.nextInt(8);
            HoaInstance hoa = HoaInstance.of(randomMeasured(rnd, n, true));
            double budget = randomBudget(rnd, hoa);
            assertSameAsExact(hoa, budget, "tied instance " + i + ": " + hoa + " budget " + budget);
        }
    }

    @Test
    void sixteenTasksWithAllSixtyFiveThousandNetworksAgreeWithTheExactSolver() {
        HoaInstance hoa = HoaInstance.synthetic(16, 7);
        assertEquals(65_551, hoa.networkCount());
        assertSameAsExact(hoa, 3, "16 tasks, budget 3");
    }

    @Test
    void lowerBoundIsBelowTheOptimumAndTheSearchAboveIt() {
        Random rnd = new Random(11);
        for (int i = 0; i < 24; i++) {
            int n = 8 + i % 5;
            HoaInstance hoa = i % 3 == 0 ? HoaInstance.of(randomMeasured(rnd, n, i % 2 == 0))
                    : HoaInstance.synthetic(n, rnd.nextLong());
            double budget = randomBudget(rnd, hoa);
            String what = "instance " + i + ": " + hoa + " budget " + budget;
            double optimum = Groupings.large().solve(hoa, budget).objective();
            double relaxed = new HoaLowerBound(hoa, budget).bound();
            assertTrue(relaxed <= optimum + 1e-12, what + ": relaxation " + relaxed + " > optimum " + optimum);
            LargeGroupingResult searched = Groupings.large().withExactTaskLimit(0).withEffort(4, 40).solve(hoa, budget);
            assertEquals("local-search", searched.method(), what);
            assertTrue(searched.lowerBound() <= optimum, what);
            assertTrue(optimum <= searched.objective() + 1e-12, what);
            assertEquals(searched.objective() - searched.lowerBound(), searched.gap(), 1e-12, what);
            assertTrue(searched.selection().cost() <= budget + 1e-9, what);
            assertEquals(searched.exact(), searched.gap() <= 1e-9 * Math.max(1, searched.objective()), what);
            assertEquals(hoa.completed().evaluate(searched.selection().networkNames()), searched.selection(), what);
        }
    }

    @Test
    void groupValueIsTheBestNetworkOverEverySuperset() {
        HoaInstance hoa = HoaInstance.synthetic(8, 3);
        GroupValues gv = new GroupValues(hoa);
        GroupValues.Scratch scratch = gv.scratch();
        double[] all = GroupValues.all(hoa, null);
        for (int g = 1; g < 1 << 8; g++) {
            double best = Double.POSITIVE_INFINITY;
            for (int net = g; net < 1 << 8; net = (net + 1) | g) {
                double v = 0;
                for (int t = 0; t < 8; t++) {
                    if ((g >>> t & 1) != 0) {
                        v += hoa.loss(net, t);
                    }
                }
                best = Math.min(best, v);
            }
            assertEquals(best, all[g], 1e-12, "group " + g);
            assertEquals(best, gv.value(g, scratch), 1e-12, "group " + g);
            long net = gv.bestNetwork(g, scratch);
            double v = 0;
            for (int t = 0; t < 8; t++) {
                if ((g >>> t & 1) != 0) {
                    v += hoa.loss(net, t);
                }
            }
            assertEquals(best, v, 1e-12, "best network of group " + g);
        }
    }

    @Test
    void completedTableMatchesTheInstanceNetworkForNetwork() {
        Random rnd = new Random(3);
        HoaInstance hoa = HoaInstance.of(randomMeasured(rnd, 6, false));
        LossTable completed = hoa.completed();
        assertEquals(completed, Approximations.higherOrder(hoa.measured(), hoa.fullCost()));
        assertEquals(63 + Long.bitCount(hoa.halfMask), completed.candidates().size());
        Set<String> seen = new HashSet<>();
        for (int mask = 1; mask < 1 << 6; mask++) {
            Candidate c = hoa.candidate(mask);
            assertEquals(completed.candidate(c.name()), c);
            assertEquals(completed.position(c.name()), hoa.position(mask));
            assertEquals(c, hoa.network(c.tasks()));
            seen.add(c.name());
        }
        assertEquals(63, seen.size());
    }

    @Test
    void twentyTasksSolveExactlyAndNoSearchBeatsThem() {
        HoaInstance hoa = HoaInstance.synthetic(20, 7);
        assertEquals((1L << 20) - 1 + 20, hoa.networkCount());
        LargeGroupingResult exact = Groupings.large().solve(hoa, 3);
        System.out.printf("20 tasks, 1,048,595 networks, budget 3: %s, objective %.6f, %d ms%n",
                exact.selection().label(), exact.objective(), exact.elapsed().toMillis());
        assertTrue(exact.exact());
        assertEquals("exact", exact.method());
        assertEquals(0, exact.gap(), 0);
        Selection s = exact.selection();
        assertTrue(s.cost() <= 3 + 1e-12);
        assertEquals(20, s.taskLosses().size());
        for (Candidate c : s.networks()) {
            assertEquals(c.cost() == 1 ? hoa.network(c.tasks()) : c, c);
        }
        // the same answer single-threaded, and no local search or relaxation crosses it
        assertEquals(s, Groupings.large().withThreads(1).solve(hoa, 3).selection());
        LargeGroupingResult searched = Groupings.large().withExactTaskLimit(0).withEffort(2, 20).solve(hoa, 3);
        assertTrue(searched.objective() >= exact.objective() - 1e-12);
        assertTrue(searched.lowerBound() <= exact.objective());
        // every smaller budget is no better
        assertTrue(Groupings.large().solve(hoa, 2).objective() >= exact.objective());
    }

    @Test
    void fortyTasksGiveAFeasibleSelectionAndAValidGap() {
        HoaInstance hoa = HoaInstance.synthetic(40, 7);
        LargeGroupingResult r = Groupings.large().withEffort(2, 20).solve(hoa, 3);
        System.out.printf("40 tasks, budget 3: objective %.6f, bound %.6f, gap %.2f %%, %d ms%n", r.objective(),
                r.lowerBound(), 100 * r.relativeGap(), r.elapsed().toMillis());
        assertEquals("local-search", r.method());
        assertFalse(r.exact());
        assertTrue(r.selection().cost() <= 3 + 1e-12);
        assertEquals(40, r.selection().taskLosses().size());
        assertTrue(r.lowerBound() <= r.objective());
        assertEquals(r.objective() - r.lowerBound(), r.gap(), 1e-12);
        assertTrue(r.relativeGap() < 0.2, "gap " + r.relativeGap());
        double total = 0;
        for (String t : hoa.tasks()) {
            double best = Double.POSITIVE_INFINITY;
            for (Candidate c : r.selection().networks()) {
                if (c.serves(t)) {
                    best = Math.min(best, c.loss(t));
                }
            }
            total += best;
        }
        assertEquals(total, r.objective(), 1e-12);
        for (Candidate c : r.selection().networks()) {
            assertEquals(c.cost() == 1 ? hoa.network(c.tasks()) : c, c);
        }
        // better than the all-in-one network
        assertTrue(r.objective() < hoa.network(hoa.tasks()).losses().values().stream()
                .mapToDouble(Double::doubleValue).sum());
    }

    @Test
    void invalidInputsNameTheCulprit() {
        List<String> ab = List.of("a", "b");
        String m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.of(LossTable.of(List.of("a", "b",
                "c"), List.of(Candidate.of("a", 1, Map.of("a", 0.1)), Candidate.of("b", 1, Map.of("b", 0.1)),
                        Candidate.of("c", 1, Map.of("c", 0.1)), Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.1)),
                        Candidate.of("bc", 1, Map.of("b", 0.1, "c", 0.1)))))).getMessage();
        assertTrue(m.contains("pair network of tasks a and c is missing"), m);
        m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.of(LossTable.of(ab, List.of(
                Candidate.of("a", 1, Map.of("a", 0.1)), Candidate.of("b", 1, Map.of("b", 0.1)),
                Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.1)),
                Candidate.of("ab2", 2, Map.of("a", 0.1, "b", 0.1)))))).getMessage();
        assertTrue(m.contains("pair of tasks a and b is given twice: networks ab and ab2"), m);
        m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.of(LossTable.of(List.of("a", "b", "c"),
                List.of(Candidate.of("abc", 1, Map.of("a", 0.1, "b", 0.1, "c", 0.1)))))).getMessage();
        assertTrue(m.contains("the measured table has no pair network"), m);
        m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.of(LossTable.of(ab, List.of(
                Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.1)), Candidate.withAuxiliary("a+", 1, Set.of("a", "b"),
                        Map.of("a", 0.2)))))).getMessage();
        assertTrue(m.contains("network a+ has auxiliary tasks [b]"), m);
        m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.of(LossTable.of(ab, List.of(
                Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.1)), Candidate.of("a", 1, Map.of("a", 0.1)))))).getMessage();
        assertTrue(m.contains("task b has no full-size single-task network"), m);
        HoaInstance hoa = HoaInstance.synthetic(5, 1);
        m = assertThrows(IllegalArgumentException.class, () -> Groupings.large().solve(hoa, 0.9)).getMessage();
        assertTrue(m.contains("budget 0.9 is below the cheapest cover of all 5 tasks, which costs 1.0"), m);
        m = assertThrows(IllegalArgumentException.class, () -> Groupings.large().withExactTaskLimit(25)).getMessage();
        assertTrue(m.contains("exact task limit must be 0 to 24, got 25"), m);
        m = assertThrows(IllegalArgumentException.class, () -> HoaInstance.synthetic(63, 1)).getMessage();
        assertTrue(m.contains("tasks must be between 2 and 62, got 63"), m);
    }
}
