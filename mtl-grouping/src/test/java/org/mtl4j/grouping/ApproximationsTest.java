package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApproximationsTest {

    private static final List<String> ABC = List.of("a", "b", "c");

    /** The paper's worked example, corrected: pairs a&b = 0.1&0.2, b&c = 0.3&0.4, a&c = 0.5&0.6. */
    private static LossTable workedExample() {
        return LossTable.of(ABC, List.of(Candidate.of("a", 1, Map.of("a", 0.35)), Candidate.of("b", 1, Map.of("b", 0.3)),
                Candidate.of("c", 1, Map.of("c", 0.45)), Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.2)),
                Candidate.of("bc", 1, Map.of("b", 0.3, "c", 0.4)), Candidate.of("ac", 1, Map.of("a", 0.5, "c", 0.6))));
    }

    @Test
    void workedExampleGivesPointThreeZeroPointTwoFivePointFive() {
        LossTable hoa = Approximations.higherOrder(workedExample(), 1);
        Candidate abc = hoa.candidate("abc");
        assertEquals(0.30, abc.loss("a"), 1e-15);
        assertEquals(0.25, abc.loss("b"), 1e-15);
        assertEquals(0.50, abc.loss("c"), 1e-15);
        assertEquals(1.0, abc.cost());
        assertEquals(7, hoa.candidates().size(), "only the missing triple is added");
    }

    @Test
    void replacesMeasuredHigherOrderLossesAndKeepsPairs() {
        LossTable measured = LossTable.of(ABC, List.of(workedExample().candidates().get(3),
                workedExample().candidates().get(4), workedExample().candidates().get(5),
                Candidate.of("abc", 1, Map.of("a", 9.0, "b", 9.0, "c", 9.0))));
        LossTable hoa = Approximations.higherOrder(measured);
        assertEquals(Map.of("a", 0.30, "b", 0.25, "c", 0.50).keySet(), hoa.candidate("abc").losses().keySet());
        assertEquals(0.25, hoa.candidate("abc").loss("b"), 1e-15);
        assertEquals(measured.candidate("ab"), hoa.candidate("ab"));
    }

    @Test
    void fourTaskNetworkAveragesThreePairsAndAuxiliaryTasksCount() {
        List<String> tasks = List.of("a", "b", "c", "d");
        LossTable t = LossTable.of(tasks, List.of(Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.2)),
                Candidate.of("ac", 1, Map.of("a", 0.4, "c", 0.2)), Candidate.of("ad", 1, Map.of("a", 0.7, "d", 0.2)),
                Candidate.withAuxiliary("abcd", 1, Set.of("a", "b", "c", "d"), Map.of("a", 5.0))));
        LossTable hoa = Approximations.higherOrder(t);
        assertEquals((0.1 + 0.4 + 0.7) / 3, hoa.candidate("abcd").loss("a"), 1e-15);
        assertEquals(Set.of("b", "c", "d"), hoa.candidate("abcd").auxiliaryTasks());
    }

    @Test
    void missingPairIsNamed() {
        LossTable t = LossTable.of(ABC, List.of(Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.2)),
                Candidate.of("abc", 1, Map.of("a", 0.1, "b", 0.2, "c", 0.3))));
        String m = assertThrows(IllegalArgumentException.class, () -> Approximations.higherOrder(t)).getMessage();
        assertTrue(m.contains("abc") && m.contains("pair network of tasks a and c"), m);
    }

    @Test
    void earlyStoppingChecksThatTablesDescribeTheSameNetworks() {
        LossTable full = workedExample();
        LossTable early = LossTable.of(ABC, List.of(Candidate.of("ab", 2, Map.of("a", 0.3, "b", 0.2)),
                Candidate.of("c", 1, Map.of("c", 0.9))));
        String m = assertThrows(IllegalArgumentException.class,
                () -> Approximations.earlyStopping(Groupings.exact(), early, full, 3)).getMessage();
        assertTrue(m.contains("network ab differs"), m);
        LossTable unknown = LossTable.of(ABC, List.of(Candidate.of("abc", 1, Map.of("a", 0.1, "b", 0.2, "c", 0.3))));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> Approximations.earlyStopping(Groupings.exact(), unknown, full, 1)).getMessage()
                .contains("abc has no fully trained counterpart"));
    }

    @Test
    void earlyStoppingReportsTheEarlyChoiceOnFullLosses() {
        LossTable full = workedExample();
        // early losses favour a + bc; on the full table ab + bc is better
        LossTable early = LossTable.of(ABC, List.of(Candidate.of("a", 1, Map.of("a", 0.1)),
                Candidate.of("c", 1, Map.of("c", 0.9)), Candidate.of("ab", 1, Map.of("a", 0.5, "b", 0.9)),
                Candidate.of("bc", 1, Map.of("b", 0.1, "c", 0.1))));
        SelectionReport r = Approximations.earlyStopping(Groupings.exact(), early, full, 2);
        assertEquals(List.of("a", "bc"), r.selected().networkNames());
        assertEquals(0.1 + 0.1 + 0.1, r.selectionObjective(), 1e-15);
        assertEquals(0.35 + 0.3 + 0.4, r.reportTotal(), 1e-15);
        assertEquals(0.1 + 0.2 + 0.4, Groupings.exact().solve(full.problem(2)).objective(), 1e-15);
    }

    @Test
    void scoreOnRetakesEachTasksBestNetworkOnTheReportTable() {
        LossTable val = LossTable.of(ABC, List.of(Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.5)),
                Candidate.of("abc", 1, Map.of("a", 0.2, "b", 0.4, "c", 0.3))));
        LossTable test = LossTable.of(ABC, List.of(Candidate.of("abc", 1, Map.of("a", 0.1, "b", 0.6, "c", 0.2)),
                Candidate.of("ab", 1, Map.of("a", 0.3, "b", 0.5))));
        Selection chosen = val.evaluate(List.of("ab", "abc"));
        assertEquals(Map.of("a", "ab", "b", "abc", "c", "abc"), chosen.assignment());
        Selection reported = Groupings.scoreOn(chosen, test);
        assertEquals(Map.of("a", "abc", "b", "ab", "c", "abc"), reported.assignment());
        assertEquals(0.1 + 0.5 + 0.2, reported.objective(), 1e-15);
        LossTable other = LossTable.of(List.of("a", "b"), List.of(Candidate.of("ab", 1, Map.of("a", 0.1, "b", 0.5))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Groupings.scoreOn(chosen, other)).getMessage()
                .contains("tasks"));
        LossTable missing = LossTable.of(ABC, List.of(Candidate.of("abc", 1, Map.of("a", 0.1, "b", 0.6, "c", 0.2))));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Groupings.scoreOn(chosen, missing))
                .getMessage().contains("network ab of the selection is not in the report table"));
    }
}
