package org.mtl4j.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.examples.data.DataSources;
import org.mtl4j.examples.sweep.InProcessSweepExecutor;
import org.mtl4j.examples.sweep.SweepRun;
import org.mtl4j.losses.Weightings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mtl sweep}: one training per architecture × weighting × seed, in this process or on Spark. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Train one network per architecture x weighting x seed and write one table of every run "
                + "(results.csv) and of the mean and spread over seeds (summary.csv). Finished runs are kept in "
                + "<out>/runs and skipped on restart; with --spark each run is its own Spark task."})
public final class SweepCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "synthetic",
            description = "Data set: " + DataSources.NAMES + " (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--tasks", description = "Comma-separated tasks (default: the data set's default).")
    String tasks;

    @Option(names = "--archs", defaultValue = "hps",
            description = "Architectures, comma-separated: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
    String archs;

    @Option(names = "--weightings", defaultValue = "equal,uw,dwa",
            description = "Weightings, comma-separated: " + Weightings.NAMES + " (default ${DEFAULT-VALUE}).")
    String weightings;

    @Option(names = "--seeds", defaultValue = "1,2,3", description = "Training seeds (default ${DEFAULT-VALUE}).")
    String seeds;

    @Option(names = "--gradient-mode", defaultValue = "auto",
            description = "auto (default), parameters or representation.")
    String gradientMode;

    @Option(names = "--epochs", defaultValue = "8", description = "Epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--size", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train-samples", defaultValue = "800",
            description = "Training samples (default ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--data-seed", defaultValue = "42", description = "Seed of the data (default ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--width", defaultValue = "16", description = "Encoder width (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--out", defaultValue = "runs/sweep", description = "Sweep folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--threads", defaultValue = "0", description = "Data loading threads (default: all processors).")
    int threads;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run every training as an Apache Spark task on "
            + "this master (local[2], spark://host:7077, yarn, ...); needs the mtl-spark module "
            + "(mtl-spark/bin/mtl-spark).")
    String spark;

    @Override
    public Integer call() throws Exception {
        int th = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        SweepRun run = new SweepRun(new SweepRun.Options(data, tasks, size, trainSamples, valSamples, dataSeed, archs,
                weightings, gradientMode, seeds, epochs, batchSize, learningRate, width, out), System.out);
        run.specs(); // every name is checked before anything starts
        if (spark == null) {
            run.run(new InProcessSweepExecutor(th));
            return 0;
        }
        try (ClusterBackend cluster = ClusterBackend.open("spark", spark)) {
            System.out.println("runs on " + cluster.describe());
            run.run(cluster.sweepExecutor());
        }
        return 0;
    }
}
