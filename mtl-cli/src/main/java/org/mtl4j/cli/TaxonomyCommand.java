package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl taxonomy}: the transfer taxonomy of Zamir et al., "Taskonomy: Disentangling Task Transfer Learning"
 * (CVPR 2018), with AHP normalisation and exact source selection (see {@link TaxonomyRun}).
 */
@Command(name = "taxonomy", mixinStandardHelpOptions = true,
        description = "Train a network per task (sources), a readout on every source's frozen encoder for every other "
                + "task and each task from scratch on a small split (or read --transfers), normalise per target with "
                + "the Analytic Hierarchy Process and choose the tasks to supervise under --budget so the summed "
                + "quality over all targets is largest; prints the chosen source of every target. Finished networks "
                + "are kept in <out>/networks and reused when the command is run again (after a kill, say).")
public final class TaxonomyCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

    @Option(names = "--budget", defaultValue = "2", description = "Supervision budget: the tasks that get labels, "
            + "weighted by --costs (default ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--max-order", defaultValue = "1", description = "1: first-order transfers; 2: also readouts on "
            + "pairs of sources (default ${DEFAULT-VALUE}).")
    int maxOrder;

    @Option(names = "--transfers", description = "Transfer results CSV (target,sources,sample,loss) to use instead of "
            + "training.")
    Path transfers;

    @Option(names = "--costs", description = "Supervision costs, e.g. s=2,d=1 (default 1 each).")
    String costs;

    @Option(names = "--out", defaultValue = "runs/taxonomy", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--readout-epochs", defaultValue = "6", description = "Epochs of readouts and from-scratch "
            + "networks (default ${DEFAULT-VALUE}).")
    int readoutEpochs;

    @Option(names = "--transfer-samples", defaultValue = "200", description = "Training samples of readouts and "
            + "from-scratch networks (default ${DEFAULT-VALUE}).")
    int transferSamples;

    @Option(names = "--test-samples", defaultValue = "200", description = "Test samples the contenders are scored on "
            + "(default ${DEFAULT-VALUE}).")
    int testSamples;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        // the validation part is not used; the test part scores the contenders
        new TaxonomyRun(new TaxonomyRun.Options(new GroupingData.Options(r.data, r.tasks, r.size, r.trainSamples, 1,
                testSamples, grouping.seed, r.loadingThreads()), budget, maxOrder, transfers, costs, out,
                grouping.arch, grouping.epochs, readoutEpochs, transferSamples, r.width, r.batchSize, r.learningRate),
                System.out, System.err).run();
        return 0;
    }
}
