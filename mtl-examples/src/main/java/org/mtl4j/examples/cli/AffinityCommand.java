package org.mtl4j.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.examples.data.DataSources;
import picocli.CommandLine.Command;
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

    @Option(names = "--data", defaultValue = "synthetic",
            description = "Data set: " + DataSources.NAMES + " (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--tasks", description = "Comma-separated tasks (default: the data set's default).")
    String tasks;

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

    @Option(names = "--arch", defaultValue = "hps",
            description = "Architecture: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--width", defaultValue = "16", description = "Encoder width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--size", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train-samples", defaultValue = "800",
            description = "Training samples (default ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data, initialisation and order.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Data loading threads (default: all processors).")
    int threads;

    @Option(names = "--torch-threads", defaultValue = "0", description = "PyTorch threads (default: the engine's).")
    int torchThreads;

    @Override
    public Integer call() throws Exception {
        GroupingData.torchThreads(torchThreads);
        int th = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        // the test split is not used here; one sample keeps the loader's contract
        new AffinityRun(new AffinityRun.Options(new GroupingData.Options(data, tasks, size, trainSamples, valSamples,
                1, seed, th), groups, every, rate, singletonScore, out, affinity, arch, epochs, width, batchSize,
                learningRate, reference), System.out, System.err).run();
        return 0;
    }
}
