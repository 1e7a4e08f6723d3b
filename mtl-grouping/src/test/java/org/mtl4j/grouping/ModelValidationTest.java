package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelValidationTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static List<Candidate> basic() {
        return List.of(Candidate.of("a", 1, Map.of("a", 0.3)), Candidate.of("b", 1, Map.of("b", 0.4)),
                Candidate.of("c", 1, Map.of("c", 0.5)), Candidate.of("abc", 1, Map.of("a", 0.35, "b", 0.45, "c", 0.4)),
                Candidate.of("ab", 1.5, Map.of("a", 0.2, "b", 0.3)));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void negativeCostNamesTheCandidate() {
        String m = message(() -> Candidate.of("ab", -0.5, Map.of("a", 0.1)));
        assertTrue(m.contains("ab") && m.contains("-0.5") && m.contains("non-negative"), m);
    }

    @Test
    void nonFiniteLossNamesCandidateAndTask() {
        String m = message(() -> Candidate.of("ab", 1, Map.of("a", Double.NaN)));
        assertTrue(m.contains("ab") && m.contains("task a"), m);
    }

    @Test
    void candidateMustServeSomething() {
        String m = message(() -> Candidate.withAuxiliary("x", 1, Set.of("a"), Map.of()));
        assertTrue(m.contains("x") && m.contains("serves no task"), m);
    }

    @Test
    void servedTaskMustBeTrained() {
        String m = message(() -> Candidate.withAuxiliary("x", 1, Set.of("a"), Map.of("b", 0.1)));
        assertTrue(m.contains("x") && m.contains("task b"), m);
    }

    @Test
    void unknownTaskNamesCandidateAndTask() {
        List<Candidate> cs = new java.util.ArrayList<>(basic());
        cs.add(Candidate.of("ad", 1, Map.of("a", 0.1, "d", 0.2)));
        String m = message(() -> LossTable.of(TASKS, cs));
        assertTrue(m.contains("candidate ad") && m.contains("unknown task d"), m);
    }

    @Test
    void unknownAuxiliaryTaskIsAlsoRejected() {
        List<Candidate> cs = new java.util.ArrayList<>(basic());
        cs.add(Candidate.withAuxiliary("ax", 1, Set.of("a", "x"), Map.of("a", 0.1)));
        String m = message(() -> LossTable.of(TASKS, cs));
        assertTrue(m.contains("candidate ax") && m.contains("unknown task x"), m);
    }

    @Test
    void emptyCandidateSet() {
        String m = message(() -> LossTable.of(TASKS, List.of()));
        assertTrue(m.contains("candidate set is empty"), m);
    }

    @Test
    void uncoveredTaskIsNamed() {
        String m = message(() -> LossTable.of(TASKS, List.of(Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.2)),
                Candidate.withAuxiliary("ac", 1, Set.of("a", "c"), Map.of("a", 0.3)))));
        assertTrue(m.contains("task c") && m.contains("no candidate"), m);
    }

    @Test
    void duplicateNamesAndTasks() {
        assertTrue(message(() -> LossTable.of(List.of("a", "a"), basic())).contains("task a is listed twice"));
        assertTrue(message(() -> LossTable.of(TASKS, List.of(Candidate.of("a", 1, Map.of("a", 0.1)),
                Candidate.of("a", 1, Map.of("b", 0.1, "c", 0.2))))).contains("candidate name a is used twice"));
    }

    @Test
    void budgetBelowCheapestCoverNamesBothNumbers() {
        LossTable t = LossTable.of(TASKS, basic());
        assertEquals(1.0, t.cheapestCoverCost(), 0);
        String m = message(() -> t.problem(0.75));
        assertTrue(m.contains("0.75") && m.contains("cheapest cover") && m.contains("1.0") && m.contains("abc"), m);
        assertTrue(message(() -> t.problem(-1)).contains("non-negative"));
        assertTrue(message(() -> t.problem(Double.NaN)).contains("finite"));
        assertEquals(1.0, t.problem(1.0).budget());
        assertEquals(1.0, t.problem(1.0 - 1e-12).withBudget(1).budget(), "a budget equal up to rounding is allowed");
    }

    @Test
    void cheapestCoverIsExactNotGreedy() {
        // greedy by tasks-per-cost picks abcd (4 tasks for 2.1) and then needs e: 3.1; the optimum is abc + de = 3.0
        LossTable t = LossTable.of(List.of("a", "b", "c", "d", "e"), List.of(
                Candidate.of("abcd", 2.1, Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0)),
                Candidate.of("abc", 1.6, Map.of("a", 1.0, "b", 1.0, "c", 1.0)),
                Candidate.of("de", 1.4, Map.of("d", 1.0, "e", 1.0)),
                Candidate.of("e", 1.0, Map.of("e", 1.0))));
        assertEquals(3.0, t.cheapestCoverCost(), 1e-12);
    }

    @Test
    void returnsAreImmutableCopies() {
        Map<String, Double> losses = new HashMap<>(Map.of("a", 0.1));
        Candidate c = Candidate.of("a", 1, losses);
        losses.put("a", 0.9);
        assertEquals(0.1, c.loss("a"));
        LossTable t = LossTable.of(List.of("a"), List.of(c));
        List<Candidate> view = t.candidates();
        assertThrows(UnsupportedOperationException.class, () -> view.add(c));
        Selection s = t.evaluate(List.of("a"));
        Map<String, Double> losses2 = s.taskLosses();
        assertThrows(UnsupportedOperationException.class, () -> losses2.put("a", 1.0));
    }

    @Test
    void auxiliaryTasksAreCarriedButNotServed() {
        Candidate c = Candidate.withAuxiliary("abc", 1, Set.of("a", "b", "c"), Map.of("a", 0.2));
        assertEquals(Set.of("b", "c"), c.auxiliaryTasks());
        assertTrue(c.serves("a") && !c.serves("b"));
        assertTrue(message(() -> c.loss("b")).contains("does not serve task b"));
        // an auxiliary task does not count as served: b must come from another network
        LossTable t = LossTable.of(TASKS, List.of(c, Candidate.of("b", 0.5, Map.of("b", 0.3)),
                Candidate.of("c", 0.5, Map.of("c", 0.4))));
        Selection s = Groupings.exact().solve(t.problem(2));
        assertEquals(List.of("abc", "b", "c"), s.networkNames());
        assertEquals(0.2 + 0.3 + 0.4, s.objective(), 1e-12);
    }

    @Test
    void evaluateTakesEachTasksBestLossAndBreaksTiesByTableOrder() {
        LossTable t = LossTable.of(TASKS, List.of(Candidate.of("ab", 1, Map.of("a", 0.2, "b", 0.3)),
                Candidate.of("abc", 1, Map.of("a", 0.2, "b", 0.1, "c", 0.4))));
        Selection s = t.evaluate(List.of("abc", "ab"));
        assertEquals(List.of("ab", "abc"), s.networkNames());
        assertEquals(Map.of("a", "ab", "b", "abc", "c", "abc"), s.assignment());
        assertEquals(0.2 + 0.1 + 0.4, s.objective(), 0);
        assertEquals(2.0, s.cost());
        assertEquals("ab+abc", s.label());
        assertTrue(message(() -> t.evaluate(List.of("ab"))).contains("task c is served by none"));
        assertTrue(message(() -> t.evaluate(List.of("zz"))).contains("no candidate network named zz"));
    }
}
