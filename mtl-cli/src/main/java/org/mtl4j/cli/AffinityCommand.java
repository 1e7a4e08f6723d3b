package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl affinity}: lookahead inter-task affinity (TAG; Fifty et al., "Efficiently Identifying Task Groupings for
 * Multi-Task Learning", NeurIPS 2021) and the groups it chooses (see {@link AffinityRun}).
 */
@Command(name = "affinity", mixinStandardHelpOptions = true,
        description = "Train one network on all tasks while measuring lookahead affinity Z(i→j) = 1 − "
                + "L_j(θ − η·g_i)/L_j(θ) every n steps, then choose at most N task groups that maximise the affinity "
                + "each task receives.")
public final class AffinityCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

    @Option(names = "--groups", defaultValue = "3", description = "The most groups (networks); groups for 1 … N are "
            + "written (default ${DEFAULT-VALUE}).")
    int groups;

    @Option(names = "--every", defaultValue = "10", description = "Measure every n training steps (default "
            + "${DEFAULT-VALUE}, as the reference implementation).")
    int every;

    @Option(names = "--rate", defaultValue = "0.02", description = "Lookahead SGD step size η (default "
            + "${DEFAULT-VALUE}).")
    float rate;

    @Option(names = "--singleton-score", defaultValue = "0", description = "Affinity a task alone receives (default "
            + "${DEFAULT-VALUE}; the TAG notebook uses -1e6 to force every task into a group).")
    double singletonScore;

    @Option(names = "--affinity", description = "Use this measured matrix (affinity.csv) instead of training.")
    Path affinity;

    @Option(names = "--reference", description = "Losses CSV of a fully trained study (mtl study --approx none) to "
            + "score the groups on.")
    Path reference;

    @Option(names = "--out", defaultValue = "runs/affinity", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        // the test split is not used here; one sample keeps the loader's contract
        new AffinityRun(new AffinityRun.Options(new GroupingData.Options(r.data, r.tasks, r.size, r.trainSamples,
                valSamples, 1, grouping.seed, r.loadingThreads()), groups, every, rate, singletonScore, out, affinity,
                grouping.arch, grouping.epochs, r.width, r.batchSize, r.learningRate, reference), System.out,
                System.err).run();
        return 0;
    }
}
