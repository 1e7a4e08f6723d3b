package org.mtl4j.benchmarks;

import com.google.gson.GsonBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;

/**
 * Each strategy's training-step time relative to equal weighting, measured interleaved: one model per strategy in one
 * JVM, and in every round each model trains the same number of steps in a shuffled order, so that drift of a shared
 * machine hits all strategies alike. The figure is the median over rounds of {@code t(strategy) / t(equal)} of the
 * same round, with its interquartile range; separate JMH forks on a shared 2-core machine spread too much (±30 %) to
 * resolve the 3 % goal.
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar
 * org.mtl4j.benchmarks.StrategyOverheadHarness [rounds=12] [steps=10] [arch=hps] [tasks=5] [size=64] [batch=16]
 * [strategies=equal,uw,...] [out=benchmarks/results/strategy-overhead.json]}. A strategy is {@code name} (its
 * default gradient mode) or {@code name@parameters} / {@code name@representation}, optionally prefixed by an
 * architecture ({@code mtan/equal}: architectures compared with one strategy; the first entry is the reference).
 */
public final class StrategyOverheadHarness {

    private static final String DEFAULT_STRATEGIES = "equal,uw,dwa,rlw,gls,dtp,famo,gradnorm@representation,"
            + "graddrop@representation,mgda@representation,imtl@representation,pcgrad@parameters,"
            + "cagrad@parameters,nash@parameters,mgda@parameters,imtl@parameters";

    private StrategyOverheadHarness() {}

    /**
     * Runs the measurement and prints a table.
     *
     * @param args {@code key=value} pairs
     * @throws IOException when the JSON cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>(Map.of("rounds", "12", "steps", "10", "arch", "hps", "tasks",
                "5", "size", "64", "batch", "16", "strategies", DEFAULT_STRATEGIES, "out",
                "benchmarks/results/strategy-overhead.json"));
        parseArgs(a, args);
        int rounds = Integer.parseInt(a.get("rounds"));
        int steps = Integer.parseInt(a.get("steps"));
        int size = Integer.parseInt(a.get("size"));
        int batch = Integer.parseInt(a.get("batch"));
        List<String> letters = BenchmarkModels.letters(Integer.parseInt(a.get("tasks")));
        List<String> strategies = topLevel(a.get("strategies"));
        if (!strategies.get(0).endsWith("equal")) {
            throw new IllegalArgumentException("the first strategy must be equal (the reference)");
        }
        InMemoryMultiTaskDataset data = BenchmarkModels.data(letters, size, batch * steps);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        List<MultiTaskModel> models = new ArrayList<>();
        List<String> modes = new ArrayList<>();
        for (String s : strategies) {
            int slash = s.lastIndexOf('/'); // a branched tree has slashes of its own
            String arch = slash < 0 ? a.get("arch") : s.substring(0, slash);
            String[] parts = s.substring(slash + 1).split("@");
            MultiTaskModel m = BenchmarkModels.model(arch, parts[0], parts.length > 1 ? parts[1] : "auto",
                    letters, size, batch, steps, "cpu");
            models.add(m);
            modes.add(m.settings().gradientMode().name().toLowerCase(Locale.ROOT));
            m.trainer().output(quiet, quiet).fit(data, null); // warm-up
        }
        double[][] ms = new double[strategies.size()][rounds];
        Random shuffle = new Random(1);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < strategies.size(); i++) {
            order.add(i);
        }
        for (int r = 0; r < rounds; r++) {
            Collections.shuffle(order, shuffle);
            for (int i : order) {
                long t0 = System.nanoTime();
                models.get(i).trainer().output(quiet, quiet).fit(data, null);
                ms[i][r] = (System.nanoTime() - t0) / 1e6 / steps;
            }
            System.err.printf(Locale.ROOT, "round %d/%d done%n", r + 1, rounds);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        System.out.printf(Locale.ROOT, "%-26s %-15s %12s %10s %18s%n", "strategy", "gradient mode", "ms/step",
                "vs equal", "IQR of ratio");
        for (int i = 0; i < strategies.size(); i++) {
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = ms[i][r] / ms[0][r];
            }
            double[] q = quartiles(ratio);
            double[] t = quartiles(ms[i]);
            System.out.printf(Locale.ROOT, "%-26s %-15s %12.1f %10.3f %8.3f - %.3f%n", strategies.get(i),
                    modes.get(i), t[1], q[1], q[0], q[2]);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("strategy", strategies.get(i));
            row.put("gradient_mode", modes.get(i));
            row.put("ms_per_step_median", t[1]);
            row.put("ms_per_step_iqr", new double[] {t[0], t[2]});
            row.put("ratio_to_equal_median", q[1]);
            row.put("ratio_to_equal_iqr", new double[] {q[0], q[2]});
            row.put("ms_per_step_rounds", ms[i]);
            rows.add(row);
        }
        for (MultiTaskModel m : models) {
            m.close();
        }
        writeJson("StrategyOverheadHarness", a, rows);
    }

    /** Splits at the commas outside parentheses, so that {@code ema(mgda,0.9)} stays one strategy. */
    static List<String> topLevel(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                out.add(list.substring(start, i));
                start = i + 1;
            }
        }
        out.add(list.substring(start));
        return out;
    }

    /** Overwrites {@code settings} with the {@code key=value} arguments; a key must already be there. */
    static void parseArgs(Map<String, String> settings, String[] args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1 || !settings.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("expected key=value with key in " + settings.keySet() + ", got "
                        + arg);
            }
            settings.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
    }

    /** Writes a harness's settings, the run's provenance and its result rows to {@code settings.get("out")}. */
    static void writeJson(String harness, Map<String, String> settings, List<Map<String, Object>> rows)
            throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("harness", harness);
        json.put("settings", settings);
        json.put("provenance", RunProvenance.describe());
        json.put("results", rows);
        Path out = Path.of(settings.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                .toJson(json));
        System.out.println("wrote " + out);
    }

    /** The lower quartile, median and upper quartile (linear interpolation). */
    static double[] quartiles(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return new double[] {quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75)};
    }

    private static double quantile(double[] sorted, double p) {
        double pos = p * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
