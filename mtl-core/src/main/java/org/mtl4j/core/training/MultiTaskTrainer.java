package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.translate.TranslateException;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.engine.EngineNumerics;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.evaluation.DeltaM;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;
import org.mtl4j.core.task.TaskMetric;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientModes;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.MetricSample;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * The multi-task training loop, written once: epochs of seeded mini-batches, one forward pass per batch, the task
 * losses (masked by label presence), the balancing strategy's hook, the backward pass in the strategy's gradient
 * mode, optional gradient clipping, the optimiser step; then per-epoch validation, history, DJL
 * {@link TrainingListener} callbacks and atomic checkpoints ({@code last.ckpt} every epoch, {@code best.ckpt} on a
 * new best epoch).
 *
 * <p>The strategy fills in one hook ({@link org.mtl4j.core.weighting.LossBasedWeighting#weightLosses} or
 * {@link org.mtl4j.core.weighting.GradientBasedWeighting#combineGradients});
 * everything else lives here. For strategies that ask for it the loop also measures each task's primary metric on
 * the batch ({@link LossWeighting#usesTrainingMetrics()}), gives learnable weights the gradient a gradient-based
 * strategy computed for them ({@link CombinedGradient#learnableGradients()}), and after the optimiser step
 * re-evaluates the batch without gradients ({@link LossWeighting#reevaluatesAfterStep()}) before calling
 * {@link LossWeighting#afterStep}. Memory stays flat: each batch owns a sub-manager that every activation, loss and
 * gradient copy of the step attaches to, closed at the end of the step.
 *
 * <p>A trainer is single-use per {@link #fit}; DJL allows one open gradient collector per JVM, so never run two
 * trainers in parallel threads.
 */
public final class MultiTaskTrainer {


    /** File name of the checkpoint written after every epoch. */
    public static final String LAST_CHECKPOINT = "last.ckpt";
    /** File name of the checkpoint of the best epoch. */
    public static final String BEST_CHECKPOINT = "best.ckpt";

    private final Model model;
    private final TrainingBlock block;
    private final ImmutableList<Task> tasks;
    private final ImmutableList<String> taskNames;
    private final LossWeighting weighting;
    private final TrainingSettings settings;
    private final Shape inputShape;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private Path checkpointDirectory;
    private Map<String, ? extends Map<String, Double>> baseline;
    /** Where the per-epoch lines go; null: the SLF4J logger at INFO (a library does not print). */
    private PrintStream out;
    private PrintStream progress = System.err;

    private int startEpoch;
    private OptimizerState resumeOptimizer = OptimizerState.NONE;
    private CheckpointableOptimizer optimizer;
    private long step;
    private final List<ImmutableList<Double>> lossHistory = new ArrayList<>();
    private int bestEpoch = -1;
    private double bestScore = Double.NEGATIVE_INFINITY;
    private final GradientPath path;
    private final TaskLossCalculator lossCalculator;

    /**
     * Creates a trainer.
     *
     * @param model the DJL model whose block is {@code block} (initialised)
     * @param block the block to train
     * @param tasks the tasks in output order
     * @param weighting the balancing strategy
     * @param settings the recipe
     * @param inputShape one sample's input shape, without the batch axis
     */
    public MultiTaskTrainer(Model model, TrainingBlock block, ImmutableList<Task> tasks, LossWeighting weighting,
            TrainingSettings settings, Shape inputShape) {
        checkArgument(model.getBlock() == block, "the model's block must be the training block");
        EngineNumerics.configure();
        this.model = model;
        this.block = block;
        this.tasks = tasks;
        this.taskNames = tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
        this.weighting = weighting;
        this.settings = settings;
        this.inputShape = inputShape;
        GradientMode mode = settings.gradientMode();
        checkArgument(GradientModes.decide(mode, weighting, block.network(),
                block.network().getClass().getSimpleName()) == mode,
                "gradient mode %s is not decided for weighting '%s': build the model with MultiTask.builder()",
                mode, weighting.name());
        this.path = GradientPath.of(mode, block.network());
        this.lossCalculator = new TaskLossCalculator(tasks, block.network().deepSupervision());
    }

    /**
     * Adds DJL training listeners; they receive {@code onTrainingBegin}, {@code onTrainingBatch}, {@code onEpoch}
     * and {@code onTrainingEnd}.
     *
     * @param more the listeners
     * @return this trainer
     */
    public MultiTaskTrainer addListeners(TrainingListener... more) {
        Collections.addAll(listeners, more);
        return this;
    }

    /**
     * Writes {@code last.ckpt} after every epoch and {@code best.ckpt} on every new best epoch into {@code dir}.
     *
     * @param dir the folder
     * @return this trainer
     */
    public MultiTaskTrainer checkpointDirectory(Path dir) {
        this.checkpointDirectory = dir;
        return this;
    }

    /**
     * Sets the single-task baselines (task → metric → value); the best epoch is then the one with the highest Δp.
     *
     * @param singleTask the baseline metrics
     * @return this trainer
     */
    public MultiTaskTrainer baseline(Map<String, ? extends Map<String, Double>> singleTask) {
        this.baseline = singleTask;
        return this;
    }

    /**
     * Sends the per-epoch lines and the progress bar to streams (a console program's choice); by default the lines go
     * to the SLF4J logger {@code org.mtl4j.core.training.MultiTaskTrainer} at INFO, and the progress bar to standard
     * error when a console is attached.
     *
     * @param lines where per-epoch results go
     * @param bar where the progress bar goes
     * @return this trainer
     */
    public MultiTaskTrainer output(PrintStream lines, PrintStream bar) {
        this.out = lines;
        this.progress = bar;
        return this;
    }

    /**
     * Continues from a checkpoint's state: epoch count, step, loss history, best epoch and the strategy's state. The
     * parameters must already be loaded into the block.
     *
     * @param state the state read from the checkpoint
     * @return this trainer
     */
    public MultiTaskTrainer resumeFrom(CheckpointState state) {
        checkArgument(state.taskNames().equals(taskNames), "checkpoint tasks %s differ from the model's tasks %s",
                state.taskNames(), taskNames);
        this.startEpoch = state.epochsCompleted();
        this.step = state.step();
        this.lossHistory.clear();
        this.lossHistory.addAll(state.lossHistory());
        this.bestEpoch = state.bestEpoch();
        this.bestScore = state.bestScore();
        weighting.restoreState(state.weightingState());
        this.resumeOptimizer = state.optimizerState();
        return this;
    }

    /**
     * Trains.
     *
     * @param train the training data
     * @param validation the validation data, or null to skip validation
     * @return the history of this run (epochs before a resume point are not repeated)
     */
    public TrainingHistory fit(RandomAccessDataset train, RandomAccessDataset validation) {
        checkArgument(train.size() > 0, "the training data set is empty");
        checkArgument(validation == null || validation.size() > 0, "the validation data set is empty");
        long batchesPerEpoch = (train.size() + settings.batchSize() - 1) / settings.batchSize();
        if (settings.maxBatchesPerEpoch() > 0) {
            batchesPerEpoch = Math.min(batchesPerEpoch, settings.maxBatchesPerEpoch());
        }
        Map<String, String> namesById = new HashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            namesById.put(p.getValue().getId(), p.getKey());
        }
        List<EpochRecord> records = new ArrayList<>();
        EpochConsole console = settings.verbose() ? new EpochConsole(settings.epochs(), out) : null;
        CheckpointWriter checkpoints = checkpointDirectory == null ? null
                : new CheckpointWriter(checkpointDirectory, block);
        try (NDManager optimizerManager = model.getNDManager().newSubManager()) {
            optimizer = CheckpointableOptimizer.of(settings, batchesPerEpoch, step, namesById, optimizerManager)
                    .restore(resumeOptimizer);
            DefaultTrainingConfig config = new DefaultTrainingConfig(new MultiTaskLoss(tasks))
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {model.getNDManager().getDevice()});
            for (TrainingListener l : listeners) {
                config.addTrainingListeners(l);
            }
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(batchShape());
                trainer.notifyListeners(l -> l.onTrainingBegin(trainer));
                for (int epoch = startEpoch; epoch < settings.epochs(); epoch++) {
                    // seeded per epoch (dropout and other engine randomness), so a run resumed at any epoch
                    // boundary draws what the uninterrupted run drew
                    Engine.getInstance().setRandomSeed((int) (settings.seed() ^ (settings.seed() >>> 32)) + epoch);
                    EpochRecord record = runEpoch(trainer, train, validation, epoch, batchesPerEpoch);
                    records.add(record);
                    if (console != null) {
                        console.epochEnded(record);
                    }
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                    if (checkpoints != null) {
                        checkpoints.epochEnded(checkpointState(epoch), bestEpoch == epoch);
                    }
                }
                trainer.notifyListeners(l -> l.onTrainingEnd(trainer));
            }
        } finally {
            optimizer = null;
        }
        return new TrainingHistory(ImmutableList.copyOf(records), bestEpoch, bestScore);
    }

    private Shape batchShape() {
        long[] dims = new long[inputShape.dimension() + 1];
        dims[0] = 1;
        System.arraycopy(inputShape.getShape(), 0, dims, 1, inputShape.dimension());
        return new Shape(dims);
    }

    private EpochRecord runEpoch(Trainer trainer, RandomAccessDataset train, RandomAccessDataset validation,
            int epoch, long batchesPerEpoch) {
        long startNanos = System.nanoTime();
        int k = tasks.size();
        double[] lossSum = new double[k];
        double[] lossCount = new double[k];
        double[] weightSum = new double[k];
        int steps = 0;
        int skipped = 0;
        ProgressBar bar = settings.progressBar() && (progress != System.err || System.console() != null)
                ? new ProgressBar(progress, String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, settings.epochs()),
                        batchesPerEpoch)
                : null;
        long done = 0;
        Iterable<Batch> batches;
        try {
            batches = train.getData(trainer.getManager(),
                    new BatchSampler(new SeededSampler(settings.seed(), epoch), settings.batchSize(), false));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException("could not read the training data: " + e.getMessage(), e);
        }
        for (Batch batch : batches) {
            if (done >= batchesPerEpoch) {
                batch.close();
                break;
            }
            try (batch) {
                StepResult r = trainStep(trainer, batch, epoch);
                if (r == null) {
                    skipped++;
                } else {
                    for (int t = 0; t < k; t++) {
                        if (r.counts[t] > 0) {
                            lossSum[t] += r.losses[t] * r.counts[t];
                            lossCount[t] += r.counts[t];
                        }
                        weightSum[t] += r.weights[t];
                    }
                    steps++;
                }
            }
            done++;
            if (bar != null) {
                bar.update(done, runningLoss(lossSum, lossCount));
            }
        }
        if (bar != null) {
            bar.finish();
        }
        ImmutableList.Builder<Double> means = ImmutableList.builder();
        ImmutableMap.Builder<String, Double> trainLoss = ImmutableMap.builder();
        ImmutableMap.Builder<String, Double> meanWeights = ImmutableMap.builder();
        for (int t = 0; t < k; t++) {
            double mean = lossCount[t] == 0 ? Double.NaN : lossSum[t] / lossCount[t];
            means.add(mean);
            trainLoss.put(taskNames.get(t), mean);
            meanWeights.put(taskNames.get(t), steps == 0 ? Double.NaN : weightSum[t] / steps);
        }
        lossHistory.add(means.build());
        weighting.onEpochEnd(context(epoch));
        Optional<EvaluationResult> val = Optional.empty();
        long validationStart = System.nanoTime();
        if (validation != null) {
            EvaluationResult result = Evaluator.evaluate(block.network(), tasks, validation, settings.batchSize(),
                    trainer.getManager());
            val = Optional.of(result);
            double score = baseline != null ? DeltaM.deltaP(tasks, result.metricTable(), baseline)
                    : -result.totalLoss();
            if (bestEpoch < 0 || score > bestScore) {
                bestScore = score;
                bestEpoch = epoch;
            }
        }
        long end = System.nanoTime();
        double seconds = (end - startNanos) / 1e9;
        double validationSeconds = validation == null ? 0 : (end - validationStart) / 1e9;
        EpochRecord record = new EpochRecord(epoch, trainLoss.build(), meanWeights.build(), val, skipped, seconds,
                validationSeconds);
        return record;
    }

    private static String runningLoss(double[] sum, double[] count) {
        double total = 0;
        for (int i = 0; i < sum.length; i++) {
            total += count[i] == 0 ? 0 : sum[i] / count[i];
        }
        return String.format(Locale.ROOT, "loss %.4f", total);
    }

    private WeightingContext context(int epoch) {
        return context(epoch, null, ImmutableList.of(), ImmutableList.of());
    }

    private WeightingContext context(int epoch, float[] counts, ImmutableList<MetricSample> metrics,
            ImmutableList<GradientSegment> segments) {
        long stepSeed = settings.seed() * 0x9E3779B97F4A7C15L + step;
        ImmutableList.Builder<Integer> labelCounts = ImmutableList.builder();
        if (counts != null) {
            for (float c : counts) {
                labelCounts.add(Math.round(c));
            }
        }
        return new WeightingContext(step, epoch, taskNames, ImmutableList.copyOf(lossHistory), stepSeed,
                settings.gradientMode(), labelCounts.build(), metrics, segments);
    }

    private static final class StepResult {
        final float[] losses;
        final float[] counts;
        final double[] weights;

        StepResult(float[] losses, float[] counts, double[] weights) {
            this.losses = losses;
            this.counts = counts;
            this.weights = weights;
        }
    }

    /** One optimiser step; returns null when the batch was skipped for a non-finite loss. */
    private StepResult trainStep(Trainer trainer, Batch batch, int epoch) {
        int k = tasks.size();
        NDManager stepManager = batch.getManager();
        NDList labels = batch.getLabels();
        Evaluator.checkLabels(labels, tasks);
        NDArray presence = labels.get(k);
        float[] counts = presence.sum(new int[] {0}).toFloatArray();
        MultiTaskBlock network = block.network();
        StepResult result;
        NDList parameters = new NDList();
        NDList learnable;
        WeightingContext ctx;
        float[] values;
        double[] weights;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            path.beforeForward();
            NDList outputs = trainer.forward(batch.getData());
            int networkOutputs = k + network.deepSupervision().size();
            for (int i = networkOutputs; i < outputs.size(); i++) {
                parameters.add(outputs.get(i));
            }
            learnable = stepViews(parameters, stepManager);
            NDList losses = lossCalculator.losses(outputs, labels, true);
            values = new float[k];
            for (int t = 0; t < k; t++) {
                values[t] = losses.get(t).getFloat();
            }
            for (int t = 0; t < k; t++) {
                if (!Float.isFinite(values[t])) {
                    if (settings.nonFinitePolicy() == NonFinitePolicy.STOP) {
                        throw new NonFiniteLossException(taskNames.get(t), values[t], epoch, step);
                    }
                    return null;
                }
            }
            ImmutableList<MetricSample> metrics = weighting.usesTrainingMetrics()
                    ? batchMetrics(outputs, labels, presence, counts) : ImmutableList.of();
            Optional<NDArray> reg = network.regularization(new ai.djl.training.ParameterStore(stepManager, false),
                    true);
            GradientPath.Result done = path.backward(new GradientPath.Step(collector, losses, learnable, reg,
                    weighting, segments -> context(epoch, counts, metrics, segments), stepManager));
            weights = done.weights();
            ctx = done.context();
            result = new StepResult(values, counts, weights);
            trainer.notifyListeners(l -> l.onTrainingBatch(trainer, new TrainingListener.BatchData(batch,
                    Map.of(stepManager.getDevice(), labels), Map.of(stepManager.getDevice(), outputs))));
        }
        if (settings.clipGradientNorm() > 0) {
            clipGradients(settings.clipGradientNorm());
        }
        trainer.step();
        Optional<double[]> after = Optional.empty();
        if (weighting.reevaluatesAfterStep()) {
            // no gradient recorder is open here, so this forward pass builds no graph; training mode as in FAMO
            NDList outputs = trainer.forward(batch.getData());
            NDList again = lossCalculator.losses(outputs, labels, false);
            double[] a = new double[k];
            for (int t = 0; t < k; t++) {
                a[t] = again.get(t).getFloat();
            }
            after = Optional.of(a);
        }
        double[] before = new double[k];
        for (int t = 0; t < k; t++) {
            before[t] = values[t];
        }
        weighting.afterStep(parameters, before, after, ctx);
        step++;
        return result;
    }

    /**
     * Views of the strategy's parameter arrays that belong to the step's manager: they share storage and carry the
     * gradient to the parameters, but whatever a strategy computes from them is freed with the batch (the parameter
     * arrays themselves belong to the model's manager, and so would everything derived from them).
     */
    private static NDList stepViews(NDList parameters, NDManager stepManager) {
        NDList views = new NDList(parameters.size());
        for (NDArray p : parameters) {
            NDArray v = p.reshape(p.getShape());
            v.attach(stepManager);
            views.add(v);
        }
        return views;
    }

    /** Each task's primary metric on this batch (NaN for tasks without labels in it). */
    private ImmutableList<MetricSample> batchMetrics(NDList outputs, NDList labels, NDArray presence,
            float[] counts) {
        ImmutableList.Builder<MetricSample> b = ImmutableList.builder();
        for (int t = 0; t < tasks.size(); t++) {
            TaskMetric metric = tasks.get(t).primaryMetric();
            double value = Double.NaN;
            if (counts[t] > 0) {
                MetricAccumulator acc = metric.newAccumulator();
                acc.update(outputs.get(t).stopGradient(), labels.get(t), presence.get(":, " + t));
                value = acc.value();
            }
            b.add(new MetricSample(metric.name(), value, metric.higherIsBetter()));
        }
        return b.build();
    }

    private void clipGradients(float maxNorm) {
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        double sq = 0;
        for (Parameter p : params) {
            try (NDArray g = p.getArray().getGradient(); NDArray s = g.square().sum()) {
                sq += s.getFloat();
            }
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : params) {
                try (NDArray g = p.getArray().getGradient()) {
                    g.muli(scale);
                }
            }
        }
    }

    private CheckpointState checkpointState(int epoch) {
        return new CheckpointState(epoch + 1, step, taskNames, ImmutableList.copyOf(lossHistory), bestEpoch, bestScore,
                weighting.name(), weighting.state(), settings.describe(), optimizer.export());
    }

    /** @return the global step reached */
    public long step() {
        return step;
    }

    /** @return the number of completed epochs */
    public int epochsCompleted() {
        return lossHistory.size();
    }
}
