package org.mtl4j.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.examples.data.DataSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mtl study}: the grouping study of Standley et al., "Which Tasks Should Be Learned Together in Multi-task
 * Learning?" (ICML 2020), end to end and resumable (see {@link StudyRun} and
 * {@link org.mtl4j.grouping.study.GroupingStudy}).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = {"Train every candidate network (all task subsets and half-size single-task networks; or "
                + "singles and pairs with --approx hoa; or early-stopped with --approx esa), write the losses in the "
                + "layout mtl group reads, choose the networks per budget, train the chosen ones fully and report "
                + "them against one all-in-one and independent single-task networks. Resumable: finished networks "
                + "are kept in <out>/candidates and skipped on restart.",
            "Defaults (five tasks: 36 networks of 6 epochs on 800 scenes at 64x64) took 15 CPU-minutes with one "
                + "torch thread (45 min wall on a shared, heavily loaded 2-core machine)."})
public final class StudyCommand implements Callable<Integer> {

    @Option(names = "--data", defaultValue = "synthetic",
            description = "Data set: " + DataSources.NAMES + " (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--tasks", description = "Comma-separated tasks (default: the data set's default; synthetic: "
            + "s,d,n,k,e).")
    String tasks;

    @Option(names = "--approx", defaultValue = "none",
            description = "none (train all subsets fully), hoa (singles and pairs) or esa (early-stopped candidates); "
                    + "default ${DEFAULT-VALUE}.")
    String approx;

    @Option(names = "--fraction", defaultValue = "0.2",
            description = "With --approx esa: fraction of the epochs a candidate trains (default ${DEFAULT-VALUE}).")
    double fraction;

    @Option(names = "--budgets", defaultValue = "1,1.5,2,...,5",
            description = "Budgets in full single-task networks, a list or a range 'a,b,...,c' "
                    + "(default ${DEFAULT-VALUE}).")
    String budgets;

    @Option(names = "--out", defaultValue = "runs/study", description = "Study folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--candidates", description = "Folder of finished networks shared between studies "
            + "(default <out>/candidates).")
    Path candidates;

    @Option(names = "--reference", description = "Losses CSV of a fully trained study (--approx none) to score "
            + "the chosen networks on: how well this study predicted the full-training choice.")
    Path reference;

    @Option(names = "--arch", defaultValue = "hps",
            description = "Architecture: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--epochs", defaultValue = "6",
            description = "Epochs of a full training (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--width", defaultValue = "16",
            description = "Encoder width of a full network; half-size networks use width/√2 "
                    + "(default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--size", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train-samples", defaultValue = "800",
            description = "Training samples (default ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples, for selection (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--test-samples", defaultValue = "200",
            description = "Test samples, for the report (default ${DEFAULT-VALUE}).")
    int testSamples;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data, initialisation and order.")
    long seed;

    @Option(names = "--threads", defaultValue = "0", description = "Data loading threads (default: all processors).")
    int threads;

    @Option(names = "--torch-threads", defaultValue = "0",
            description = "PyTorch threads (default: the engine's; 1 is fastest on a busy machine).")
    int torchThreads;

    @Option(names = "--no-progress", description = "Print one line per network instead of a progress bar.")
    boolean noProgress;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train the candidates as Apache Spark tasks on "
            + "this master (local[2], spark://host:7077, yarn, ...); needs the mtl-spark module "
            + "(mtl-spark/bin/mtl-spark).")
    String spark;

    @Override
    public Integer call() throws Exception {
        GroupingData.torchThreads(torchThreads);
        int th = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        new StudyRun(new StudyRun.Options(new GroupingData.Options(data, tasks, size, trainSamples, valSamples,
                testSamples, seed, th), approx, fraction, budgets, out, candidates, arch, epochs, width, batchSize,
                learningRate, !noProgress, reference, spark), System.out, System.err).run();
        return 0;
    }
}
