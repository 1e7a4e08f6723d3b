package org.mtl4j.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.losses.Weightings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code mtl} command-line program. {@code mtl train} trains a multi-task network on the embedded synthetic
 * scenes, compares it with single-task baselines and writes {@code results.json} and loss curves.
 *
 * <p>Errors in the user's input end the program with a one-line message and exit status 2 (1 for other failures);
 * {@code --debug} adds the stack trace.
 */
@Command(name = "mtl", mixinStandardHelpOptions = true, versionProvider = MtlCommand.Version.class,
        description = "Multi-task learning on the JVM (mtl4j).", subcommands = {MtlCommand.Train.class, MtlCommand.Group.class, StudyCommand.class, AffinityCommand.class,
            EstimateCommand.class, TransferGainsCommand.class, CompareGroupingCommand.class, TaxonomyCommand.class, SweepCommand.class, CheckNativesCommand.class, PredictCommand.class})
public final class MtlCommand implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    /**
     * Runs the program and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    /**
     * Runs the program.
     *
     * @param out standard output
     * @param err standard error
     * @param args the arguments
     * @return the exit status
     */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        setIfAbsent("java.awt.headless", "true");
        // with --spark: Spark's start-up warnings about the host name and Hadoop's native library are noise here
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.spark.util.Utils", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.hadoop.util.NativeCodeLoader", "error");
        MtlCommand root = new MtlCommand();
        CommandLine cl = new CommandLine(root);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            boolean userError = ex instanceof IllegalArgumentException || ex instanceof IllegalStateException
                    || ex instanceof java.io.IOException || ex instanceof java.io.UncheckedIOException
                    || ex instanceof org.mtl4j.core.training.NonFiniteLossException;
            err.println("mtl: error: " + ex.getMessage());
            if (root.debug) {
                ex.printStackTrace(err);
            } else {
                err.println("(run with --debug for the stack trace)");
            }
            return userError ? 2 : 1;
        });
        return cl.execute(args);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** Prints the library version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"mtl4j " + RunProvenance.libraryVersion()};
        }
    }

    /** {@code mtl train}. */
    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Train a multi-task network and compare it with single-task baselines.")
    static final class Train implements Callable<Integer> {

        @CommandLine.ParentCommand
        MtlCommand parent;

        @CommandLine.Mixin
        RecipeOptions recipe = new RecipeOptions();

        @Option(names = "--arch", defaultValue = "hps",
                description = "Architecture: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
        String arch;

        @Option(names = "--weighting", defaultValue = "equal",
                description = "Loss weighting: " + Weightings.NAMES + " (default ${DEFAULT-VALUE}).")
        String weighting;

        @Option(names = "--gradient-mode", defaultValue = "auto",
                description = "Per-task gradients for gradient-based weightings: auto (default), parameters or "
                        + "representation.")
        String gradientMode;

        @Option(names = "--epochs", defaultValue = "8", description = "Epochs (default ${DEFAULT-VALUE}).")
        int epochs;

        @Option(names = "--monitor", description = "Record, per step, the weights the strategy applied and (in the "
                + "gradient modes) the cosine similarities and conflicts of the task gradients: per-epoch summaries in "
                + "results.json, every step in monitor.csv, plots weights.png and cosines_epoch_N.png.")
        boolean monitor;

        @Option(names = "--out", defaultValue = "runs/train", description = "Output folder (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--val-samples", defaultValue = "200",
                description = "Validation scenes (default ${DEFAULT-VALUE}).")
        int valSamples;

        @Option(names = "--seed", defaultValue = "42", description = "Seed of scenes, initialisation and order.")
        long seed;

        @Option(names = "--no-baselines", description = "Skip the single-task baselines (and Δm).")
        boolean noBaselines;

        @Option(names = "--baseline-cache", description = "Folder of cached single-task baselines "
                + "(default: ~/.cache/mtl4j/baselines).")
        Path baselineCache;

        @Option(names = "--no-progress", description = "Do not draw progress bars.")
        boolean noProgress;

        @Option(names = "--resume", paramLabel = "DIR", description = "Continue the interrupted run whose --out "
                + "folder is DIR from its last checkpoint, with the options it was started with (DIR/run.json); on "
                + "CPU the remaining epochs reproduce the uninterrupted run's losses exactly.")
        Path resume;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** Options that may accompany --resume: they do not change what is computed. */
        private static final java.util.Set<String> RESUME_COMPATIBLE = java.util.Set.of("--resume", "--threads",
                "--baseline-cache", "--no-progress", "--debug");

        @Override
        public Integer call() throws Exception {
            Path cache = baselineCache != null ? baselineCache
                    : Path.of(System.getProperty("user.home"), ".cache", "mtl4j", "baselines");
            int th = recipe.loadingThreads();
            if (resume != null) {
                for (CommandLine.Model.OptionSpec matched : spec.commandLine().getParseResult().matchedOptions()) {
                    if (!RESUME_COMPATIBLE.contains(matched.longestName())) {
                        throw new IllegalArgumentException(matched.longestName() + " cannot be combined with --resume: "
                                + "a resumed run keeps the options it was started with (" + resume.resolve(
                                        TrainRun.RUN_FILE) + ")");
                    }
                }
                TrainRun.resume(resume, th, cache, !noProgress, System.out, System.err).run();
                return 0;
            }
            RecipeOptions r = recipe;
            TrainOptions o = new TrainOptions(r.data, r.tasks, arch, weighting, epochs, out, r.size, r.trainSamples,
                    valSamples, r.batchSize, r.learningRate, r.width, seed, th, !noBaselines, cache, !noProgress,
                    gradientMode, monitor);
            new TrainRun(o, System.out, System.err).run();
            return 0;
        }
    }

    /** {@code mtl group}. */
    @Command(name = "group", mixinStandardHelpOptions = true,
            description = "Choose which tasks to learn together under inference budgets (Standley et al., ICML 2020), "
                    + "from a table of measured losses.")
    static final class Group implements Callable<Integer> {

        @Option(names = "--losses",
                description = "CSV of measured losses (the layout of Standley's tables: setting,split,tasks,"
                        + "network_size,cost,<one loss column per task>).")
        Path losses;

        @Option(names = "--affinity", description = "Instead of losses: a task-affinity matrix (affinity.csv of mtl "
                + "affinity, or of the transfer gains of mtl compare-grouping); prints the best 1 … --groups groups "
                + "(Fifty et al.'s selection).")
        Path affinity;

        @Option(names = "--groups", defaultValue = "3",
                description = "With --affinity: the most groups (default ${DEFAULT-VALUE}).")
        int groups;

        @Option(names = "--select", defaultValue = "val", split = ",",
                description = "Losses to select on: val, esa, hoa, or several separated by commas (default val).")
        java.util.List<String> select;

        @Option(names = "--report", defaultValue = "test", description = "Split to report on (default test).")
        String report;

        @Option(names = "--budgets", defaultValue = "1,1.5,2,...,5",
                description = "Budgets, a list or a range 'a,b,...,c' (default ${DEFAULT-VALUE}).")
        String budgets;

        @Option(names = "--out", description = "Write the selections as CSV to this file (and a PNG plot beside it).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if ((losses == null) == (affinity == null)) {
                throw new IllegalArgumentException("give either --losses FILE or --affinity FILE");
            }
            if (affinity != null) {
                GroupRun.fromAffinity(affinity, groups, System.out);
                return 0;
            }
            GroupRun.run(losses, select, report, budgets, out, System.out);
            return 0;
        }
    }
}
