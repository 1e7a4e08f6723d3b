package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.grouping.TextFiles;

/**
 * The whole method of Wang, Pan and Yu, "Towards Principled Task Grouping for Multi-Task Learning" (arXiv 2402.15328,
 * 2024) on caller-supplied data: train one network on all tasks while {@link OptimizerLookahead} measures the
 * optimiser-aware transfer gains of every task, pair and self-pair, predict every group's gains from them
 * ({@link TransferGains.Estimate}), and choose the best (possibly overlapping) groups exactly for every budget
 * up to {@code B} ({@link OverlappingGroups}). Or, with {@link #chooseGroups}, re-solve from a gains file without
 * training.
 *
 * <p>Writes into the output folder: {@code gains.csv} ({@link TransferGains#toCsv()}, read back by
 * {@link TransferGains#read}), {@code affinity.csv} (the single-task gains in TAG's layout, {@link AffinityMatrix},
 * readable by {@code mtl affinity --affinity}) and {@code groups.csv}, one row per feasible budget:
 * {@code budget,groups,objective,received} — the chosen groups joined with {@code +}, the objective's value, and each
 * task's value in its best chosen group ({@code task=value} separated by {@code ;}).
 *
 * <p>Cost: one training run of the joint network plus the lookahead measurements (see {@link OptimizerLookahead});
 * the selection takes milliseconds for five tasks.
 */
public final class TransferGainRun {

    /** The file of the measured gains. */
    public static final String GAINS_FILE = "gains.csv";
    /** The file of the single-task gains in TAG's layout. */
    public static final String AFFINITY_FILE = "affinity.csv";
    /** The file of the chosen groups per budget. */
    public static final String GROUPS_FILE = "groups.csv";

    /**
     * The settings.
     *
     * @param every measure every this many training steps (the reference code measures every step or every 10)
     * @param selfPairs whether to measure each task paired with itself (the paper's code does)
     * @param estimate how a group's gains are predicted from the pairs
     * @param objective what a set of groups is worth
     * @param exactly whether each budget {@code b} asks for exactly {@code b} groups (the paper's program) rather
     *     than at most {@code b}
     * @param maxGroups the largest budget
     * @param maxGroupSize the most tasks in one group (the number of tasks for no limit)
     */
    public record Options(int every, boolean selfPairs, TransferGains.Estimate estimate,
            OverlappingGroups.Objective objective, boolean exactly, int maxGroups, int maxGroupSize) {

        /**
         * Validates.
         *
         * @throws IllegalArgumentException on a non-positive count
         */
        public Options {
            checkArgument(every >= 1, "measure every n steps with n ≥ 1, got %s", every);
            checkNotNull(estimate, "estimate");
            checkNotNull(objective, "objective");
            checkArgument(maxGroups >= 1, "the largest budget must be at least 1 group, got %s", maxGroups);
            checkArgument(maxGroupSize >= 1, "the group size limit must be at least 1, got %s", maxGroupSize);
        }

        /**
         * The paper's choices: self-pairs measured, the paper's group estimate and its program (every chosen group
         * counts, exactly {@code b} groups), no size limit.
         *
         * @param every measure every this many steps
         * @param maxGroups the largest budget
         * @return the options
         */
        public static Options paper(int every, int maxGroups) {
            return new Options(every, true, TransferGains.Estimate.PAPER, OverlappingGroups.Objective.GROUP_SUM, true,
                    maxGroups, Integer.MAX_VALUE);
        }
    }

    /**
     * The groups chosen for one budget.
     *
     * @param budget the most (or, with {@code exactly}, the exact) number of groups
     * @param groups the selection
     */
    public record Choice(int budget, OverlappingGroups.Result groups) {}

    /**
     * The outcome.
     *
     * @param gains the measured gains
     * @param choices the chosen groups for every feasible budget up to {@code maxGroups}, in budget order
     * @param history the training run
     */
    public record Result(TransferGains gains, ImmutableList<Choice> choices, TrainingHistory history) {}

