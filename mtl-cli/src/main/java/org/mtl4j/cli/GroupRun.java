package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.SelectionMethod;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.affinity.AffinityGrouping;
import org.mtl4j.grouping.affinity.AffinityMatrix;

/**
 * What {@code mtl group} does: read a table of measured losses, choose the optimal set of networks for every budget
 * with each selection method (exact branch and bound), score each choice on the report split, print a table, and
 * optionally write the CSV and the plot of total loss versus budget (the main figure of Standley et al.).
 */
public final class GroupRun {

    private GroupRun() {}

    /**
     * Runs the selection.
     *
     * @param losses the CSV of measured losses
     * @param methods the selection methods ({@code val}, {@code esa}, {@code hoa})
     * @param report the split to report on
     * @param budgetSpec the budgets
     * @param out the CSV to write, or null
     * @param console where the table goes
     * @return the rows, all methods
     * @throws IOException when a file cannot be read or written (the message names it)
     */
    public static ImmutableList<BudgetSweep.Row> run(Path losses, List<String> methods, String report,
            String budgetSpec, Path out, PrintStream console) throws IOException {
        checkArgument(Files.isRegularFile(losses), "losses file %s does not exist or is not a file", losses);
        MeasuredLosses data = MeasuredLosses.read(losses);
        checkArgument(data.splits().contains(report), "losses file %s has no split '%s'; it has %s", losses, report,
                data.splits());
        ImmutableList<Double> budgets = BudgetSweep.parseBudgets(budgetSpec);
        List<BudgetSweep.Row> rows = new ArrayList<>();
        for (String m : methods) {
            rows.addAll(BudgetSweep.run(data, SelectionMethod.fromFlag(m.trim()), report, budgets, Groupings.exact()));
        }
        console.printf("%s: setting %s, tasks %s; selected on %s, reported on %s%n", losses.getFileName(),
                data.setting(), String.join(",", data.tasks()), String.join(",", methods), report);
        console.print(BudgetSweep.toTable(rows));
        if (out != null) {
            Path abs = out.toAbsolutePath();
            if (abs.getParent() != null) {
                Files.createDirectories(abs.getParent());
            }
            TextFiles.writeAtomically(abs, BudgetSweep.toCsv(rows));
            String name = abs.getFileName().toString();
            Path png = abs.resolveSibling((name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name)
                    + ".png");
            plot(rows, report, png);
            console.println("wrote " + abs + " and " + png);
        }
        return ImmutableList.copyOf(rows);
    }

    /**
     * Plots the report total against the budget, one line per method.
     *
     * @param rows the rows
     * @param report the report split's name
     * @param png the PNG file
     * @throws IOException when it cannot be written
     */
    static void plot(List<BudgetSweep.Row> rows, String report, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Total " + report + " loss of the chosen "
                + "networks").xAxisTitle("inference budget (full networks)").yAxisTitle("total loss").build();
        Map<String, List<BudgetSweep.Row>> byMethod = new LinkedHashMap<>();
        for (BudgetSweep.Row r : rows) {
            byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, List<BudgetSweep.Row>> e : byMethod.entrySet()) {
            List<Double> x = e.getValue().stream().map(BudgetSweep.Row::budget).toList();
            List<Double> y = e.getValue().stream().map(BudgetSweep.Row::reportTotal).toList();
            XYSeries s = chart.addSeries("selected on " + e.getKey(), x, y);
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        String name = png.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Chooses groups from a task-affinity matrix (Fifty et al.'s selection, as {@code mtl affinity} does after
     * measuring): for every number of groups 1 … {@code maxGroups}, the groups, the total affinity and each task's
     * group.
     *
     * @param file the affinity CSV ({@code AffinityMatrix.read})
     * @param maxGroups the most groups, positive
     * @param out where the table goes
     * @return one result per number of groups
     * @throws IOException when the file cannot be read
     */
    public static List<AffinityGrouping.Result> fromAffinity(Path file, int maxGroups, PrintStream out)
            throws IOException {
        checkArgument(maxGroups > 0, "--groups must be positive, got %s", maxGroups);
        AffinityMatrix m = AffinityMatrix.read(file);
        List<AffinityGrouping.Result> results = new ArrayList<>();
        out.printf("%-7s %-30s %s%n", "groups", "networks", "total affinity");
        for (int n = 1; n <= Math.min(maxGroups, m.tasks().size()); n++) {
            AffinityGrouping.Result r = AffinityGrouping.select(m, n);
            results.add(r);
            out.printf(java.util.Locale.ROOT, "%-7d %-30s %.6g%n", n, r.label(), r.total());
        }
        return results;
    }
}
