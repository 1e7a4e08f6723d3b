package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hashing;
import com.google.common.primitives.ImmutableDoubleArray;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.BranchedArchitecture;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.architectures.NetworkCost;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.data.TaskSubsetDataset;
import org.mtl4j.core.evaluation.DeltaM;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.MeanPredictor;
import org.mtl4j.core.evaluation.TaskResult;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.GatedExperts;
import org.mtl4j.core.monitor.GradientMonitor;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskMetric;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.losses.Weightings;

/**
 * What {@code mtl train} does: render the data, train the multi-task network, train (or reuse cached) single-task
 * baselines with the same recipe, score every task against them and against the mean predictor, and write
 * {@code results.json} and PNG loss curves.
 */
public final class TrainRun {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();
    private static final int BASELINE_FORMAT = 1;

    private final TrainOptions o;
    private ai.djl.ndarray.types.Shape inputShape;
    private java.util.Optional<org.mtl4j.core.data.InputNormalization> normalization = java.util.Optional.empty();
    /** The folder of {@code --out} that holds the best epoch's network as a saved model. */
    public static final String MODEL_DIR = "model";
    private final PrintStream out;
    private final PrintStream err;
    private final boolean resume;

    /**
     * Creates a fresh run.
     *
     * @param options the settings
     * @param out where results go
     * @param err where progress goes
     */
    public TrainRun(TrainOptions options, PrintStream out, PrintStream err) {
        this(options, out, err, false);
    }

    private TrainRun(TrainOptions options, PrintStream out, PrintStream err, boolean resume) {
        this.o = options;
        this.out = out;
        this.err = err;
        this.resume = resume;
    }

    /** File in the output folder that records the options a run was started with, for {@code --resume}. */
    public static final String RUN_FILE = "run.json";

    /**
     * The run whose output folder is {@code dir}, continued from its last checkpoint with the options it was started
     * with (read from {@code dir/run.json}). Epochs already finished are not repeated; on CPU the remaining epochs
     * reproduce the uninterrupted run's losses exactly (the checkpoint holds the optimiser's moments, the data order
     * and engine randomness are seeded per epoch).
     *
     * @param dir the interrupted run's {@code --out} folder
     * @param threads rendering threads
     * @param baselineCache the folder of cached single-task baselines
     * @param progress whether to draw progress bars
     * @param out where results go
     * @param err where progress goes
     * @return the run
     * @throws IOException when {@code dir/run.json} is missing or unreadable
     */
    public static TrainRun resume(Path dir, int threads, Path baselineCache, boolean progress, PrintStream out,
            PrintStream err) throws IOException {
        Path file = dir.resolve(RUN_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException("cannot resume: " + file + " does not exist (is " + dir
                    + " the --out folder of an mtl train run?)");
        }
        com.google.gson.JsonObject j;
        try {
            j = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            TrainOptions o = new TrainOptions(j.get("data").getAsString(),
                    j.has("tasks") && !j.get("tasks").isJsonNull() ? j.get("tasks").getAsString() : null,
                    j.get("arch").getAsString(), j.get("weighting").getAsString(), j.get("epochs").getAsInt(), dir,
                    j.get("size").getAsInt(), j.get("train_samples").getAsInt(), j.get("val_samples").getAsInt(),
                    j.get("batch_size").getAsInt(), j.get("learning_rate").getAsFloat(), j.get("width").getAsInt(),
                    j.get("seed").getAsLong(), threads, j.get("baselines").getAsBoolean(), baselineCache, progress,
                    j.get("gradient_mode").getAsString(), j.has("monitor") && j.get("monitor").getAsBoolean());
            return new TrainRun(o, out, err, true);
        } catch (RuntimeException e) {
            throw new IOException("cannot resume: " + file + " is not a valid run file (" + e.getMessage() + ")", e);
        }
    }

    /** The outcome, for tests. */
    public record Result(EvaluationResult multiTask, Map<String, Map<String, Double>> singleTask,
            EvaluationResult mean, double deltaP, double deltaMFlat, double deltaMtl, Path resultsFile) {}

