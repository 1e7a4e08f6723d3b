package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The paper's main experiment as data: for each budget, choose networks on one table and report them on another, as
 * in Figure 2 of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?" (ICML 2020) (total
 * test loss versus inference budget). The rows are what {@code mtl group} prints and writes: {@link #toTable} for the
 * terminal, {@link #toCsv} for {@code --out} (header {@value #CSV_HEADER}), and the series to plot.
 */
public final class BudgetSweep {

    /** The header of {@link #toCsv}. */
    public static final String CSV_HEADER = "method,budget,networks,cost,selection_objective,report_total";

    /** The paper's budgets: 1, 1.5, …, 5 full-size single-task networks. */
    public static final ImmutableList<Double> PAPER_BUDGETS = parseBudgets("1,1.5,2,...,5");

    private BudgetSweep() {}

    /**
     * One budget's result.
     *
     * @param method the selection method's name ({@code val}, {@code esa}, {@code hoa}, …)
     * @param budget the budget
     * @param networks the chosen networks, {@link Selection#label()} ({@code nke+s(half)+sdn})
     * @param cost the chosen networks' total cost
     * @param selectionObjective the objective on the selection table
     * @param reportTotal the total on the report table
     */
    public record Row(String method, double budget, String networks, double cost, double selectionObjective,
            double reportTotal) {}

    /**
     * Runs a method of a study over budgets.
     *
     * @param data the study's losses
     * @param method which losses to select on
     * @param reportSplit the split to report on, e.g. {@code test}
     * @param budgets the budgets
     * @param solver the solver
     * @return one row per budget, in the given order
     */
    public static ImmutableList<Row> run(MeasuredLosses data, SelectionMethod method, String reportSplit,
            List<Double> budgets, GroupingSolver solver) {
        checkNotNull(method, "method");
        return run(method.flag(), method.selectionTable(data), data.split(reportSplit), budgets, solver);
    }

    /**
     * Selects on one table and reports on another over budgets.
     *
     * @param method the name written in the rows
     * @param selectOn the selection table
     * @param reportOn the report table
     * @param budgets the budgets
     * @param solver the solver
     * @return one row per budget, in the given order
     */
    public static ImmutableList<Row> run(String method, LossTable selectOn, LossTable reportOn, List<Double> budgets,
            GroupingSolver solver) {
        checkNotNull(method, "method");
        checkArgument(!budgets.isEmpty(), "no budgets");
        ImmutableList.Builder<Row> rows = ImmutableList.builder();
        for (double b : budgets) {
            SelectionReport r = Groupings.selectAndReport(solver, selectOn, reportOn, b);
            rows.add(new Row(method, b, r.selected().label(), r.selected().cost(), r.selectionObjective(),
                    r.reportTotal()));
        }
        return rows.build();
    }

    /**
     * Parses a budget list: comma-separated numbers, where {@code ...} continues the step of the two numbers before
     * it up to the number after it ({@code 1,1.5,2,...,5} is 1, 1.5, …, 5).
     *
     * @param spec the list
     * @return the budgets
     * @throws IllegalArgumentException on a malformed list
     */
    public static ImmutableList<Double> parseBudgets(String spec) {
        checkNotNull(spec, "spec");
        String[] parts = spec.split(",", -1);
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.equals("...")) {
                checkArgument(out.size() >= 2 && i == parts.length - 2,
                        "budgets %s: '...' needs two numbers before it and exactly one after it", spec);
                double step = out.get(out.size() - 1) - out.get(out.size() - 2);
                double last = parse(parts[i + 1].strip(), spec);
                double from = out.get(out.size() - 1);
                checkArgument(step > 0, "budgets %s: the step before '...' must be positive, got %s", spec, step);
                double k = (last - from) / step;
                checkArgument(k >= -1e-9 && Math.abs(k - Math.rint(k)) < 1e-6,
                        "budgets %s: %s is not reached from %s in steps of %s", spec, last, from, step);
                for (int j = 1; j <= Math.rint(k); j++) {
                    out.add(round(from + j * step));
                }
                break;
            }
            out.add(parse(p, spec));
        }
        for (double b : out) {
            checkArgument(Double.isFinite(b) && b >= 0, "budgets %s: %s is not a non-negative budget", spec, b);
        }
        return ImmutableList.copyOf(out);
    }

    private static double parse(String s, String spec) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("budgets " + spec + ": '" + s + "' is not a number", e);
        }
    }

    private static double round(double v) {
        return BigDecimal.valueOf(v).setScale(9, RoundingMode.HALF_EVEN).doubleValue();
    }

    /**
     * The rows as CSV with the header {@value #CSV_HEADER}; numbers in plain decimal notation, losses to ten decimals
     * with trailing zeros removed.
     *
     * @param rows the rows
     * @return the CSV text, one line per row, newline-terminated
     */
    public static String toCsv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(r.method()).append(',').append(plain(r.budget())).append(',').append(r.networks()).append(',')
                    .append(plain(r.cost())).append(',').append(plain(r.selectionObjective())).append(',')
                    .append(plain(r.reportTotal())).append('\n');
        }
        return sb.toString();
    }

    /**
     * The rows as an aligned text table for the terminal (losses to five decimals, as in the paper).
     *
     * @param rows the rows
     * @return the table
     */
    public static String toTable(List<Row> rows) {
        int width = "networks".length();
        for (Row r : rows) {
            width = Math.max(width, r.networks().length());
        }
        String fmt = "%-6s %6s %6s %10s %10s  %-" + width + "s%n";
        StringBuilder sb = new StringBuilder(
                String.format(Locale.ROOT, fmt, "method", "budget", "cost", "selection", "report", "networks"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.method(), plain(r.budget()), plain(r.cost()),
                    String.format(Locale.ROOT, "%.5f", r.selectionObjective()),
                    String.format(Locale.ROOT, "%.5f", r.reportTotal()), r.networks()));
        }
        return sb.toString();
    }

    static String plain(double v) {
        BigDecimal d = BigDecimal.valueOf(v).setScale(10, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }
}
