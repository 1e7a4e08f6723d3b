package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.losses.Weightings;
import org.mtl4j.runs.ClusterBackend;
import org.mtl4j.runs.InProcessSweepExecutor;
import org.mtl4j.runs.SweepRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mtl sweep}: one training per architecture × weighting × seed, in this process or on Spark. */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Train one network per architecture x weighting x seed and write one table of every run "
                + "(results.csv) and of the mean and spread over seeds (summary.csv). Finished runs are kept in "
                + "<out>/runs and skipped on restart; with --spark each run is its own Spark task."})
public final class SweepCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

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

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--data-seed", defaultValue = "42", description = "Seed of the data (default ${DEFAULT-VALUE}).")
    long dataSeed;

    @Option(names = "--out", defaultValue = "runs/sweep", description = "Sweep folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Run every training as an Apache Spark task on "
            + "this master (local[2], spark://host:7077, yarn, ...); needs the mtl-spark module "
            + "(mtl-spark/bin/mtl-spark).")
    String spark;

    @Override
    public Integer call() throws Exception {
        RecipeOptions r = recipe;
        int th = r.loadingThreads();
        SweepRun run = new SweepRun(new SweepRun.Options(r.data, r.tasks, r.size, r.trainSamples, valSamples, dataSeed,
                archs, weightings, gradientMode, seeds, epochs, r.batchSize, r.learningRate, r.width, out), System.out);
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
