package org.mtl4j.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.TrainingHistory;

/** PNG plots of a run, drawn with XChart. */
final class Plots {

    private Plots() {}

    /**
     * Draws every task's training loss (solid) and validation loss (dashed) per epoch on a log scale.
     *
     * @param history the run
     * @param file the PNG file
     * @throws IOException when the file cannot be written
     */
    static void lossCurves(TrainingHistory history, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title("Per-task loss").xAxisTitle("epoch")
                .yAxisTitle("loss (mean over valid elements)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(5);
        List<String> tasks = new ArrayList<>(history.epochs().get(0).trainLoss().keySet());
        java.awt.Color[] palette = {new java.awt.Color(0x1f77b4), new java.awt.Color(0xd62728),
            new java.awt.Color(0x2ca02c), new java.awt.Color(0x9467bd), new java.awt.Color(0xff7f0e),
            new java.awt.Color(0x8c564b), new java.awt.Color(0xe377c2), new java.awt.Color(0x17becf)};
        int index = 0;
        for (String t : tasks) {
            java.awt.Color colour = palette[index++ % palette.length];
            List<Double> x = new ArrayList<>();
            List<Double> train = new ArrayList<>();
            List<Double> val = new ArrayList<>();
            for (EpochRecord e : history.epochs()) {
                x.add((double) e.epoch() + 1);
                train.add(positive(e.trainLoss().get(t)));
                val.add(e.validation().map(v -> positive(v.task(t).loss())).orElse(Double.NaN));
            }
            XYSeries s = chart.addSeries(t + " train", x, train);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineColor(colour);
            s.setMarkerColor(colour);
            if (val.stream().noneMatch(v -> v.isNaN())) {
                XYSeries v = chart.addSeries(t + " val", x, val);
                v.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                        java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
                v.setLineColor(colour);
                v.setMarker(SeriesMarkers.NONE);
            }
        }
        String name = file.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
    }

    private static double positive(double v) {
        return Double.isFinite(v) && v > 0 ? v : Double.NaN;
    }
}
