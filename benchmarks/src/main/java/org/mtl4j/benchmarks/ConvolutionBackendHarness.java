package org.mtl4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.engine.EngineNumerics;

/**
 * What switching oneDNN off costs in whole training steps: one model per architecture × encoder width in one JVM,
 * and in every round each model trains the same steps once with oneDNN on and once off (alternating which goes
 * first), so that drift of a shared machine hits both alike. The figure is the median over rounds of
 * {@code t(off) / t(on)}, with its interquartile range. Steps with oneDNN on may compute wrong gradients (that is why
 * it is off); a model whose oneDNN-on steps end in a non-finite loss is reported as such.
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar
 * org.mtl4j.benchmarks.ConvolutionBackendHarness [rounds=8] [steps=8] [archs=hps,mtan] [widths=16,32] [tasks=5]
 * [size=64] [batch=16] [out=benchmarks/results/convolution-backend.json]}.
 */
public final class ConvolutionBackendHarness {

    private ConvolutionBackendHarness() {}

    /**
     * Runs the measurement and prints a table.
     *
     * @param args {@code key=value} pairs
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>(Map.of("rounds", "8", "steps", "8", "archs", "hps,mtan",
                "widths", "16,32", "tasks", "5", "size", "64", "batch", "16", "out",
                "benchmarks/results/convolution-backend.json"));
        StrategyOverheadHarness.parseArgs(a, args);
        int rounds = Integer.parseInt(a.get("rounds"));
        int steps = Integer.parseInt(a.get("steps"));
        int size = Integer.parseInt(a.get("size"));
        int batch = Integer.parseInt(a.get("batch"));
        List<String> letters = BenchmarkModels.letters(Integer.parseInt(a.get("tasks")));
        EngineNumerics.configure();
        InMemoryMultiTaskDataset data = BenchmarkModels.data(letters, size, batch * steps);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-8s %6s %14s %14s %10s %18s%n", "arch", "width", "on ms/step",
                "off ms/step", "off / on", "IQR of ratio");
        for (String arch : a.get("archs").split(",")) {
            for (String w : a.get("widths").split(",")) {
                int width = Integer.parseInt(w);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("arch", arch);
                row.put("width", width);
                try (MultiTaskModel model = BenchmarkModels.model(arch, "equal", "auto", letters, size, batch, steps,
                        "cpu", width)) {
                    double[][] ms = new double[2][rounds];
                    time(model, data, quiet, false, steps); // warm-up of both backends
                    time(model, data, quiet, true, steps);
                    for (int r = 0; r < rounds; r++) {
                        boolean onFirst = r % 2 == 0;
                        ms[onFirst ? 0 : 1][r] = time(model, data, quiet, onFirst, steps);
                        ms[onFirst ? 1 : 0][r] = time(model, data, quiet, !onFirst, steps);
                    }
                    double[] ratio = new double[rounds];
                    for (int r = 0; r < rounds; r++) {
                        ratio[r] = ms[1][r] / ms[0][r];
                    }
                    double[] q = StrategyOverheadHarness.quartiles(ratio);
                    double on = StrategyOverheadHarness.quartiles(ms[0])[1];
                    double off = StrategyOverheadHarness.quartiles(ms[1])[1];
                    System.out.printf(Locale.ROOT, "%-8s %6d %14.1f %14.1f %10.3f %8.3f - %.3f%n", arch, width, on,
                            off, q[1], q[0], q[2]);
                    row.put("onednn_on_ms_per_step_median", on);
                    row.put("onednn_off_ms_per_step_median", off);
                    row.put("off_over_on_median", q[1]);
                    row.put("off_over_on_iqr", new double[] {q[0], q[2]});
                } catch (RuntimeException e) {
                    System.out.printf(Locale.ROOT, "%-8s %6d  failed: %s%n", arch, width, e.getMessage());
                    row.put("failed", String.valueOf(e.getMessage()));
                } finally {
                    EngineNumerics.setOneDnnEnabled(false);
                }
                rows.add(row);
            }
        }
        StrategyOverheadHarness.writeJson("ConvolutionBackendHarness", a, rows);
    }

    private static double time(MultiTaskModel model, InMemoryMultiTaskDataset data, PrintStream quiet,
            boolean oneDnn, int steps) {
        EngineNumerics.setOneDnnEnabled(oneDnn);
        long t0 = System.nanoTime();
        model.trainer().output(quiet, quiet).fit(data, null);
        return (System.nanoTime() - t0) / 1e6 / steps;
    }
}