    /**
     * Runs.
     *
     * @return the outcome
     * @throws IOException when an output cannot be written
     */
    public Result run() throws IOException {
        checkArgument(o.epochs() > 0, "--epochs must be positive, got %s", o.epochs());
        checkArgument(o.threads() > 0, "--threads must be positive, got %s", o.threads());
        DataSource source = DataSources.byName(o.data());
        ImmutableList<String> letters = DataSources.tasks(source, o.tasks());
        ImmutableList<Task> tasks = letters.stream().map(source::task).collect(ImmutableList.toImmutableList());
        Architecture arch = architecture(o.arch());
        LossWeighting weighting = weighting(o.weighting(), tasks.size());
        Files.createDirectories(o.out());
        if (!resume) {
            Map<String, Object> run = optionsMap();
            run.put("gradient_mode", o.gradientMode());
            run.put("baselines", o.baselines());
            run.put("monitor", o.monitor());
            TextFiles.writeAtomically(o.out().resolve(RUN_FILE), GSON.toJson(run));
        }

        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "loading %s...%n", source.spec());
        DataSource.Splits splits = source.load(letters, new DataSource.Options(o.size(), o.trainSamples(),
                o.valSamples(), o.seed(), o.threads()));
        RandomAccessDataset train = splits.train();
        RandomAccessDataset val = splits.validation();
        this.inputShape = splits.inputShape();
        this.normalization = source.normalization();
        err.println(splits.description());
        double renderSeconds = (System.nanoTime() - t0) / 1e9;

        Map<String, Map<String, Double>> stl = new LinkedHashMap<>();
        long t2 = System.nanoTime();
        if (o.baselines()) {
            for (int i = 0; i < tasks.size(); i++) {
                stl.put(tasks.get(i).name(), baseline(tasks.get(i), i, tasks.size(), arch, train, val));
            }
        }
        double stlSeconds = (System.nanoTime() - t2) / 1e9;

        out.printf(Locale.ROOT, "multi-task network: %s, tasks %s, weighting %s, %d epochs%n", arch.name(),
                String.join(",", letters), weighting.name(), o.epochs());
        long t1 = System.nanoTime();
        TrainingHistory history;
        EvaluationResult mtl;
        int resumedEpochs = 0;
        GradientMonitor monitor = o.monitor() ? new GradientMonitor() : null;
        NetworkCost cost;
        List<Map<String, ImmutableDoubleArray>> gateUsage = new ArrayList<>();
        List<String> experts = new ArrayList<>();
        String usedMode;
        Map<String, Object> usedSettings;
        try (MultiTaskModel model = builder(tasks, arch).weighting(weighting).build()) {
            usedMode = model.settings().gradientMode().name().toLowerCase(Locale.ROOT);
            usedSettings = model.settings().describe();
            Path checkpoints = o.out().resolve("checkpoints");
            MultiTaskTrainer trainer = model.trainer().checkpointDirectory(checkpoints).output(out, err);
            if (arch instanceof BranchedArchitecture b) {
                b.lastPlan().ifPresent(out::println);
            }
            cost = NetworkCost.of(model.network());
            out.printf(Locale.ROOT, "network cost: %,d parameters, %,d multiply-adds per sample%n", cost.parameters(),
                    cost.multiplyAdds());
            if (model.network() instanceof GatedExperts gated) {
                experts.addAll(gated.expertNames());
                trainer.addListeners(new TrainingListenerAdapter() {
                    @Override
                    public void onEpoch(Trainer t) {
                        gateUsage.add(gated.drainGateUsage());
                    }
                });
            }
            if (monitor != null) {
                trainer.observeGradients(monitor);
            }
            if (!stl.isEmpty()) {
                trainer.baseline(stl); // best.ckpt is then the epoch with the highest Δp
            }
            Path last = checkpoints.resolve(MultiTaskTrainer.LAST_CHECKPOINT);
            CheckpointState state = null;
            if (resume && Files.exists(last)) {
                state = model.loadCheckpoint(last);
                resumedEpochs = state.epochsCompleted();
                trainer.resumeFrom(state);
                out.printf(Locale.ROOT, "resuming from %s: %d of %d epochs done%n", last, resumedEpochs, o.epochs());
            } else if (resume) {
                out.printf("no checkpoint in %s yet: starting the multi-task network from the beginning%n",
                        checkpoints);
            }
            TrainingHistory tail = trainer.fit(train, val);
            history = state == null ? tail : withEarlierEpochs(state, tail);
            mtl = tail.epochs().isEmpty() ? model.evaluate(val) : tail.last().validation().orElseThrow();
            Path best = checkpoints.resolve(MultiTaskTrainer.BEST_CHECKPOINT);
            if (Files.exists(best)) {
                model.loadCheckpoint(best);
                model.save(o.out().resolve(MODEL_DIR), Map.of("data", source.spec()));
                out.println("saved the best epoch's network to " + o.out().resolve(MODEL_DIR)
                        + " (MultiTaskModel.load)");
            }
        }
        double mtlSeconds = (System.nanoTime() - t1) / 1e9;

