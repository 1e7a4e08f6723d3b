package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The released losses of Standley et al. (ICML 2020), four settings: the paper's protocol reproduced. */
class PaperDataTest {

    /** Setting 1, optimal selection on val: the objectives and test totals for budgets 1, 1.5, …, 5 (issue 5). */
    private static final double[] SETTING1_VAL = {.50761, .46630, .45686, .45076, .44702, .44358, .43984, .43984,
        .43910};
    private static final double[] SETTING1_TEST = {.50278, .46132, .45224, .44612, .44235, .43932, .43555, .43555,
        .43481};

    @Test
    void settingOneOptimalSelectionOnValReportedOnTestMatchesThePaper() {
        MeasuredLosses s1 = SharedData.setting(1);
        ImmutableList<BudgetSweep.Row> rows = BudgetSweep.run(s1, SelectionMethod.VAL, "test", BudgetSweep.PAPER_BUDGETS,
                Groupings.exact());
        assertEquals(9, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            BudgetSweep.Row r = rows.get(i);
            assertEquals(SETTING1_VAL[i], r.selectionObjective(), 5e-6, "selection objective at budget " + r.budget());
            assertEquals(SETTING1_TEST[i], r.reportTotal(), 5e-6, "test total at budget " + r.budget());
            assertTrue(r.cost() <= r.budget() + 1e-12);
        }
        // budget 1 can only afford one full network that serves all five tasks: the all-in-one network
        assertEquals("sdnke", rows.get(0).networks());
    }

    @Test
    void everySolverAgreesOnAllSettingsAndMethods() {
        for (int k = 1; k <= 4; k++) {
            MeasuredLosses data = SharedData.setting(k);
            for (SelectionMethod method : SelectionMethod.values()) {
                LossTable select = method.selectionTable(data);
                // exhaustive search (about 0.1 s per budget here) on every setting's validation table; on the ESA and
                // HOA tables the three branch-and-bound solvers are compared with each other
                boolean exhaustive = method == SelectionMethod.VAL;
                for (double b : BudgetSweep.PAPER_BUDGETS) {
                    GroupingProblem p = select.problem(b);
                    Selection reference = exhaustive ? Groupings.exhaustive().solve(p) : Groupings.exact().solve(p);
                    for (GroupingSolver s : List.of(Groupings.exact(), Groupings.branchAndBound(),
                            Groupings.partitionBranchAndBound())) {
                        Selection got = s.solve(p);
                        assertEquals(reference.label(), got.label(),
                                s.name() + " setting " + k + " " + method + " budget " + b);
                    }
                }
            }
        }
    }

    @Test
    void objectivesNeverRiseWithBudgetAndApproximationsNeverBeatTheTestOracle() {
        for (int k = 1; k <= 4; k++) {
            MeasuredLosses data = SharedData.setting(k);
            LossTable test = data.split("test");
            for (SelectionMethod method : SelectionMethod.values()) {
                List<BudgetSweep.Row> rows = BudgetSweep.run(data, method, "test", BudgetSweep.PAPER_BUDGETS,
                        Groupings.exact());
                for (int i = 0; i < rows.size(); i++) {
                    BudgetSweep.Row r = rows.get(i);
                    if (i > 0) {
                        assertTrue(r.selectionObjective() <= rows.get(i - 1).selectionObjective(),
                                "setting " + k + " " + method + " budget " + r.budget());
                    }
                    // choosing on the test losses themselves is the best any method can report
                    double oracle = Groupings.exact().solve(test.problem(r.budget())).objective();
                    assertTrue(r.reportTotal() >= oracle - 1e-12, "setting " + k + " " + method);
                }
            }
        }
    }

    @Test
    void reportedTotalsRescoreTheChosenNetworksOnTest() {
        MeasuredLosses s1 = SharedData.setting(1);
        SelectionReport r = Groupings.selectAndReport(Groupings.exact(), s1.split("val"), s1.split("test"), 2.5);
        assertEquals(r.selected().networkNames(), r.reported().networkNames());
        double total = 0;
        for (String t : s1.tasks()) {
            double best = Double.POSITIVE_INFINITY;
            for (String name : r.selected().networkNames()) {
                Candidate c = s1.split("test").candidate(name);
                if (c.serves(t)) {
                    best = Math.min(best, c.loss(t));
                }
            }
            assertEquals(best, r.reported().taskLosses().get(t));
            total += best;
        }
        assertEquals(total, r.reportTotal(), 1e-15);
    }

    @Test
    void higherOrderApproximationOfSettingOneValidation() {
        LossTable val = SharedData.setting(1).split("val");
        LossTable hoa = Approximations.higherOrder(val);
        assertEquals(val.candidates().size(), hoa.candidates().size());
        for (Candidate c : val.candidates()) {
            Candidate h = hoa.candidate(c.name());
            if (c.tasks().size() <= 2) {
                assertEquals(c, h, "singles and pairs keep their measured losses");
            }
        }
        Candidate sdn = hoa.candidate("sdn");
        assertEquals((val.candidate("sd").loss("s") + val.candidate("sn").loss("s")) / 2, sdn.loss("s"), 1e-15);
        assertEquals((val.candidate("sn").loss("n") + val.candidate("dn").loss("n")) / 2, sdn.loss("n"), 1e-15);
        Candidate all = hoa.candidate("sdnke");
        double e = (val.candidate("se").loss("e") + val.candidate("de").loss("e") + val.candidate("ne").loss("e")
                + val.candidate("ke").loss("e")) / 4;
        assertEquals(e, all.loss("e"), 1e-15);
    }

    @Test
    void earlyStoppingSelectsOnTheEarlySplitAndReportsOnTest() {
        MeasuredLosses s4 = SharedData.setting(4);
        LossTable esa = s4.earlyStoppingSplit();
        assertEquals(35, esa.candidates().size(), "setting 4's ESA split lacks the n+o pair");
        SelectionReport r = Approximations.earlyStopping(Groupings.exact(), esa, s4.split("test"), 3);
        assertEquals(Groupings.exact().solve(esa.problem(3)).label(), r.selected().label());
        assertEquals(Groupings.scoreOn(r.selected(), s4.split("test")).objective(), r.reportTotal(), 0);
    }
}
