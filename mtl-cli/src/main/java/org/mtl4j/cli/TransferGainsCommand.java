package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl transfer-gains}: the optimiser-aware transfer gains of Wang, Pan and Yu, "Towards Principled Task
 * Grouping for Multi-Task Learning" (arXiv 2402.15328, 2024), and the possibly overlapping groups they choose (see
 * {@link TransferGainsRun}).
 */
@Command(name = "transfer-gains", mixinStandardHelpOptions = true,
        description = {"Train one network on all tasks while measuring, every n steps, the transfer gains of a "
                + "lookahead step taken by the real optimiser from its own state: G(S→t) = 1 − L_t(θ after the "
                + "optimiser's step on the tasks S) / L_t(θ), for every task, pair and self-pair.",
            "Predict each group's gains from them and choose the best groups exactly for 1 … N networks; groups may "
                + "overlap (a task can be trained in several networks and is served by its best).",
            "Writes gains.csv (re-solve with --gains), affinity.csv (the single-task gains; mtl group --affinity "
                + "reads it) and groups.csv."})
public final class TransferGainsCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

    @Option(names = "--groups", defaultValue = "3", description = "The largest budget in groups (networks); every "
            + "feasible budget up to it is solved (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--every", defaultValue = "10", description = "Measure every n training steps (default "
            + "${DEFAULT-VALUE}; the reference code measures every step or every 10).")
    int every;

    @Option(names = "--estimate", defaultValue = "paper", description = "A group's gain for task t from the transfer "
            + "matrix S: paper (Σ_{i∈G} S[i][t] / |G|) or pair-mean (mean over the other members) "
            + "(default ${DEFAULT-VALUE}).")
    String estimate;

    @Option(names = "--objective", defaultValue = "group-sum", description = "What a set of groups is worth: "
            + "group-sum (every chosen group counts in full, the paper's program) or best-group (each task once, in "
            + "its best chosen group) (default ${DEFAULT-VALUE}).")
    String objective;

    @Option(names = "--at-most", description = "Budget b means at most b groups (default: exactly b, the paper's "
            + "program).")
    boolean atMost;

    @Option(names = "--max-group-size", defaultValue = "0", description = "The most tasks in one group, 0 for no "
            + "limit (default ${DEFAULT-VALUE}).")
    int maxGroupSize;

    @Option(names = "--no-self-pairs", description = "Do not measure each task paired with itself (the paper's code "
            + "does; without them S[t][t] compares with the single-task step).")
    boolean noSelfPairs;

    @Option(names = "--gains", description = "Use these measured gains (gains.csv of an earlier run) instead of "
            + "training.")
    Path gains;

    @Option(names = "--reference", description = "Losses CSV of a fully trained study (mtl study --approx none) to "
            + "score the groups on.")
    Path reference;

    @Option(names = "--out", defaultValue = "runs/transfer-gains",
            description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        // the test split is not used here; one sample keeps the loader's contract
        new TransferGainsRun(new TransferGainsRun.Options(new GroupingData.Options(r.data, r.tasks, r.size,
                r.trainSamples, valSamples, 1, grouping.seed, r.loadingThreads()), groups, every, estimate, objective,
                !atMost, maxGroupSize, !noSelfPairs, gains, reference, out, grouping.arch, grouping.epochs, r.width,
                r.batchSize, r.learningRate), System.out, System.err).run();
        return 0;
    }
}
