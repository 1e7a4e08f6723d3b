package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;

/**
 * The pairwise relationships of a study, Table 2 of Standley et al., "Which Tasks Should Be Learned Together in
 * Multi-task Learning?" (ICML 2020): for every ordered pair of tasks, how much task {@code a}'s loss changes when it
 * is trained together with task {@code b} instead of alone,
 *
 * <pre>
 *   R(a, b) = 100 · (L({a}, a) − L({a, b}, a)) / L({a}, a)     [percent; positive: b helps a]
 * </pre>
 *
 * where {@code L({a}, a)} is the loss of the full-size single-task network of {@code a} and {@code L({a, b}, a)} that
 * of {@code a} in the pair network. The table is not symmetric: a pair can help one task and hurt the other. Use it
 * to read a study at a glance and as the input of the higher-order approximation's intuition.
 *
 * @param tasks the tasks, row and column order
 * @param source the split the losses were read from
 * @param percent {@code percent[a][b] = R(a, b)}; NaN on the diagonal and where a network is missing
 */
public record PairwiseRelations(ImmutableList<String> tasks, String source, double[][] percent) {

    /** Checks the components. */
    public PairwiseRelations {
        checkNotNull(tasks, "tasks");
        checkNotNull(percent, "percent");
        checkArgument(percent.length == tasks.size(), "%s rows for %s tasks", percent.length, tasks.size());
    }

    /**
     * Computes the table from a loss table: the single-task network of a task is the one trained on exactly that
     * task with the highest cost (the full-size one when a half-size one exists too).
     *
     * @param table the losses
     * @param source the split's name, for the record
     * @return the table
     */
    public static PairwiseRelations of(LossTable table, String source) {
        checkNotNull(table, "table");
        List<String> tasks = table.tasks();
        int n = tasks.size();
        double[][] r = new double[n][n];
        for (int a = 0; a < n; a++) {
            String ta = tasks.get(a);
            Candidate alone = null;
            for (Candidate c : table.candidates()) {
                if (c.tasks().equals(Set.of(ta)) && c.serves(ta) && (alone == null || c.cost() > alone.cost())) {
                    alone = c;
                }
            }
            for (int b = 0; b < n; b++) {
                r[a][b] = Double.NaN;
                if (a == b || alone == null) {
                    continue;
                }
                Set<String> pair = Set.of(ta, tasks.get(b));
                for (Candidate c : table.candidates()) {
                    if (c.tasks().equals(pair) && c.serves(ta)) {
                        double base = alone.loss(ta);
                        r[a][b] = 100 * (base - c.loss(ta)) / base;
                        break;
                    }
                }
            }
        }
        return new PairwiseRelations(ImmutableList.copyOf(tasks), source, r);
    }

    /**
     * Whether every off-diagonal entry is known.
     *
     * @return true when the table has every single-task and pair network
     */
    public boolean complete() {
        for (int a = 0; a < percent.length; a++) {
            for (int b = 0; b < percent.length; b++) {
                if (a != b && Double.isNaN(percent[a][b])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * The table as CSV: header {@code task,<partner>...}, one row per task, percentages to two decimals, empty cells
     * on the diagonal and where unknown.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("task");
        for (String t : tasks) {
            sb.append(',').append(t);
        }
        sb.append('\n');
        for (int a = 0; a < tasks.size(); a++) {
            sb.append(tasks.get(a));
            for (int b = 0; b < tasks.size(); b++) {
                sb.append(',');
                if (!Double.isNaN(percent[a][b])) {
                    sb.append(String.format(Locale.ROOT, "%.2f", percent[a][b]));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The table for the terminal.
     *
     * @return aligned text, rows = the task whose loss changes, columns = the partner
     */
    public String toTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s", "task"));
        for (String t : tasks) {
            sb.append(String.format(Locale.ROOT, "%9s", t));
        }
        sb.append('\n');
        for (int a = 0; a < tasks.size(); a++) {
            sb.append(String.format(Locale.ROOT, "%-8s", tasks.get(a)));
            for (int b = 0; b < tasks.size(); b++) {
                sb.append(Double.isNaN(percent[a][b]) ? String.format(Locale.ROOT, "%9s", "-")
                        : String.format(Locale.ROOT, "%+8.1f%%", percent[a][b]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
