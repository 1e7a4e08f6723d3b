package org.mtl4j.runs;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.losses.Weightings;
import org.mtl4j.grouping.TextFiles;

/**
 * What {@code mtl sweep} does: train one network per architecture × weighting × seed (in this process, or each as
 * its own task on a cluster), keep every finished run on disk as it arrives (a restarted sweep skips them), then
 * write one table of every run ({@code results.csv}) and one of the mean and spread over seeds per architecture and
 * weighting ({@code summary.csv}), with each weighting's change against equal weighting of the same architecture.
 */
public final class SweepRun {

    /** Folder, inside the sweep folder, of the finished runs (one JSON file each). */
    public static final String RUNS_DIR = "runs";

    /**
     * The settings of one sweep.
     *
     * @param data the data set specification
     * @param tasks the task letters, or null for the data set's default
     * @param size image size
     * @param trainSamples training samples
     * @param valSamples validation samples
     * @param dataSeed the seed of the data
     * @param archs architectures, comma-separated
     * @param weightings weightings, comma-separated
     * @param gradientMode auto, parameters or representation
     * @param seeds training seeds, comma-separated
     * @param epochs epochs
     * @param batchSize batch size
     * @param learningRate learning rate
     * @param width encoder width
     * @param out the sweep folder
     */
    public record Options(String data, String tasks, int size, int trainSamples, int valSamples, long dataSeed,
            String archs, String weightings, String gradientMode, String seeds, int epochs, int batchSize,
            float learningRate, int width, Path out) {}

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private final Options o;
    private final PrintStream out;

