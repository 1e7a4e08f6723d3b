package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl compare-grouping}: every task-grouping method of mtl4j on the same data and recipe, scored against the
 * full grouping study (see {@link CompareGroupingRun}).
 */
@Command(name = "compare-grouping", mixinStandardHelpOptions = true,
        description = {"Run the full grouping study (--approx none, the reference), HOA, ESA, TAG (lookahead "
                + "affinity), the sampled higher-order estimator, Grad-TAE and the optimiser-aware transfer gains on "
                + "the same data and recipe, sharing one candidate folder so that every network is trained once, and "
                + "write comparison.csv: per method the networks, network-epochs and seconds it needs, and per budget "
                + "1 … n the groups it chooses and their regret on the full study's test losses against the best "
                + "selection of that budget on the same losses."})
public final class CompareGroupingCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

    @Option(names = "--methods", defaultValue = CompareGroupingRun.ALL_METHODS, split = ",",
            description = "Methods to compare besides the full study (default ${DEFAULT-VALUE}).")
    java.util.List<String> methods;

    @Option(names = "--out", defaultValue = "runs/compare", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--reference-study", paramLabel = "DIR", description = "A finished mtl study --approx none "
            + "folder of the same recipe: its candidates (DIR/candidates) are reused and shared, so the full study "
            + "trains nothing.")
    Path referenceStudy;

    @Option(names = "--candidates", description = "Shared folder of finished networks (default "
            + "<reference-study>/candidates, else <out>/candidates).")
    Path candidates;

    @Option(names = "--fraction", defaultValue = "0.2",
            description = "ESA: fraction of the epochs a candidate trains (default ${DEFAULT-VALUE}).")
    double fraction;

    @Option(names = "--subset-size", defaultValue = "2",
            description = "Sampled: tasks per sampled subset (default ${DEFAULT-VALUE}).")
    int subsetSize;

    @Option(names = "--subsets", defaultValue = "5",
            description = "Sampled: number of distinct subsets; meta: number of actively chosen subsets (default "
                    + "${DEFAULT-VALUE}).")
    int subsets;

    @Option(names = "--projection-dim", defaultValue = "200",
            description = "Grad-TAE: projected gradient dimension (default ${DEFAULT-VALUE}).")
    int projectionDim;

    @Option(names = "--max-samples", defaultValue = "0",
            description = "Grad-TAE: samples per task whose gradients are used, 0 for all (default ${DEFAULT-VALUE}).")
    int maxSamples;

    @Option(names = "--every", defaultValue = "10",
            description = "TAG and transfer gains: measure every n steps (default ${DEFAULT-VALUE}).")
    int every;

    @Option(names = "--rate", defaultValue = "0.02",
            description = "TAG: lookahead step size (default ${DEFAULT-VALUE}).")
    float rate;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--test-samples", defaultValue = "200",
            description = "Test samples (default ${DEFAULT-VALUE}).")
    int testSamples;

    @Option(names = "--no-progress", description = "Print one line per network instead of progress bars.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        new CompareGroupingRun(new CompareGroupingRun.Options(new GroupingData.Options(r.data, r.tasks, r.size,
                r.trainSamples, valSamples, testSamples, grouping.seed, r.loadingThreads()), methods, out,
                referenceStudy, candidates, fraction, subsetSize, subsets, projectionDim, maxSamples, every, rate,
                grouping.arch, grouping.epochs, r.width, r.batchSize, r.learningRate, !noProgress), System.out,
                System.err).run();
        return 0;
    }
}
