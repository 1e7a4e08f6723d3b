package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
            "Defaults (five tasks: 36 networks of 6 epochs on 800 scenes at 64x64) take about 8 minutes on 2 "
                + "unloaded cores (measured 8 min 17 s)."})
public final class StudyCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

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

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples, for selection (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--test-samples", defaultValue = "200",
            description = "Test samples, for the report (default ${DEFAULT-VALUE}).")
    int testSamples;

    @Option(names = "--no-progress", description = "Print one line per network instead of a progress bar.")
    boolean noProgress;

    @Option(names = "--spark", paramLabel = "MASTER", description = "Train the candidates as Apache Spark tasks on "
            + "this master (local[2], spark://host:7077, yarn, ...); needs the mtl-spark module "
            + "(mtl-spark/bin/mtl-spark).")
    String spark;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        new StudyRun(new StudyRun.Options(new GroupingData.Options(r.data, r.tasks, r.size, r.trainSamples,
                valSamples, testSamples, grouping.seed, r.loadingThreads()), approx, fraction, budgets, out,
                candidates, grouping.arch, grouping.epochs, r.width, r.batchSize, r.learningRate, !noProgress,
                reference, spark), System.out, System.err).run();
        return 0;
    }
}
