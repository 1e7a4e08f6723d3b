package org.mtl4j.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.examples.data.DataSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mtl taxonomy}: the transfer taxonomy of Zamir et al., "Taskonomy: Disentangling Task Transfer Learning"
 * (CVPR 2018), with AHP normalisation and exact source selection (see {@link TaxonomyRun}).
 */
@Command(name = "taxonomy", mixinStandardHelpOptions = true,
        description = "Train a network per task (sources), a readout on every source's frozen encoder for every other "
                + "task and each task from scratch on a small split (or read --transfers), normalise per target with "
                + "the Analytic Hierarchy Process and choose the tasks to supervise under --budget so the summed "
                + "quality over all targets is largest; prints the chosen source of every target.")
public final class TaxonomyCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "synthetic",
            description = "Data set: " + DataSources.NAMES + " (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--tasks", description = "Comma-separated tasks (default: the data set's default).")
    String tasks;

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

    @Option(names = "--arch", defaultValue = "hps",
            description = "Architecture: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--epochs", defaultValue = "6", description = "Epochs of the source networks (default "
            + "${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--readout-epochs", defaultValue = "6", description = "Epochs of readouts and from-scratch "
            + "networks (default ${DEFAULT-VALUE}).")
    int readoutEpochs;

    @Option(names = "--transfer-samples", defaultValue = "200", description = "Training samples of readouts and "
            + "from-scratch networks (default ${DEFAULT-VALUE}).")
    int transferSamples;

    @Option(names = "--width", defaultValue = "16", description = "Encoder width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--size", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train-samples", defaultValue = "800", description = "Training samples of the sources "
            + "(default ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--test-samples", defaultValue = "200", description = "Test samples the contenders are scored on "
            + "(default ${DEFAULT-VALUE}).")
    int testSamples;

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
        // the validation part is not used; the test part scores the contenders
        new TaxonomyRun(new TaxonomyRun.Options(new GroupingData.Options(data, tasks, size, trainSamples, 1,
                testSamples, seed, th), budget, maxOrder, transfers, costs, out, arch, epochs, readoutEpochs,
                transferSamples, width, batchSize, learningRate), System.out, System.err).run();
        return 0;
    }
}
