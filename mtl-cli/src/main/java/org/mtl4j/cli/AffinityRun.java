package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.affinity.AffinityGrouping;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.affinity.LookaheadAffinity;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl affinity} does: train one network on all tasks while measuring lookahead inter-task affinity (TAG,
 * Fifty et al., NeurIPS 2021) — or read a measured matrix — then choose the groups for 1 … N networks and write the
 * matrix ({@code affinity.csv}, {@code affinity.png}) and the groups ({@code groups.csv}).
 */
public final class AffinityRun {

    /**
     * The settings of one {@code mtl affinity} run.
     *
     * @param data the data settings
     * @param groups the most groups
     * @param every measure every this many steps
     * @param rate the lookahead step size
     * @param singletonScore the affinity a task alone receives
     * @param out the output folder
     * @param affinity a measured matrix to use instead of training, or null
     * @param arch the architecture
     * @param epochs training epochs
     * @param width encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     * @param reference a fully trained study's losses to score the groups on, or null
     */
    public record Options(GroupingData.Options data, int groups, int every, float rate, double singletonScore,
            Path out, Path affinity, String arch, int epochs, int width, int batchSize, float learningRate,
            Path reference) {}

    /**
     * The outcome.
     *
     * @param affinities the matrix
     * @param groups the groups for 1 … N networks
     * @param seconds wall time of the training, 0 when the matrix was read
     */
    public record Result(AffinityMatrix affinities, List<AffinityGrouping.Result> groups, double seconds) {}

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
    public AffinityRun(Options options, PrintStream out, PrintStream err) {
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
        checkArgument(o.groups() >= 1, "--groups must be at least 1, got %s", o.groups());
        checkArgument(o.every() >= 1, "--every must be at least 1, got %s", o.every());
        checkArgument(o.rate() > 0, "--rate must be positive, got %s", o.rate());
        checkArgument(o.epochs() > 0, "--epochs must be positive, got %s", o.epochs());
        ReferenceComparison reference = o.reference() == null ? null : ReferenceComparison.read(o.reference());
        Files.createDirectories(o.out());
        AffinityMatrix m;
        double seconds = 0;
        if (o.affinity() != null) {
            checkArgument(Files.isRegularFile(o.affinity()), "affinity file %s does not exist or is not a file",
                    o.affinity());
            m = AffinityMatrix.read(o.affinity());
            out.println("read the affinity matrix " + o.affinity());
        } else {
            Architecture arch = TrainRun.architecture(o.arch());
            StudyData data = GroupingData.load(o.data(), err);
            out.printf(Locale.ROOT, "lookahead affinity (TAG, Fifty et al., NeurIPS 2021): one %s network on %s, "
                    + "%d epochs, lookahead η = %s every %d steps%n", arch.name(),
                    String.join(",", GroupingData.names(data)), o.epochs(), o.rate(), o.every());
            long t0 = System.nanoTime();
            try (MultiTaskModel model = GroupingData.jointModel(data, arch, o.width(), o.epochs(), o.batchSize(),
                    o.learningRate(), o.data().seed(), true)) {
                LookaheadAffinity listener = new LookaheadAffinity(model, o.every(), o.rate());
                model.trainer().addListeners(listener).output(out, err).fit(data.train(), data.validation());
                m = listener.matrix();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "%d lookahead measurements in %.1f min%n", m.measurements(), seconds / 60);
        }
        out.println();
        out.println("mean affinity Z(source→target) = 1 − L_target(after a step on the source's gradient) / "
                + "L_target(before)");
        out.print(m.toTable());
        List<AffinityGrouping.Result> groups = new ArrayList<>();
        StringBuilder csv = new StringBuilder("max_groups,groups,total_affinity\n");
        out.println();
        out.printf(Locale.ROOT, "%6s  %-28s %14s%n", "groups", "chosen", "total affinity");
        int maxGroups = Math.min(o.groups(), (1 << Math.min(m.tasks().size(), 16)) - 1);
        for (int n = 1; n <= maxGroups; n++) {
            AffinityGrouping.Result g = AffinityGrouping.select(m, n, o.singletonScore(), Groupings.exact());
            groups.add(g);
            csv.append(n).append(',').append(g.label()).append(',').append(Double.toString(g.total())).append('\n');
            out.printf(Locale.ROOT, "%6d  %-28s %14.6e%n", n, g.label(), g.total());
        }
        if (reference != null) {
            out.println();
            out.println("scored on the reference (fully trained) study " + o.reference() + " (budget = groups):");
            Map<Double, String> chosen = new LinkedHashMap<>();
            for (int n = 1; n <= groups.size(); n++) {
                chosen.put((double) n, groups.get(n - 1).label());
            }
            out.print(reference.table("groups", "affinity groups", chosen));
        }
        Path matrixFile = o.out().resolve("affinity.csv");
        TextFiles.writeAtomically(matrixFile, m.toCsv());
        Path groupsFile = o.out().resolve("groups.csv");
        TextFiles.writeAtomically(groupsFile, csv.toString());
        Path png = o.out().resolve("affinity.png");
        double[][] scaled = new double[m.tasks().size()][m.tasks().size()];
        for (int i = 0; i < scaled.length; i++) {
            for (int j = 0; j < scaled.length; j++) {
                scaled[i][j] = 1000 * m.z()[i][j];
            }
        }
        GroupingPlots.heatMap("Lookahead affinity Z(source→target) × 1000 (+ helps)", "source task", "target task",
                m.tasks(),
                scaled, "0.00", png);
        out.println("wrote " + matrixFile + ", " + groupsFile + " and " + png);
        return new Result(m, groups, seconds);
    }
}
