package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.SelectionMethod;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.estimators.EstimatedLosses;
import org.mtl4j.grouping.estimators.GainPredictor;
import org.mtl4j.grouping.estimators.GradTae;
import org.mtl4j.grouping.estimators.HigherOrderSurrogate;
import org.mtl4j.grouping.estimators.MetaGainSampling;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.estimators.SampledHigherOrderAffinity;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.InProcessExecutor;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.study.StudyListener;
import org.mtl4j.runs.ClusterBackend;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl estimate} does: load the data, estimate the losses of every task subset with the sampled
 * higher-order affinity ({@link SampledHigherOrderAffinity}), Grad-TAE ({@link GradTae}) or the meta-learned gain
 * predictor with active sampling ({@link MetaGainSampling}), write them as
 * {@code losses.csv} (splits {@code val} and {@code test}, both estimates), choose the networks for every budget on
 * {@code val} exactly and report them on {@code test} through the same code as {@code mtl group}
 * ({@code groupings.csv}), and optionally score the choices on a fully trained study.
 */
public final class EstimateRun {

    /** The file of the chosen networks per budget. */
    public static final String GROUPINGS_FILE = "groupings.csv";

    /**
     * The settings of one {@code mtl estimate} run.
     *
     * @param data the data settings
     * @param method {@code sampled}, {@code grad-tae} or {@code meta}
     * @param subsetSize sampled: tasks per subset
     * @param subsets sampled: number of subsets
     * @param surrogate sampled: {@code ridge} or {@code average}
     * @param halves sampled: whether to train the half-size single-task networks too
     * @param ridge the ridge weight, or null for the method's default
     * @param projectionDim grad-tae: projection dimension
     * @param evaluation grad-tae: {@code network} or {@code linearised}
     * @param maxSamples grad-tae: samples per task, 0 for all
     * @param predictorWidth meta: the gain predictor's width
     * @param predictorEpochs meta: the most epochs of a predictor fit
     * @param budgets the budget list
     * @param out the output folder
     * @param candidates sampled: the shared candidate folder, or null for {@code out/candidates}
     * @param arch the architecture name
     * @param epochs training epochs
     * @param width encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     * @param progress whether to draw progress bars
     * @param reference a fully trained study's losses to score the choices on, or null
     * @param spark a Spark master for the sampled networks, or null
     */
    public record Options(GroupingData.Options data, String method, int subsetSize, int subsets, String surrogate,
            boolean halves, Double ridge, int projectionDim, String evaluation, int maxSamples, int predictorWidth,
            int predictorEpochs, String budgets,
            Path out, Path candidates, String arch, int epochs, int width, int batchSize, float learningRate, boolean progress,
            Path reference, String spark) {}

    /**
     * The outcome.
     *
     * @param losses the estimated tables
     * @param rows the chosen networks per budget (selected on {@code val}, reported on {@code test})
     * @param seconds wall time
     * @param networks the networks the estimate rests on (sampled: singles, halves and sampled subsets, trained or
     *     reused; grad-tae: the one joint network)
     * @param networkEpochs their epochs summed
     * @param networkSeconds their training time summed (sampled: as recorded with each network, also when reused;
     *     grad-tae: training and estimation)
     */
    public record Result(EstimatedLosses losses, List<BudgetSweep.Row> rows, double seconds, int networks,
            int networkEpochs, double networkSeconds) {}

