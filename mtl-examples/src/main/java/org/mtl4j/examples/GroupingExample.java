package org.mtl4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.SelectionReport;

/**
 * Which tasks should be learned together? Given the measured losses of candidate networks (every task subset, trained
 * once, in the CSV layout of Standley et al. 2020, "Which Tasks Should Be Learned Together in Multi-task Learning?"),
 * choose, for each compute budget, the networks that cover every task at the lowest total loss: chosen on the
 * validation losses, scored on the test losses, as in the paper. Library API only, no command line.
 *
 * <p>Run (after {@code mvn -B -ntp -DskipTests install}):
 * {@code java -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.GroupingExample ../shared/data/taskgrouping/setting1_losses.csv}.
 */
public final class GroupingExample {

    private GroupingExample() {}

    /**
     * Prints the exact selection for the budgets 1, 2, …, 5 (in units of one full network).
     *
     * @param args the losses CSV (columns {@code setting,split,tasks,network_size,cost,<task>...})
     * @throws IOException when the file cannot be read or is malformed (the message names the line)
     */
    public static void main(String[] args) throws IOException {
        MeasuredLosses losses = MeasuredLosses.read(Path.of(args[0]));
        LossTable val = losses.split("val");                     // choose on validation losses
        LossTable test = losses.split("test");                   // report on test losses
        System.out.println("tasks " + losses.tasks() + ", " + val.candidates().size() + " candidate networks");
        for (double budget = 1; budget <= 5; budget++) {
            SelectionReport r = Groupings.selectAndReport(Groupings.exact(), val, test, budget);
            System.out.printf(Locale.ROOT, "budget %.0f: %-28s cost %.1f  test loss %.4f%n", budget,
                    r.selected().label(), r.selected().cost(), r.reportTotal());
        }
    }
}
