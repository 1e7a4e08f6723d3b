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
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.grouping.affinity.OptimizerLookahead;
import org.mtl4j.grouping.affinity.OverlappingGroups;
import org.mtl4j.grouping.affinity.TransferGainRun;
import org.mtl4j.grouping.affinity.TransferGains;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl transfer-gains} does: train one network on all tasks while {@link TransferGainRun} measures the
 * optimiser-aware transfer gains (Wang, Pan and Yu, arXiv 2402.15328, 2024) — or read measured gains — choose the
 * possibly overlapping groups for every feasible budget up to N exactly, write {@code gains.csv},
 * {@code affinity.csv} and {@code groups.csv}, and optionally score the groups on a fully trained study.
 */
public final class TransferGainsRun {

    /**
     * The settings of one {@code mtl transfer-gains} run.
     *
     * @param data the data settings
     * @param groups the largest budget in groups
     * @param every measure every this many steps
     * @param estimate {@code paper} or {@code pair-mean}
     * @param objective {@code group-sum} or {@code best-group}
     * @param exactly whether budget b asks for exactly b groups
     * @param maxGroupSize the most tasks in one group, 0 for no limit
     * @param selfPairs whether to measure each task paired with itself
     * @param gains measured gains to use instead of training, or null
     * @param reference a fully trained study's losses to score the groups on, or null
     * @param out the output folder
     * @param arch the architecture
     * @param epochs training epochs
     * @param width encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     */
    public record Options(GroupingData.Options data, int groups, int every, String estimate, String objective,
            boolean exactly, int maxGroupSize, boolean selfPairs, Path gains, Path reference, Path out, String arch,
            int epochs, int width, int batchSize, float learningRate) {}

    /**
     * The outcome.
     *
     * @param gains the measured (or read) gains
     * @param choices the groups per feasible budget
     * @param seconds wall time of the training, 0 when the gains were read
     */
    public record Result(TransferGains gains, List<TransferGainRun.Choice> choices, double seconds) {}

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
    public TransferGainsRun(Options options, PrintStream out, PrintStream err) {
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
        checkArgument(o.epochs() > 0, "--epochs must be positive, got %s", o.epochs());
        checkArgument(o.maxGroupSize() >= 0, "--max-group-size must be non-negative, got %s", o.maxGroupSize());
        TransferGains.Estimate estimate = switch (o.estimate()) {
            case "paper" -> TransferGains.Estimate.PAPER;
            case "pair-mean" -> TransferGains.Estimate.PAIR_MEAN;
            default -> throw new IllegalArgumentException("--estimate must be paper or pair-mean, got "
                    + o.estimate());
        };
        OverlappingGroups.Objective objective = switch (o.objective()) {
            case "group-sum" -> OverlappingGroups.Objective.GROUP_SUM;
            case "best-group" -> OverlappingGroups.Objective.BEST_GROUP;
            default -> throw new IllegalArgumentException("--objective must be group-sum or best-group, got "
                    + o.objective());
        };
        TransferGainRun.Options options = new TransferGainRun.Options(o.every(), o.selfPairs(), estimate, objective,
                o.exactly(), o.groups(), o.maxGroupSize() == 0 ? Integer.MAX_VALUE : o.maxGroupSize());
        ReferenceComparison reference = o.reference() == null ? null : ReferenceComparison.read(o.reference());
        TransferGains gains;
        double seconds = 0;
        if (o.gains() != null) {
            checkArgument(Files.isRegularFile(o.gains()), "gains file %s does not exist or is not a file", o.gains());
            gains = TransferGains.read(o.gains());
            out.println("read the transfer gains " + o.gains());
        } else {
            Architecture arch = TrainRun.architecture(o.arch());
            StudyData data = GroupingData.load(o.data(), err);
            checkArgument(data.tasks().size() <= OverlappingGroups.MAX_TASKS, "the overlapping-group solver takes at "
                    + "most %s tasks, got %s", OverlappingGroups.MAX_TASKS, data.tasks().size());
            out.printf(Locale.ROOT, "optimiser-aware transfer gains (Wang, Pan and Yu, arXiv 2402.15328): one %s "
                    + "network on %s, %d epochs, measured every %d steps%s%n", arch.name(),
                    String.join(",", GroupingData.names(data)), o.epochs(), o.every(),
                    o.selfPairs() ? " (singles, pairs and self-pairs)" : " (singles and pairs)");
            long t0 = System.nanoTime();
            try (MultiTaskModel model = GroupingData.jointModel(data, arch, o.width(), o.epochs(), o.batchSize(),
                    o.learningRate(), o.data().seed(), true)) {
                gains = OptimizerLookahead.train(model, data.train(), data.validation(), o.every(), o.selfPairs())
                        .gains();
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            out.printf(Locale.ROOT, "%d lookahead measurements in %.1f min%n", gains.measurements(), seconds / 60);
        }
        checkArgument(gains.tasks().size() <= OverlappingGroups.MAX_TASKS, "the overlapping-group solver takes at "
                + "most %s tasks, %s has %s", OverlappingGroups.MAX_TASKS, o.gains(), gains.tasks().size());
        List<TransferGainRun.Choice> choices = TransferGainRun.chooseGroups(gains, options);
        TransferGainRun.write(gains, choices, o.out());
        out.println();
        out.print(gains.toTable());
        out.println();
        out.printf(Locale.ROOT, "groups (%s estimate, %s objective, %s b groups; a task in several groups is served "
                + "by its best):%n", o.estimate(), o.objective(), o.exactly() ? "exactly" : "at most");
        out.print(TransferGainRun.groupsTable(choices));
        if (reference != null) {
            checkArgument(reference.tasks().equals(gains.tasks()), "the reference's tasks %s differ from %s",
                    reference.tasks(), gains.tasks());
            out.println();
            out.println("scored on the reference (fully trained) study " + o.reference() + " (budget = groups):");
            Map<Double, String> chosen = new LinkedHashMap<>();
            choices.forEach(c -> chosen.put((double) c.budget(), c.groups().label()));
            out.print(reference.table("groups", "transfer groups", chosen));
        }
        Path affinity = o.out().resolve(TransferGainRun.AFFINITY_FILE);
        out.printf("wrote %s, %s and %s%n", o.out().resolve(TransferGainRun.GAINS_FILE), affinity,
                o.out().resolve(TransferGainRun.GROUPS_FILE));
        out.printf("check: mtl group --affinity %s --groups %d%n", affinity, o.groups());
        return new Result(gains, choices, seconds);
    }
}
