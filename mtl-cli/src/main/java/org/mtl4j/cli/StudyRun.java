package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.training.ProgressBar;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.InProcessExecutor;
import org.mtl4j.grouping.study.StudyApproximation;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.study.StudyListener;
import org.mtl4j.grouping.study.StudyResult;
import org.mtl4j.runs.ClusterBackend;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl study} does: load the data, run (or resume) the grouping study of Standley et al. (ICML 2020) with
 * the in-process executor and a progress bar over candidates, print the chosen networks per budget against the
 * all-in-one and independent baselines and the pairwise relationship table, and draw the plots
 * ({@code loss_vs_budget.png}, {@code pairwise.png}) next to the files the study writes.
 */
public final class StudyRun {

    /**
     * The settings of one {@code mtl study} run.
     *
     * @param data the data settings
     * @param approximation none, hoa or esa
     * @param fraction the ESA fraction
     * @param budgets the budget list
     * @param out the study folder
     * @param candidates the shared candidate folder, or null for {@code out/candidates}
     * @param arch the architecture name
     * @param epochs full-training epochs
     * @param width full encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     * @param progress whether to draw the progress bar
     * @param reference a fully trained study's losses to score the choices on, or null
     * @param spark a Spark master URL to train the candidates on, or null to train them in this process
     */
    public record Options(GroupingData.Options data, String approximation, double fraction, String budgets, Path out,
            Path candidates, String arch, int epochs, int width, int batchSize, float learningRate, boolean progress,
            Path reference, String spark) {}

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
    public StudyRun(Options options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs.
     *
     * @return the study's outcome
     * @throws IOException when data cannot be read or a file cannot be written
     */
    public StudyResult run() throws IOException {
        StudyApproximation approx = StudyApproximation.fromFlag(o.approximation());
        List<Double> budgets = BudgetSweep.parseBudgets(o.budgets());
        checkArgument(o.epochs() > 0, "--epochs must be positive, got %s", o.epochs());
        checkArgument(o.width() > 0, "--width must be positive, got %s", o.width());
        checkArgument(o.fraction() > 0 && o.fraction() <= 1, "--fraction must lie in (0, 1], got %s", o.fraction());
        ReferenceComparison reference = o.reference() == null ? null : ReferenceComparison.read(o.reference());
        Architecture arch = TrainRun.architecture(o.arch());
        // every setting is validated before the data is rendered
        GroupingStudy.Builder b = GroupingStudy.builder().setting(o.data().data() + "-" + o.data().size() + "px")
                .approximation(approx).esaFraction(o.fraction()).architecture(arch.name()).epochs(o.epochs())
                .width(o.width()).batchSize(o.batchSize()).learningRate(o.learningRate()).seed(o.data().seed())
                .budgets(budgets).directory(o.out()).listener(new Progress(err, o.progress()));
        ClusterBackend cluster = o.spark() == null ? null : ClusterBackend.open("spark", o.spark());
        try {
            StudyData data = GroupingData.load(o.data(), err);
            Files.createDirectories(o.out());
            b.tasks(GroupingData.names(data)).dataDescription(data.describe())
                    .executor(cluster == null ? new InProcessExecutor(data, arch, GroupingData.encoders(
                            data.inputShape())) : cluster.studyExecutor(o.data(), arch.name(), data));
            if (cluster != null) {
                out.println("candidates run on " + cluster.describe());
            }
            return run(b, approx, data, reference);
        } finally {
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private StudyResult run(GroupingStudy.Builder b, StudyApproximation approx, StudyData data,
            ReferenceComparison reference) throws IOException {
        if (o.candidates() != null) {
            b.candidateDirectory(o.candidates());
        }
        GroupingStudy study = b.build();
        out.printf(Locale.ROOT, "grouping study (Standley et al., ICML 2020): tasks %s, approximation %s, %d epochs "
                + "(width %d, half-size width %d)%s%n", String.join(",", GroupingData.names(data)), approx.flag(),
                o.epochs(), o.width(), GroupingStudy.halfWidth(o.width()),
                approx == StudyApproximation.ESA ? String.format(Locale.ROOT, ", candidates early-stopped after %d",
                        GroupingStudy.esaEpochs(o.fraction(), o.epochs())) : "");
        StudyResult r = study.run();

        out.println();
        out.print(BudgetSweep.toTable(r.rows()));
        out.printf(Locale.ROOT, "baseline all-in-one   cost %4s  test total %.5f  (%s)%n",
                plain(r.allInOne().cost()), r.allInOne().objective(), r.allInOne().label());
        out.printf(Locale.ROOT, "baseline independent  cost %4s  test total %.5f  (%s)%n",
                plain(r.independent().cost()), r.independent().objective(), r.independent().label());
        out.println();
        out.printf("pairwise relationships (%s split): change of the row task's loss when trained with the column "
                + "task instead of alone; positive = helps%n", r.pairwise().source());
        out.print(r.pairwise().toTable());
        if (reference != null) {
            out.println();
            out.println("scored on the reference (fully trained) study " + o.reference() + ":");
            out.print(reference.table("budget", "chosen here", ReferenceComparison.choices(r.rows())));
        }
        Map<String, Double> baselines = new LinkedHashMap<>();
        baselines.put("all-in-one (cost 1)", r.allInOne().objective());
        baselines.put("independent (cost " + plain(r.independent().cost()) + ")", r.independent().objective());
        Path lossPlot = o.out().resolve("loss_vs_budget.png");
        GroupingPlots.lossVersusBudget(r.rows(), baselines, lossPlot);
        Path pairPlot = o.out().resolve("pairwise.png");
        GroupingPlots.heatMap("Loss change with a partner task, % (+ helps)", "task",
                "trained with", r.pairwise().tasks(), r.pairwise().percent(), "0.0", pairPlot);
        out.printf(Locale.ROOT, "%ntrained %d networks, reused %d from %s; %.1f min%n", r.trained(), r.reused(),
                o.candidates() != null ? o.candidates() : o.out().resolve(GroupingStudy.CANDIDATES_DIR),
                r.seconds() / 60);
        out.println("wrote " + r.lossesCsv() + ", " + o.out().resolve(GroupingStudy.GROUPINGS_FILE) + ", "
                + o.out().resolve(GroupingStudy.PAIRWISE_FILE) + ", " + o.out().resolve(GroupingStudy.SUMMARY_FILE)
                + ", " + lossPlot + " and " + pairPlot);
        out.printf("check: mtl group --losses %s --select %s --report test --budgets %s%n", r.lossesCsv(),
                approx.selectionMethod().flag(), o.budgets());
        return r;
    }

    static String plain(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /** The progress bar over candidates. */
    private static final class Progress implements StudyListener {
        private final PrintStream err;
        private final boolean draw;
        private ProgressBar bar;
        private String phase;

        Progress(PrintStream err, boolean draw) {
            this.err = err;
            this.draw = draw;
        }

        @Override
        public void phaseStarted(String name, int toTrain, int reused) {
            this.phase = name;
            err.printf(Locale.ROOT, "%s: %d to train, %d reused from disk%n", name, toTrain, reused);
            bar = draw && toTrain > 0 ? new ProgressBar(err, name, toTrain) : null;
        }

        @Override
        public void candidateFinished(CandidateResult r, int done, int toTrain) {
            String what = String.format(Locale.ROOT, "%s (%d epochs) %.0fs", r.spec().name(), r.spec().epochs(),
                    r.seconds());
            if (bar != null) {
                bar.update(done, what);
                if (done == toTrain) {
                    bar.finish();
                }
            } else {
                err.printf(Locale.ROOT, "%s %d/%d: %s%n", phase, done, toTrain, what);
            }
        }
    }
}
