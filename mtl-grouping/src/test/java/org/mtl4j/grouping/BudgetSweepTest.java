package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BudgetSweepTest {

    @Test
    void parsesBudgetRanges() {
        assertEquals(List.of(1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0), BudgetSweep.parseBudgets("1,1.5,2,...,5"));
        assertEquals(List.of(0.1, 0.2, 0.3, 0.4), BudgetSweep.parseBudgets("0.1, 0.2, ..., 0.4"));
        assertEquals(List.of(1.0, 2.0, 4.0), BudgetSweep.parseBudgets("1,2,4"));
        assertEquals(BudgetSweep.parseBudgets("1,1.5,2,...,5"), BudgetSweep.PAPER_BUDGETS);
        for (String bad : List.of("1,...,5", "1,2,...,4.5", "1,2,...", "2,1,...,0", "a,b", "1,-2")) {
            assertThrows(IllegalArgumentException.class, () -> BudgetSweep.parseBudgets(bad), bad);
        }
    }

    @Test
    void csvHasTheDocumentedHeaderAndSortedNetworkLabels() {
        LossTable t = LossTable.of(List.of("s", "d"), List.of(Candidate.of("sd", 1, Map.of("s", 0.3, "d", 0.4)),
                Candidate.of("s(half)", 0.5, Map.of("s", 0.1)), Candidate.of("d", 1, Map.of("d", 0.2))));
        List<BudgetSweep.Row> rows = BudgetSweep.run("val", t, t, List.of(1.0, 1.5, 2.0), Groupings.exact());
        String csv = BudgetSweep.toCsv(rows);
        assertEquals("method,budget,networks,cost,selection_objective,report_total\n"
                + "val,1,sd,1,0.7,0.7\n"
                + "val,1.5,d+s(half),1.5,0.3,0.3\n"
                + "val,2,d+s(half),1.5,0.3,0.3\n", csv);
        String table = BudgetSweep.toTable(rows);
        assertTrue(table.startsWith("method budget"), table);
        assertTrue(table.contains("0.30000") && table.contains("d+s(half)"), table);
    }

    @Test
    void settingOneCsvRowsUsePaperNames() {
        MeasuredLosses s1 = SharedData.setting(1);
        List<BudgetSweep.Row> rows = BudgetSweep.run(s1, SelectionMethod.fromFlag("val"), "test", List.of(1.0, 2.0),
                Groupings.exact());
        String[] lines = BudgetSweep.toCsv(rows).split("\n");
        assertEquals("val,1,sdnke,1,0.50761,0.50278", lines[1]);
        assertTrue(lines[2].startsWith("val,2,"), lines[2]);
        assertEquals(BudgetSweep.CSV_HEADER, lines[0]);
        assertThrows(IllegalArgumentException.class, () -> SelectionMethod.fromFlag("best"));
    }
}