    private final Options o;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * Creates the run.
     *
     * @param options the settings
     * @param out where results go
     * @param err where progress goes
     */
    public EstimateRun(Options options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs.
     *
     * @return the outcome
     * @throws IOException when data cannot be read or a file cannot be written
     */
    public Result run() throws IOException {
        checkArgument(List.of("sampled", "grad-tae", "meta").contains(o.method()),
                "--method must be sampled, grad-tae or meta, got %s", o.method());
        checkArgument(o.epochs() > 0, "--epochs must be positive, got %s", o.epochs());
        checkArgument(o.width() > 0, "--width must be positive, got %s", o.width());
        checkArgument(o.ridge() == null || o.ridge() >= 0, "--ridge must be non-negative, got %s", o.ridge());
        checkArgument(o.spark() == null || !o.method().equals("grad-tae"), "--spark distributes the networks of "
                + "--method sampled or meta; grad-tae trains one network");
        checkArgument(!o.halves() || o.method().equals("sampled"), "--halves trains half-size networks for "
                + "--method sampled; grad-tae estimates full-size networks only");
        HigherOrderSurrogate.Kind kind = HigherOrderSurrogate.Kind.fromFlag(o.surrogate());
        GradTae.Evaluation evaluation = GradTae.Evaluation.fromFlag(o.evaluation());
        List<Double> budgets = BudgetSweep.parseBudgets(o.budgets());
        ReferenceComparison reference = o.reference() == null ? null : ReferenceComparison.read(o.reference());
        Architecture arch = TrainRun.architecture(o.arch());
        long t0 = System.nanoTime();
        StudyData data = GroupingData.load(o.data(), err);
        List<String> tasks = GroupingData.names(data);
        String setting = o.data().data() + "-" + o.data().size() + "px";
        Files.createDirectories(o.out());
        EstimatedLosses losses;
        int networks;
        int networkEpochs;
        double networkSeconds;
        if (o.method().equals("meta")) {
            GainPredictor.Settings defaults = GainPredictor.Settings.defaults(o.data().seed());
            GainPredictor.Settings predictor = new GainPredictor.Settings(o.predictorWidth(), defaults.layers(),
                    defaults.learningRate(), defaults.weightDecay(), o.predictorEpochs(), defaults.patience(),
                    defaults.ensemble(), defaults.seed());
            NetworkRecipe recipe = new NetworkRecipe(data.describe(), ImmutableList.copyOf(tasks), arch.name(),
                    o.width(), o.epochs(), o.batchSize(), o.learningRate(), o.data().seed());
            MetaGainSampling.Result r;
            try (Executors ex = new Executors(data, arch)) {
                out.printf(Locale.ROOT, "meta-learned gains with active sampling (MTG-Net, Song et al., NeurIPS "
                        + "2022): tasks %s, %d single-task networks, the all-task network and %d actively chosen "
                        + "subsets (%d epochs); predictor width %d%s%n", String.join(",", tasks), tasks.size(),
                        o.subsets(), o.epochs(), o.predictorWidth(), ex.where());
                r = MetaGainSampling.of(recipe, o.subsets(), predictor, ex.executor()).setting(setting)
                        .storage(candidateFolder(), new Progress(err), ai.djl.Device.cpu()).run();
            }
            r.write(o.out());
            losses = r.losses();
            networks = r.trained().size();
            networkEpochs = epochs(r.trained());
            networkSeconds = seconds(r.trained());
            out.printf(Locale.ROOT, "trained %d networks, reused %d%n", r.trainedThisRun(), r.reused());
            out.printf(Locale.ROOT, "%6s %-5s %-14s %10s %10s%n", "round", "task", "chosen subset", "predicted",
                    "measured");
            for (MetaGainSampling.Acquisition a : r.acquisitions()) {
                out.printf(Locale.ROOT, "%6d %-5s %-14s %+10.4f %+10.4f%n", a.round(), a.task(),
                        String.join("&", a.subset()), a.predictedGain(), a.measuredGain());
            }
        } else if (o.method().equals("sampled")) {
            SampledHigherOrderAffinity.Builder b = SampledHigherOrderAffinity.builder().tasks(tasks)
                    .dataDescription(data.describe()).setting(setting).subsetSize(o.subsetSize()).subsets(o.subsets())
                    .surrogate(kind).halves(o.halves()).architecture(arch.name()).epochs(o.epochs()).width(o.width())
                    .batchSize(o.batchSize()).learningRate(o.learningRate()).seed(o.data().seed())
                    .candidateDirectory(candidateFolder())
                    .listener(new Progress(err));
            if (o.ridge() != null) {
                b.ridge(o.ridge());
            }
            SampledHigherOrderAffinity.Result r;
            try (Executors ex = new Executors(data, arch)) {
                SampledHigherOrderAffinity est = b.executor(ex.executor()).build();
                out.printf(Locale.ROOT, "sampled higher-order affinity (Li et al., KDD 2023 / TMLR 2023): tasks %s, "
                        + "%d single-task networks%s and %d subsets of %d tasks (%d epochs), %s surrogate%s%n",
                        String.join(",", tasks), tasks.size(), o.halves() ? " (and half-size ones)" : "",
                        est.sampledSubsets().size(), o.subsetSize(), o.epochs(), kind.flag(), ex.where());
                r = est.run();
            }
            r.write(o.out());
            losses = r.losses();
            networks = r.trained().size();
            networkEpochs = epochs(r.trained());
            networkSeconds = seconds(r.trained());
            out.printf(Locale.ROOT, "trained %d networks, reused %d; subsets: %s%n", r.trainedThisRun(), r.reused(),
                    String.join(" ", r.sampled().stream().map(s -> String.join("", s)).toList()));
            out.println();
            out.println("affinity of the validation surrogate, Z(source→target) = 1 − L̂({target, source}, target) / "
                    + "L̂({target}, target)");
            out.print(r.affinity().toTable());
        } else {
            out.printf(Locale.ROOT, "Grad-TAE (Li et al., KDD 2024): one %s network on %s (%d epochs), projected "
                    + "gradients d = %d, %s evaluation%n", arch.name(), String.join(",", tasks), o.epochs(),
                    o.projectionDim(), evaluation.flag());
            GradTae.Builder b = GradTae.builder().projectionDimension(o.projectionDim()).seed(o.data().seed())
                    .evaluation(evaluation).maxSamplesPerTask(o.maxSamples()).batchSize(o.batchSize())
                    .setting(setting);
            if (o.ridge() != null) {
                b.ridge(o.ridge());
            }
            GradTae.Result r;
            long g0 = System.nanoTime();
            try (MultiTaskModel model = GroupingData.jointModel(data, arch, o.width(), o.epochs(), o.batchSize(),
                    o.learningRate(), o.data().seed(), o.progress())) {
                model.trainer().output(out, err).fit(data.train(), null);
                r = b.build().estimate(model, data);
            }
            networks = 1;
            networkEpochs = o.epochs();
            networkSeconds = (System.nanoTime() - g0) / 1e9;
            losses = r.losses();
            losses.write(o.out().resolve(SampledHigherOrderAffinity.LOSSES_FILE));
            out.printf(Locale.ROOT, "%d shared parameters projected to %d; samples per task %s; λ = %.3e; "
                    + "estimates in %.1f s%n", r.gradientDimension(), r.projectionDimension(), r.samples(), r.lambda(),
                    r.seconds());
        }
        Path lossesFile = o.out().resolve(SampledHigherOrderAffinity.LOSSES_FILE);
        MeasuredLosses read = MeasuredLosses.read(lossesFile);
        List<BudgetSweep.Row> rows = BudgetSweep.run(read, SelectionMethod.VAL, EstimatedLosses.TEST, budgets,
                Groupings.exact());
        Path groupings = o.out().resolve(GROUPINGS_FILE);
        TextFiles.writeAtomically(groupings, BudgetSweep.toCsv(rows));
        out.println();
        out.println("chosen on the estimated val losses; report_total is the estimated test loss:");
        out.print(BudgetSweep.toTable(rows));
        if (reference != null) {
            checkArgument(reference.tasks().equals(tasks), "the reference's tasks %s differ from %s",
                    reference.tasks(), tasks);
            out.println();
            out.println("scored on the reference (fully trained) study " + o.reference() + ":");
            out.print(reference.table("budget", "chosen here", ReferenceComparison.choices(rows)));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "%.1f min; wrote %s and %s%n", seconds / 60, lossesFile, groupings);
        out.printf("check: mtl group --losses %s --select val --report test --budgets %s%n", lossesFile, o.budgets());
        return new Result(losses, rows, seconds, networks, networkEpochs, networkSeconds);
    }

    private Path candidateFolder() {
        return o.candidates() != null ? o.candidates() : o.out().resolve("candidates");
    }

    private static int epochs(List<CandidateResult> trained) {
        return trained.stream().mapToInt(c -> c.spec().epochs()).sum();
    }

    private static double seconds(List<CandidateResult> trained) {
        return trained.stream().mapToDouble(CandidateResult::seconds).sum();
    }

    /** The executor of the subset networks: in this process, or on the Spark master of {@code --spark}. */
    private final class Executors implements AutoCloseable {
        private final ClusterBackend cluster;
        private final CandidateExecutor executor;

        Executors(StudyData data, Architecture arch) {
            this.cluster = o.spark() == null ? null : ClusterBackend.open("spark", o.spark());
            try {
                this.executor = cluster == null ? new InProcessExecutor(data, arch, GroupingData.encoders(
                        data.inputShape())) : cluster.studyExecutor(o.data(), arch.name(), data);
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        CandidateExecutor executor() {
            return executor;
        }

        String where() {
            return cluster == null ? "" : "; networks run on " + cluster.describe();
        }

        @Override
        public void close() {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    /** One line per finished network. */
    private static final class Progress implements StudyListener {
        private final PrintStream err;

        Progress(PrintStream err) {
            this.err = err;
        }

        @Override
        public void phaseStarted(String phase, int toTrain, int reused) {
            err.printf(Locale.ROOT, "%s: %d to train, %d reused from disk%n", phase, toTrain, reused);
        }

        @Override
        public void candidateFinished(CandidateResult r, int done, int toTrain) {
            err.printf(Locale.ROOT, "subsets %d/%d: %s (%d epochs) %.0fs%n", done, toTrain, r.spec().name(),
                    r.spec().epochs(), r.seconds());
        }
    }
}
