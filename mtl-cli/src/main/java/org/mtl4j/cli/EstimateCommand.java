package org.mtl4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mtl4j.runs.GroupingData;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mtl estimate}: estimate the loss of every task in every task subset from far fewer trainings than the full
 * grouping study — sampled higher-order affinity (Li et al., KDD 2023 / TMLR 2023) or Grad-TAE (Li et al., KDD 2024)
 * — or a meta-learned gain predictor with active sampling (MTG-Net, Song et al., NeurIPS 2022) — and write the table
 * {@code mtl group} solves (see {@link EstimateRun}).
 */
@Command(name = "estimate", mixinStandardHelpOptions = true,
        description = {"Estimate every task's loss in every task subset without training them all, write the table "
                + "in the layout mtl group reads (splits val and test, both estimates) and choose the networks per "
                + "budget.",
            "--method sampled: train the single-task networks and --subsets random subsets of --subset-size tasks "
                + "(resumable, --spark distributes them), fit L(S,t) ≈ b_t + Σ_j θ_tj (ridge) or average the losses "
                + "of the subsets holding each pair, and complete every subset.",
            "--method grad-tae: train one network on all tasks, project per-sample loss gradients of the shared "
                + "parameters to --projection-dim dimensions and fit the linearised objective of every subset; its "
                + "implied parameters give each task's loss without training.",
            "--method meta: train the single-task and the all-task networks, then --subsets rounds in which a small "
                + "transformer fitted on the gains so far, g(S,t) = 1 − L(S,t)/L({t},t), picks the next subset to "
                + "train (resumable, --spark distributes them); it completes every subset at the end."})
public final class EstimateCommand implements Callable<Integer> {

    @Mixin
    RecipeOptions recipe = new RecipeOptions();

    @Mixin
    GroupingRecipeOptions grouping = new GroupingRecipeOptions();

    @Option(names = "--method", defaultValue = "sampled",
            description = "sampled (higher-order affinity from random subsets), grad-tae or meta (learned gain predictor "
                    + "with active sampling) (default ${DEFAULT-VALUE}).")
    String method;

    @Option(names = "--subset-size", defaultValue = "3",
            description = "--method sampled: tasks per sampled subset (default ${DEFAULT-VALUE}).")
    int subsetSize;

    @Option(names = "--subsets", defaultValue = "5",
            description = "--method sampled: number of distinct subsets to train; --method meta: number of actively "
                    + "chosen subsets (default ${DEFAULT-VALUE}).")
    int subsets;

    @Option(names = "--predictor-width", defaultValue = "32",
            description = "--method meta: width of the gain predictor (default ${DEFAULT-VALUE}).")
    int predictorWidth;

    @Option(names = "--predictor-epochs", defaultValue = "2000",
            description = "--method meta: most epochs of each predictor fit (default ${DEFAULT-VALUE}).")
    int predictorEpochs;

    @Option(names = "--surrogate", defaultValue = "ridge",
            description = "--method sampled: ridge (linear in the partners, TMLR 2023) or average (KDD 2023) "
                    + "(default ${DEFAULT-VALUE}).")
    String surrogate;

    @Option(names = "--halves", description = "--method sampled: also train the half-size single-task networks "
            + "(cost 0.5), as mtl study does.")
    boolean halves;

    @Option(names = "--ridge", description = "Ridge weight: of the partner terms (sampled, default 1e-3) or "
            + "relative to the mean curvature (grad-tae, default 1).")
    Double ridge;

    @Option(names = "--projection-dim", defaultValue = "200",
            description = "--method grad-tae: projected gradient dimension d (default ${DEFAULT-VALUE}).")
    int projectionDim;

    @Option(names = "--evaluation", defaultValue = "linearised",
            description = "--method grad-tae: linearised (the fitted linear model on each split's gradients) or network "
                    + "(the network at the implied parameters; needs a larger --ridge) (default ${DEFAULT-VALUE}).")
    String evaluation;

    @Option(names = "--max-samples", defaultValue = "0",
            description = "--method grad-tae: training samples per task whose gradients are used, 0 for all "
                    + "(default ${DEFAULT-VALUE}).")
    int maxSamples;

    @Option(names = "--budgets", defaultValue = "1,2,...,5",
            description = "Budgets in full networks, a list or a range 'a,b,...,c' (default ${DEFAULT-VALUE}).")
    String budgets;

    @Option(names = "--out", defaultValue = "runs/estimate", description = "Output folder (default ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--candidates", description = "--method sampled: folder of finished networks, shared with "
            + "mtl study (default <out>/candidates); also --method meta.")
    Path candidates;

    @Option(names = "--reference", description = "Losses CSV of a fully trained study (mtl study --approx none) to "
            + "score the chosen networks on.")
    Path reference;

    @Option(names = "--val-samples", defaultValue = "200",
            description = "Validation samples, for the val estimates (default ${DEFAULT-VALUE}).")
    int valSamples;

    @Option(names = "--test-samples", defaultValue = "200",
            description = "Test samples, for the test estimates (default ${DEFAULT-VALUE}).")
    int testSamples;

    @Option(names = "--no-progress", description = "Print one line per network instead of a progress bar.")
    boolean noProgress;

    @Option(names = "--spark", paramLabel = "MASTER", description = "--method sampled or meta: train the networks as Apache "
            + "Spark tasks on this master; needs the mtl-spark module (mtl-spark/bin/mtl-spark).")
    String spark;

    @Override
    public Integer call() throws Exception {
        GroupingRecipeOptions.torchThreads(grouping.torchThreads);
        RecipeOptions r = recipe;
        new EstimateRun(new EstimateRun.Options(new GroupingData.Options(r.data, r.tasks, r.size, r.trainSamples,
                valSamples, testSamples, grouping.seed, r.loadingThreads()), method, subsetSize, subsets, surrogate,
                halves, ridge, projectionDim, evaluation, maxSamples, predictorWidth, predictorEpochs, budgets, out, candidates, grouping.arch,
                grouping.epochs, r.width, r.batchSize, r.learningRate, !noProgress, reference, spark), System.out, System.err).run();
        return 0;
    }
}
