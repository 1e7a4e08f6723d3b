package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.Selection;
import org.mtl4j.grouping.SelectionReport;

/**
 * Scores networks chosen by a cheap method (an approximated study, lookahead affinity) on the losses of a fully
 * trained study — its {@code test} split — next to what selection on that study's fully trained {@code val} split
 * chooses at the same budget: how well the cheap method predicted the full-training choice.
 */
final class ReferenceComparison {

    private final MeasuredLosses reference;
    private final LossTable test;
    private final LossTable val;

    private ReferenceComparison(MeasuredLosses reference) {
        this.reference = reference;
        checkArgument(reference.splits().contains("test") && reference.splits().contains("val"),
                "the reference losses need a val and a test split (a study run with --approx none); it has %s",
                reference.splits());
        this.test = reference.split("test");
        this.val = reference.split("val");
    }

    /**
     * Reads a reference.
     *
     * @param csv the losses CSV of a fully trained study
     * @return the comparison
     * @throws IOException if it cannot be read
     */
    static ReferenceComparison read(Path csv) throws IOException {
        checkArgument(Files.isRegularFile(csv), "reference losses %s do not exist or are not a file", csv);
        return new ReferenceComparison(MeasuredLosses.read(csv));
    }

    /** @return the reference's tasks */
    List<String> tasks() {
        return reference.tasks();
    }

    /**
     * One budget compared.
     *
     * @param chosen the networks chosen by the cheap method, evaluated on the reference test split
     * @param optimal the reference's own choice (on val) at the same budget, evaluated on its test split
     */
    record Row(Selection chosen, SelectionReport optimal) {

        /** @return how much worse the cheap choice is, in percent of the reference choice's test total */
        double regretPercent() {
            return 100 * (chosen.objective() - optimal.reportTotal()) / optimal.reportTotal();
        }
    }

    /**
     * Compares a choice.
     *
     * @param label the chosen networks joined with {@code +}
     * @param budget the budget it was chosen under
     * @return the comparison
     * @throws IllegalArgumentException if a chosen network is not in the reference
     */
    Row compare(String label, double budget) {
        List<String> names = Arrays.asList(label.split("\\+"));
        for (String n : names) {
            checkArgument(test.contains(n), "network %s is not in the reference losses' test split", n);
        }
        return new Row(test.evaluate(names), Groupings.selectAndReport(Groupings.exact(), val, test, budget));
    }

    /**
     * The choices of a cheap method scored on the reference, one aligned line per budget.
     *
     * @param budgetHeader the first column's title ({@code budget} or {@code groups})
     * @param choiceHeader the second column's title
     * @param choices budget → the chosen networks joined with {@code +}, in print order
     * @return the table, newline-terminated
     */
    String table(String budgetHeader, String choiceHeader, Map<Double, String> choices) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6s  %-24s %10s  %-24s %10s %8s%n",
                budgetHeader, choiceHeader, "ref test", "reference choice", "ref test", "regret"));
        choices.forEach((budget, label) -> {
            Row c = compare(label, budget);
            sb.append(String.format(Locale.ROOT, "%6s  %-24s %10.5f  %-24s %10.5f %+7.2f%%%n",
                    StudyRun.plain(budget), label, c.chosen().objective(), c.optimal().selected().label(),
                    c.optimal().reportTotal(), c.regretPercent()));
        });
        return sb.toString();
    }

    /**
     * The choices of a budget sweep, for {@link #table}.
     *
     * @param rows the sweep's rows
     * @return budget → chosen networks, in row order
     */
    static Map<Double, String> choices(List<BudgetSweep.Row> rows) {
        Map<Double, String> out = new LinkedHashMap<>();
        rows.forEach(r -> out.put(r.budget(), r.networks()));
        return out;
    }
}
