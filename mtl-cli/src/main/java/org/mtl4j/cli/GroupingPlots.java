package org.mtl4j.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mtl4j.grouping.BudgetSweep;

/** PNG plots of the grouping commands, drawn with XChart: total loss versus budget, and matrices as heat maps. */
final class GroupingPlots {

    private GroupingPlots() {}

    /**
     * Total test loss of the chosen networks against the budget, one line per method, with the all-in-one and
     * independent baselines as horizontal lines.
     *
     * @param rows the budget rows
     * @param baselines label → total test loss
     * @param file the PNG file
     * @throws IOException when it cannot be written
     */
    static void lossVersusBudget(List<BudgetSweep.Row> rows, Map<String, Double> baselines, Path file)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(800).height(500).title("Total test loss of the chosen networks")
                .xAxisTitle("inference budget (full single-task networks)").yAxisTitle("total test loss").build();
        Map<String, List<BudgetSweep.Row>> byMethod = new LinkedHashMap<>();
        for (BudgetSweep.Row r : rows) {
            byMethod.computeIfAbsent(r.method(), k -> new ArrayList<>()).add(r);
        }
        double lo = rows.stream().mapToDouble(BudgetSweep.Row::budget).min().orElse(1);
        double hi = rows.stream().mapToDouble(BudgetSweep.Row::budget).max().orElse(1);
        for (Map.Entry<String, List<BudgetSweep.Row>> e : byMethod.entrySet()) {
            XYSeries s = chart.addSeries("chosen (selected on " + e.getKey() + ")",
                    e.getValue().stream().map(BudgetSweep.Row::budget).toList(),
                    e.getValue().stream().map(BudgetSweep.Row::reportTotal).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        for (Map.Entry<String, Double> b : baselines.entrySet()) {
            XYSeries s = chart.addSeries(b.getKey(), List.of(lo, hi), List.of(b.getValue(), b.getValue()));
            s.setMarker(SeriesMarkers.NONE);
            s.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                    java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        save(chart, file);
    }

    /**
     * A square matrix as a heat map with its values printed in the cells (NaN cells are left out).
     *
     * @param title the title
     * @param rowsLabel the meaning of the rows
     * @param columnsLabel the meaning of the columns
     * @param labels the row and column labels
     * @param values {@code values[row][column]}
     * @param pattern the decimal pattern of the printed values
     * @param file the PNG file
     * @throws IOException when it cannot be written
     */
    static void heatMap(String title, String rowsLabel, String columnsLabel, List<String> labels, double[][] values,
            String pattern, Path file) throws IOException {
        heatMap(title, rowsLabel, columnsLabel, labels, labels, values, pattern, file);
    }

    /**
     * A matrix as a heat map.
     *
     * @param title the title
     * @param rowsLabel the meaning of the rows
     * @param columnsLabel the meaning of the columns
     * @param rowLabels the row labels
     * @param columnLabels the column labels
     * @param values {@code values[row][column]}
     * @param pattern the decimal pattern of the printed values
     * @param file the PNG file
     * @throws IOException when it cannot be written
     */
    static void heatMap(String title, String rowsLabel, String columnsLabel, List<String> rowLabels,
            List<String> columnLabels, double[][] values, String pattern, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        HeatMapChart chart = new HeatMapChartBuilder().width(Math.max(560, 200 + 90 * columnLabels.size()))
                .height(Math.max(320, 140 + 60 * rowLabels.size())).title(title).xAxisTitle(columnsLabel)
                .yAxisTitle(rowsLabel)
                .build();
        List<Number[]> cells = new ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < rowLabels.size(); r++) {
            for (int c = 0; c < columnLabels.size(); c++) {
                double v = values[r][c];
                if (Double.isFinite(v)) {
                    // rows are drawn bottom-up; flip so the first row is at the top
                    cells.add(new Number[] {c, rowLabels.size() - 1 - r, v});
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (cells.isEmpty()) {
            cells.add(new Number[] {0, 0, 0.0});
            min = 0;
            max = 1;
        }
        double bound = Math.ceil(100 * Math.max(Math.abs(min), Math.abs(max))) / 100;
        if (min < 0 && max > 0) { // diverging, centred on zero: negative (hurts) red, positive (helps) blue
            min = -bound;
            max = bound;
            chart.getStyler().setRangeColors(new Color[] {new Color(0xb2182b), Color.WHITE, new Color(0x2166ac)});
        } else {
            min = Math.floor(100 * min) / 100;
            max = Math.ceil(100 * max) / 100;
        }
        chart.getStyler().setMin(min);
        chart.getStyler().setMax(max == min ? min + 1 : max);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern(pattern);
        List<String> ys = new ArrayList<>(rowLabels);
        java.util.Collections.reverse(ys);
        chart.addSeries("values", columnLabels, ys, cells);
        save(chart, file);
    }

    private static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