    /**
     * Creates the sweep.
     *
     * @param options the settings
     * @param out where the progress lines and the tables go
     */
    public SweepRun(Options options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    /**
     * The runs this sweep needs, in order, after validating every name.
     *
     * @return the specs
     */
    public List<SweepSpec> specs() {
        List<String> archs = list(o.archs(), "--archs");
        List<String> weightings = list(o.weightings(), "--weightings");
        List<Long> seeds = new ArrayList<>();
        for (String s : list(o.seeds(), "--seeds")) {
            try {
                seeds.add(Long.parseLong(s));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seeds: '" + s + "' is not an integer");
            }
        }
        DataSource source = DataSources.byName(o.data());
        int taskCount = DataSources.tasks(source, o.tasks()).size();
        for (String a : archs) {
            Architectures.byName(a);
        }
        for (String w : weightings) {
            Weightings.byName(w, taskCount);
        }
        org.mtl4j.core.weighting.GradientMode.fromFlag(o.gradientMode());
        List<SweepSpec> specs = new ArrayList<>();
        for (String a : archs) {
            for (String w : weightings) {
                for (long seed : seeds) {
                    specs.add(new SweepSpec(o.data(), o.tasks(), o.size(), o.trainSamples(), o.valSamples(),
                            o.dataSeed(), a, w, o.gradientMode(), seed, o.epochs(), o.batchSize(), o.learningRate(),
                            o.width()));
                }
            }
        }
        return specs;
    }

    private static List<String> list(String csv, String option) {
        Set<String> seen = new LinkedHashSet<>();
        for (String s : Splitter.on(',').trimResults().omitEmptyStrings().split(csv == null ? "" : csv)) {
            checkArgument(seen.add(s), "%s lists '%s' twice", option, s);
        }
        checkArgument(!seen.isEmpty(), "%s is empty", option);
        return ImmutableList.copyOf(seen);
    }

    /**
     * Runs the sweep.
     *
     * @param executor where the trainings run
     * @return every run's result, in spec order
     * @throws IOException when a result or table cannot be written
     */
    public List<SweepResult> run(SweepExecutor executor) throws IOException {
        List<SweepSpec> specs = specs();
        Path runs = o.out().resolve(RUNS_DIR);
        Files.createDirectories(runs);
        Map<SweepSpec, SweepResult> results = new LinkedHashMap<>();
        List<SweepSpec> pending = new ArrayList<>();
        for (SweepSpec s : specs) {
            Path f = runs.resolve(s.fileName());
            SweepResult r = null;
            if (Files.exists(f)) {
                try {
                    r = GSON.fromJson(Files.readString(f), SweepResult.class);
                } catch (RuntimeException e) {
                    out.printf("run %s: result file %s is unreadable (%s); training it again%n", s.name(), f,
                            e.getMessage());
                }
            }
            if (r != null && r.spec().equals(s)) {
                results.put(s, r);
            } else {
                pending.add(s);
            }
        }
        out.printf(Locale.ROOT, "sweep: %d run%s (%d finished earlier, kept in %s), %d to train%n", specs.size(),
                specs.size() == 1 ? "" : "s", results.size(), runs, pending.size());
        int[] done = {0};
        executor.executeAll(pending, r -> {
            checkArgument(pending.contains(r.spec()) && !results.containsKey(r.spec()),
                    "the executor returned run %s, which was not pending", r.spec().name());
            try {
                TextFiles.writeAtomically(runs.resolve(r.spec().fileName()), GSON.toJson(r));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            results.put(r.spec(), r);
            done[0]++;
            out.printf(Locale.ROOT, "[%d/%d] %-32s total val loss %.4f (%.1f s)%n", done[0], pending.size(),
                    r.spec().name(), r.totalValidationLoss(), r.seconds());
        });
        List<SweepResult> ordered = new ArrayList<>();
        for (SweepSpec s : specs) {
            SweepResult r = results.get(s);
            checkArgument(r != null, "the executor returned no result for run %s", s.name());
            ordered.add(r);
        }
        TextFiles.writeAtomically(o.out().resolve("results.csv"), resultsCsv(ordered));
        String summary = summaryCsv(ordered);
        TextFiles.writeAtomically(o.out().resolve("summary.csv"), summary);
        out.println();
        out.print(summary.replace(",", "  "));
        out.println("wrote " + o.out().resolve("results.csv") + " and " + o.out().resolve("summary.csv"));
        return ordered;
    }

    /**
     * One row per run: architecture, weighting, the gradient mode used, seed, every task's primary metric, the total
     * validation loss and the training time.
     *
     * @param results the runs
     * @return the CSV text
     */
    public static String resultsCsv(List<SweepResult> results) {
        SweepResult first = results.get(0);
        StringBuilder sb = new StringBuilder("arch,weighting,gradient_mode,seed");
        first.primary().forEach((t, m) -> sb.append(',').append(t).append('_').append(m));
        sb.append(",total_val_loss,torch_threads,seconds\n");
        for (SweepResult r : results) {
            sb.append(r.spec().arch()).append(',').append(r.spec().weighting()).append(',').append(r.gradientMode())
                    .append(',').append(r.spec().seed());
            r.primary().forEach((t, m) -> sb.append(',').append(num(r.metrics().get(t).get(m))));
            sb.append(',').append(num(r.totalValidationLoss())).append(',').append(r.torchThreads()).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", r.seconds())).append('\n');
        }
        return sb.toString();
    }

    /**
     * Mean and sample standard deviation over seeds per architecture and weighting of every task's primary metric
     * and the total validation loss, and {@code delta_vs_equal_pct}: the mean over tasks of the relative change of
     * the mean primary metric against equal weighting of the same architecture (positive = better; LibMTL's Δp with
     * equal weighting as the reference), empty when the sweep has no equal-weighting runs.
     *
     * @param results the runs
     * @return the CSV text
     */
    public static String summaryCsv(List<SweepResult> results) {
        Map<String, List<SweepResult>> groups = new LinkedHashMap<>();
        for (SweepResult r : results) {
            groups.computeIfAbsent(r.spec().arch() + "," + r.spec().weighting(), k -> new ArrayList<>()).add(r);
        }
        SweepResult first = results.get(0);
        StringBuilder sb = new StringBuilder("arch,weighting,seeds");
        first.primary().forEach((t, m) -> sb.append(',').append(t).append('_').append(m).append("_mean,")
                .append(t).append('_').append(m).append("_sd"));
        sb.append(",total_val_loss_mean,total_val_loss_sd,delta_vs_equal_pct\n");
        for (Map.Entry<String, List<SweepResult>> g : groups.entrySet()) {
            List<SweepResult> rs = g.getValue();
            sb.append(g.getKey()).append(',').append(rs.size());
            Map<String, Double> means = new LinkedHashMap<>();
            first.primary().forEach((t, m) -> {
                double[] v = rs.stream().mapToDouble(r -> r.metrics().get(t).get(m)).toArray();
                means.put(t, mean(v));
                sb.append(',').append(num(mean(v))).append(',').append(num(sd(v)));
            });
            double[] total = rs.stream().mapToDouble(SweepResult::totalValidationLoss).toArray();
            sb.append(',').append(num(mean(total))).append(',').append(num(sd(total)));
            List<SweepResult> equal = groups.get(rs.get(0).spec().arch() + ",equal");
            if (equal != null) {
                double delta = 0;
                for (Map.Entry<String, String> e : first.primary().entrySet()) {
                    String t = e.getKey();
                    double ref = mean(equal.stream().mapToDouble(r -> r.metrics().get(t).get(e.getValue()))
                            .toArray());
                    double sign = first.higherIsBetter().get(t) ? 1 : -1;
                    delta += sign * (means.get(t) - ref) / ref;
                }
                sb.append(',').append(String.format(Locale.ROOT, "%+.2f", 100 * delta / first.primary().size()));
            } else {
                sb.append(',');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.5f", v);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double sd(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