    private TransferGainRun() {}

    /**
     * Trains the joint model while measuring, chooses the groups and writes the three files.
     *
     * @param model the joint model (all tasks; its settings give the optimiser that is looked ahead)
     * @param train the training data
     * @param validation the validation data, or null
     * @param options the settings
     * @param out the output folder (created)
     * @return the outcome
     * @throws IOException when a file cannot be written
     */
    public static Result run(MultiTaskModel model, RandomAccessDataset train, RandomAccessDataset validation,
            Options options, Path out) throws IOException {
        checkNotNull(options, "options");
        checkNotNull(out, "out");
        OptimizerLookahead.Measured m = OptimizerLookahead.train(model, train, validation, options.every(),
                options.selfPairs());
        ImmutableList<Choice> choices = chooseGroups(m.gains(), options);
        write(m.gains(), choices, out);
        return new Result(m.gains(), choices, m.history());
    }

    /**
     * Chooses the groups for every feasible budget up to {@code maxGroups} from measured gains: from the fewest
     * candidate groups that cover every task ({@link OverlappingGroups#minimumGroups}) up, and with {@code exactly} no
     * further than the number of candidate groups.
     *
     * @param gains the gains
     * @param options the settings ({@code every} and {@code selfPairs} are not used)
     * @return one choice per feasible budget, in budget order
     */
    public static ImmutableList<Choice> chooseGroups(TransferGains gains, Options options) {
        OverlappingGroups.GroupValues values = gains.groupValues(options.estimate(),
                Math.min(options.maxGroupSize(), gains.tasks().size()));
        int last = options.exactly() ? Math.min(options.maxGroups(), OverlappingGroups.candidateCount(values))
                : options.maxGroups();
        ImmutableList.Builder<Choice> out = ImmutableList.builder();
        for (int b = OverlappingGroups.minimumGroups(values); b <= last; b++) {
            out.add(new Choice(b, OverlappingGroups.solve(values, options.objective(), b, options.exactly())));
        }
        return out.build();
    }

    /**
     * Writes {@code gains.csv}, {@code affinity.csv} and {@code groups.csv}.
     *
     * @param gains the gains
     * @param choices the chosen groups per budget
     * @param out the folder (created)
     * @throws IOException when a file cannot be written
     */
    public static void write(TransferGains gains, List<Choice> choices, Path out) throws IOException {
        Files.createDirectories(out);
        TextFiles.writeAtomically(out.resolve(GAINS_FILE), gains.toCsv());
        TextFiles.writeAtomically(out.resolve(AFFINITY_FILE), gains.singles().toCsv());
        TextFiles.writeAtomically(out.resolve(GROUPS_FILE), groupsCsv(choices));
    }

    /**
     * The choices as CSV: {@code budget,groups,objective,received}.
     *
     * @param choices the chosen groups per budget
     * @return the text
     */
    public static String groupsCsv(List<Choice> choices) {
        StringBuilder sb = new StringBuilder("budget,groups,objective,received\n");
        for (Choice c : choices) {
            OverlappingGroups.Result r = c.groups();
            StringBuilder received = new StringBuilder();
            r.received().forEach((t, v) -> received.append(received.length() == 0 ? "" : ";").append(t).append('=')
                    .append(Double.toString(v)));
            sb.append(c.budget()).append(',').append(r.label()).append(',').append(Double.toString(r.objective()))
                    .append(',').append(received).append('\n');
        }
        return sb.toString();
    }

    /**
     * The choices for the terminal.
     *
     * @param choices the chosen groups per budget
     * @return aligned text
     */
    public static String groupsTable(List<Choice> choices) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%6s  %-32s %14s%n", "budget", "chosen",
                "objective"));
        for (Choice c : choices) {
            sb.append(String.format(Locale.ROOT, "%6d  %-32s %14.6e%n", c.budget(), c.groups().label(),
                    c.groups().objective()));
        }
        return sb.toString();
    }
}
