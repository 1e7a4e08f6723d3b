package org.mtl4j.cli;

import com.google.common.collect.ImmutableList;
import com.google.common.primitives.ImmutableDoubleArray;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mtl4j.core.monitor.GradientMonitor;
import org.mtl4j.core.monitor.StepRecord;
import org.mtl4j.grouping.TextFiles;

/**
 * What {@code mtl train --monitor} writes: the per-epoch summaries for {@code results.json}, every step in
 * {@code monitor.csv}, the weights over training ({@code weights.png}) and one heat map of the mean cosine similarities
 * of the task gradients per epoch ({@code cosines_epoch_N.png}, gradient modes only).
 */
final class MonitorOutput {

    private MonitorOutput() {}

    /**
     * The per-epoch summaries as JSON-ready maps.
     *
     * @param monitor the monitor
     * @param epochOffset epochs finished before this process (a resumed run)
     * @return one map per epoch, 1-based epochs
     */
    static List<Map<String, Object>> summaries(GradientMonitor monitor, int epochOffset) {
        List<Map<String, Object>> out = new ArrayList<>();
        ImmutableList<StepRecord> steps = monitor.steps();
        if (steps.isEmpty()) {
            return out;
        }
        ImmutableList<String> tasks = steps.get(0).taskNames();
        int k = tasks.size();
        for (GradientMonitor.EpochSummary e : monitor.epochs()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e.epoch() + 1 + epochOffset);
            m.put("steps", e.steps());
            Map<String, Double> w = new LinkedHashMap<>();
            for (int t = 0; t < k; t++) {
                w.put(tasks.get(t), e.meanWeights().get(t));
            }
            m.put("mean_weights", w);
            if (!e.meanCosines().isEmpty()) {
                Map<String, Map<String, Double>> cos = new LinkedHashMap<>();
                for (int i = 0; i < k; i++) {
                    Map<String, Double> row = new LinkedHashMap<>();
                    for (int j = 0; j < k; j++) {
                        row.put(tasks.get(j), e.meanCosines().get(i * k + j));
                    }
                    cos.put(tasks.get(i), row);
                }
                m.put("mean_cosines", cos);
                m.put("conflicting_pairs_per_step", e.meanConflictingPairs());
                m.put("share_of_steps_with_conflict", e.conflictShare());
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The experts' gate usage per epoch as JSON-ready maps: per gate (task), the mean weight per expert.
     *
     * @param perEpoch one {@code GatedExperts.drainGateUsage()} per epoch
     * @param experts the experts' names, in the arrays' order
     * @param epochOffset epochs finished before this process
     * @return one map per epoch, 1-based epochs
     */
    static List<Map<String, Object>> gateUsage(List<Map<String, ImmutableDoubleArray>> perEpoch,
            List<String> experts, int epochOffset) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int e = 0; e < perEpoch.size(); e++) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("epoch", e + 1 + epochOffset);
            Map<String, Map<String, Double>> gates = new LinkedHashMap<>();
            perEpoch.get(e).forEach((gate, w) -> {
                Map<String, Double> row = new LinkedHashMap<>();
                for (int x = 0; x < w.length(); x++) {
                    row.put(x < experts.size() ? experts.get(x) : "expert" + x, w.get(x));
                }
                gates.put(gate, row);
            });
            m.put("gates", gates);
            out.add(m);
        }
        return out;
    }

    /**
     * Writes {@code monitor.csv} and the plots into {@code dir}.
     *
     * @param monitor the monitor
     * @param epochOffset epochs finished before this process
     * @param dir the run's folder
     * @throws IOException when a file cannot be written
     */
    static void write(GradientMonitor monitor, int epochOffset, Path dir) throws IOException {
        ImmutableList<StepRecord> steps = monitor.steps();
        if (steps.isEmpty()) {
            return;
        }
        ImmutableList<String> tasks = steps.get(0).taskNames();
        int k = tasks.size();
        StringBuilder csv = new StringBuilder("step,epoch");
        for (String t : tasks) {
            csv.append(",loss_").append(t);
        }
        for (String t : tasks) {
            csv.append(",weight_").append(t);
        }
        csv.append(",conflicting_pairs");
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                csv.append(",cos_").append(tasks.get(i)).append('_').append(tasks.get(j));
            }
        }
        csv.append('\n');
        for (StepRecord s : steps) {
            csv.append(s.step()).append(',').append(s.epoch() + 1 + epochOffset);
            for (int t = 0; t < k; t++) {
                csv.append(',').append(number(s.losses().get(t)));
            }
            for (int t = 0; t < k; t++) {
                csv.append(',').append(number(s.weights().get(t)));
            }
            csv.append(',').append(s.cosines().isPresent() ? Integer.toString(s.conflictingPairs()) : "");
            for (int i = 0; i < k; i++) {
                for (int j = i + 1; j < k; j++) {
                    csv.append(',').append(s.cosines().isPresent() ? number(s.cosine(i, j)) : "");
                }
            }
            csv.append('\n');
        }
        TextFiles.writeAtomically(dir.resolve("monitor.csv"), csv.toString());
        System.setProperty("java.awt.headless", "true");
        weights(steps, tasks, dir.resolve("weights"));
        for (GradientMonitor.EpochSummary e : monitor.epochs()) {
            if (!e.meanCosines().isEmpty()) {
                cosines(e, tasks, epochOffset, dir.resolve("cosines_epoch_" + (e.epoch() + 1 + epochOffset)));
            }
        }
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6g", v);
    }

    private static void weights(List<StepRecord> steps, List<String> tasks, Path base) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title("Task weights per step")
                .xAxisTitle("step").yAxisTitle("weight").build();
        for (int t = 0; t < tasks.size(); t++) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (StepRecord s : steps) {
                double w = s.weights().get(t);
                if (Double.isFinite(w)) {
                    x.add((double) s.step());
                    y.add(w);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(tasks.get(t), x, y).setMarker(SeriesMarkers.NONE);
            }
        }
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static void cosines(GradientMonitor.EpochSummary e, List<String> tasks, int epochOffset, Path base)
            throws IOException {
        int k = tasks.size();
        HeatMapChart chart = new HeatMapChartBuilder().width(120 + 90 * k).height(100 + 70 * k)
                .title("Mean cosine of task gradients, epoch " + (e.epoch() + 1 + epochOffset)).build();
        chart.getStyler().setShowValue(true).setMin(-1).setMax(1).setHeatMapValueDecimalPattern("0.00")
                .setRangeColors(new Color[] {new Color(0x2166ac), Color.WHITE, new Color(0xb2182b)});
        chart.getStyler().setLegendVisible(true);
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double v = e.meanCosines().get(i * k + j);
                if (!Double.isNaN(v)) {
                    cells.add(new Number[] {j, k - 1 - i, v});
                }
            }
        }
        List<String> rows = new ArrayList<>(tasks);
        java.util.Collections.reverse(rows);
        chart.addSeries("cosine", tasks, rows, cells);
        BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