        EvaluationResult mean;
        try (NDManager manager = NDManager.newBaseManager()) {
            mean = MeanPredictor.evaluate(tasks, train, val, o.batchSize(), manager);
        }

        double deltaP = Double.NaN;
        double flat = Double.NaN;
        double dmtl = Double.NaN;
        if (o.baselines()) {
            deltaP = DeltaM.deltaP(tasks, mtl.metricTable(), stl);
            flat = DeltaM.flat(tasks, mtl.metricTable(), stl);
            dmtl = DeltaM.vandenhende(tasks, mtl.metricTable(), stl);
        }
        printTable(tasks, mtl, stl, mean);
        if (o.baselines()) {
            out.printf(Locale.ROOT, "Δp (LibMTL, higher is better):          %+.2f %%%n", deltaP);
            out.printf(Locale.ROOT, "Δm (Nash-MTL flat, lower is better):    %+.2f %%%n", flat);
            out.printf(Locale.ROOT, "Δ_MTL (Vandenhende, higher is better):  %+.2f %%%n", dmtl);
        }
        Path results = o.out().resolve("results.json");
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "train");
        json.put("options", optionsMap());
        json.put("architecture", arch.name());
        json.put("weighting", weighting.name());
        json.put("gradient_mode", usedMode); // what ran: none, parameters or representation
        json.put("gradient_mode_option", o.gradientMode());
        json.put("settings", usedSettings);
        json.put("seed", o.seed());
        json.put("provenance", RunProvenance.describe());
        json.put("tasks", taskTable(tasks, mtl, stl, mean));
        Map<String, Object> deltas = new LinkedHashMap<>();
        deltas.put("delta_p_libmtl", deltaP);
        deltas.put("delta_m_flat", flat);
        deltas.put("delta_mtl_vandenhende", dmtl);
        json.put("delta", deltas);
        json.put("best_epoch", history.bestEpoch() + 1);
        json.put("resumed_after_epoch", resumedEpochs);
        json.put("history", historyList(history));
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("render_seconds", renderSeconds);
        timings.put("multi_task_seconds", mtlSeconds);
        timings.put("single_task_seconds", stlSeconds);
        json.put("timings", timings);
        Map<String, Object> costJson = new LinkedHashMap<>();
        costJson.put("parameters", cost.parameters());
        costJson.put("multiply_adds_per_sample", cost.multiplyAdds());
        json.put("network_cost", costJson);
        if (!gateUsage.isEmpty()) {
            json.put("gate_usage", MonitorOutput.gateUsage(gateUsage, experts, resumedEpochs));
        }
        if (monitor != null) {
            json.put("gradient_monitor", MonitorOutput.summaries(monitor, resumedEpochs));
            MonitorOutput.write(monitor, resumedEpochs, o.out());
            out.println("wrote the gradient monitor's monitor.csv, weights.png and cosines_epoch_N.png to " + o.out());
        }
        TextFiles.writeAtomically(results, GSON.toJson(json));
        Plots.lossCurves(history, o.out().resolve("loss_curves.png"));
        out.println("wrote " + results + " and " + o.out().resolve("loss_curves.png"));
        return new Result(mtl, stl, mean, deltaP, flat, dmtl, results);
    }

    /** The resumed run's history with the finished epochs in front (their training losses, from the checkpoint). */
    private static TrainingHistory withEarlierEpochs(CheckpointState state, TrainingHistory tail) {
        ImmutableList.Builder<EpochRecord> all = ImmutableList.builder();
        for (int e = 0; e < state.lossHistory().size(); e++) {
            com.google.common.collect.ImmutableMap.Builder<String, Double> loss =
                    com.google.common.collect.ImmutableMap.builder();
            for (int t = 0; t < state.taskNames().size(); t++) {
                loss.put(state.taskNames().get(t), state.lossHistory().get(e).get(t));
            }
            all.add(new EpochRecord(e, loss.build(), com.google.common.collect.ImmutableMap.of(),
                    java.util.Optional.empty(), 0, Double.NaN, Double.NaN));
        }
        all.addAll(tail.epochs());
        return new TrainingHistory(all.build(), tail.bestEpoch(), tail.bestScore());
    }

    private EncoderFactory encoder() {
        return Encoders.forInput(inputShape, o.width());
    }

    static Architecture architecture(String name) {
        return Architectures.byName(name);
    }

    static LossWeighting weighting(String spec, int taskCount) {
        return Weightings.byName(spec, taskCount);
    }

    private TrainingSettings settings() {
        return TrainingSettings.builder().epochs(o.epochs()).batchSize(o.batchSize()).learningRate(o.learningRate())
                .seed(o.seed()).progressBar(o.progress()).gradientMode(GradientMode.fromFlag(o.gradientMode()))
                .build();
    }

    private MultiTask.Builder builder(List<Task> tasks, Architecture arch) {
        MultiTask.Builder b = MultiTask.builder().input(inputShape.getShape()).encoder(encoder()).sharing(arch)
                .tasks(tasks).settings(settings());
        normalization.ifPresent(b::inputNormalization);
        return b;
    }

    private Map<String, Double> baseline(Task task, int index, int taskCount, Architecture arch,
            RandomAccessDataset train, RandomAccessDataset val) throws IOException {
        String key = String.join("|", "format=" + BASELINE_FORMAT, "lib=" + RunProvenance.libraryVersion(),
                "data=" + o.data(), "input=" + inputShape, "size=" + o.size(), "train=" + o.trainSamples(),
                "val=" + o.valSamples(),
                "seed=" + o.seed(), "task=" + task.name(), "arch=" + arch.name(), "encoder=" + encoder().describe(),
                "epochs=" + o.epochs(), "batch=" + o.batchSize(), "lr=" + o.learningRate(), "tasks-def=" + task);
        String hash = Hashing.sha256().hashString(key, StandardCharsets.UTF_8).toString().substring(0, 20);
        Path file = o.baselineCache().resolve("stl-" + task.name() + "-" + hash + ".json");
        if (Files.exists(file)) {
            try {
                Map<String, Double> cached = GSON.fromJson(Files.readString(file),
                        new TypeToken<LinkedHashMap<String, Double>>() {}.getType());
                if (cached != null && cached.keySet().containsAll(
                        task.metrics().stream().map(TaskMetric::name).toList())) {
                    out.printf("single-task baseline %s: reused %s%n", task.name(), file);
                    return cached;
                }
            } catch (RuntimeException e) {
                err.printf("single-task baseline %s: cache file %s is unreadable (%s); retraining%n", task.name(),
                        file, e.getMessage());
            }
        }
        out.printf("single-task baseline %s: training%n", task.name());
        RandomAccessDataset stTrain = new TaskSubsetDataset(train, taskCount, index);
        RandomAccessDataset stVal = new TaskSubsetDataset(val, taskCount, index);
        Map<String, Double> metrics;
        // one task has nothing to branch: its branched network is one column, which is hard sharing's network
        Architecture single = arch instanceof BranchedArchitecture ? Architectures.hardSharing() : arch;
        try (MultiTaskModel model = builder(List.of(task), single)
                .settings(settings().toBuilder().verbose(false).build()).build()) {
            TrainingHistory h = model.trainer().output(out, err).fit(stTrain, stVal);
            metrics = new LinkedHashMap<>(h.last().validation().orElseThrow().task(task.name()).metrics());
        }
        Files.createDirectories(o.baselineCache());
        TextFiles.writeAtomically(file, GSON.toJson(metrics));
        return metrics;
    }

    private void printTable(List<Task> tasks, EvaluationResult mtl, Map<String, Map<String, Double>> stl,
            EvaluationResult mean) {
        out.println();
        out.printf(Locale.ROOT, "%-5s %-14s %10s %10s %10s %9s %s%n", "task", "metric", "multi-task",
                "single", "mean-pred", "vs single", "beats mean");
        for (Task t : tasks) {
            for (TaskMetric m : t.metrics()) {
                double v = mtl.task(t.name()).metric(m.name());
                Double s = stl.containsKey(t.name()) ? stl.get(t.name()).get(m.name()) : null;
                double mp = mean.task(t.name()).metric(m.name());
                String rel = s == null ? "" : String.format(Locale.ROOT, "%+8.2f%%",
                        (m.higherIsBetter() ? 1 : -1) * 100 * (v - s) / s);
                boolean beats = m.higherIsBetter() ? v > mp : v < mp;
                out.printf(Locale.ROOT, "%-5s %-14s %10.4f %10s %10.4f %9s %s%n", t.name(), m.name(), v,
                        s == null ? "-" : String.format(Locale.ROOT, "%.4f", s), mp, rel, beats ? "yes" : "NO");
            }
        }
        out.println();
    }

    private Map<String, Object> taskTable(List<Task> tasks, EvaluationResult mtl,
            Map<String, Map<String, Double>> stl, EvaluationResult mean) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Task t : tasks) {
            Map<String, Object> row = new LinkedHashMap<>();
            TaskResult r = mtl.task(t.name());
            row.put("loss", t.loss().name());
            Map<String, Boolean> higher = new LinkedHashMap<>();
            Map<String, Boolean> beats = new LinkedHashMap<>();
            for (TaskMetric metric : t.metrics()) {
                higher.put(metric.name(), metric.higherIsBetter());
                double v = r.metric(metric.name());
                double mp = mean.task(t.name()).metric(metric.name());
                beats.put(metric.name(), metric.higherIsBetter() ? v > mp : v < mp);
            }
            row.put("higher_is_better", higher);
            row.put("multi_task", r.metrics());
            row.put("multi_task_val_loss", r.loss());
            row.put("single_task", stl.get(t.name()));
            row.put("mean_predictor", mean.task(t.name()).metrics());
            row.put("beats_mean_predictor", beats);
            m.put(t.name(), row);
        }
        return m;
    }

    private static List<Map<String, Object>> historyList(TrainingHistory h) {
        List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (EpochRecord e : h.epochs()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e.epoch() + 1);
            row.put("train_loss", e.trainLoss());
            row.put("mean_weights", e.meanWeights());
            e.validation().ifPresent(v -> {
                Map<String, Object> val = new LinkedHashMap<>();
                v.tasks().forEach((k, r) -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("loss", r.loss());
                    x.put("metrics", r.metrics());
                    val.put(k, x);
                });
                row.put("validation", val);
            });
            row.put("skipped_batches", e.skippedBatches());
            row.put("seconds", e.seconds());
            row.put("validation_seconds", e.validationSeconds());
            list.add(row);
        }
        return list;
    }

    private Map<String, Object> optionsMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data", o.data());
        m.put("tasks", o.tasks());
        m.put("arch", o.arch());
        m.put("weighting", o.weighting());
        m.put("epochs", o.epochs());
        m.put("size", o.size());
        m.put("train_samples", o.trainSamples());
        m.put("val_samples", o.valSamples());
        m.put("batch_size", o.batchSize());
        m.put("learning_rate", o.learningRate());
        m.put("width", o.width());
        m.put("seed", o.seed());
        return m;
    }
}
