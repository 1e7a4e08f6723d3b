package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import com.google.common.collect.ImmutableList;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.engine.EngineNumerics;
import org.mtl4j.core.evaluation.DeltaM;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.monitor.GradientMonitor;
import org.mtl4j.core.monitor.GradientObserver;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientModes;
import org.mtl4j.core.weighting.LossWeighting;

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
 * strategy computed for them ({@link org.mtl4j.core.weighting.CombinedGradient#learnableGradients()}), and after the optimiser step
 * re-evaluates the batch without gradients ({@link LossWeighting#reevaluatesAfterStep()}) before calling
 * {@link LossWeighting#afterStep}, and before the step's forward pass runs a bilevel strategy's meta step on the
 * batch and a validation batch ({@link LossWeighting#metaStep}), restoring the parameters exactly afterwards. Memory
 * stays flat: each batch owns a sub-manager that every activation, loss and gradient copy of the step attaches to,
 * closed at the end of the step.
 *
 * <p>Two data layouts share the loop: one data set whose samples carry every task's label (with a presence mask), or
 * {@link MultiInput} data, one data set per task, drawn in per-task batches every step ({@link #fit(MultiInput,
 * MultiInput)}). Checkpoints and the console are listeners of the epoch loop ({@code CheckpointWriter},
 * {@code EpochConsole}); a step is a {@code TrainingStep}; a gradient mode is a {@code GradientPath}.
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
    private final RunState state;
    private final TrainingStep step;
    private final TaskLossCalculator lossCalculator;
    private final int networkOutputs;
    private Path checkpointDirectory;
    private Map<String, ? extends Map<String, Double>> baseline;
    /** Where the per-epoch lines go; null: the SLF4J logger at INFO (a library does not print). */
    private PrintStream out;
    private PrintStream progress = System.err;
    private OptimizerState resumeOptimizer = OptimizerState.NONE;

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
        this.state = new RunState(taskNames, settings);
        this.step = new TrainingStep(block, taskNames, weighting, settings, state);
        this.lossCalculator = new TaskLossCalculator(tasks, block.network().deepSupervision());
        this.networkOutputs = tasks.size() + block.network().deepSupervision().size();
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
     * Reports every later optimiser step to the observers: the weights the strategy applied and, in the gradient
     * modes, the cosine similarities of the task gradients ({@link GradientMonitor} keeps per-epoch summaries).
     * Without observers nothing of this is computed.
     *
     * @param observers the observers
     * @return this trainer
     */
    public MultiTaskTrainer observeGradients(GradientObserver... observers) {
        step.observe(List.of(observers));
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
        this.state.restore(state);
        weighting.restoreState(state.weightingState());
        this.resumeOptimizer = state.optimizerState();
        return this;
    }

    /**
     * Trains on one data set whose samples carry every task's label.
     *
     * @param train the training data, labels {@code [label_1, …, label_K, presence (K)]}
     * @param validation the validation data, or null to skip validation; a strategy with a meta step
     *     ({@link LossWeighting#needsMetaStep()}) also draws one batch of it per step, cycled in a seeded order of
     *     its own, and needs it
     * @return the history of this run (epochs before a resume point are not repeated)
     * @throws IllegalArgumentException when the strategy needs a meta step and no validation data is given
     */
    public TrainingHistory fit(RandomAccessDataset train, RandomAccessDataset validation) {
        checkArgument(validation == null || validation.size() > 0, "the validation data set is empty");
        return run(new SingleInputSource(train, settings,
                b -> new InputBatch(b, tasks, lossCalculator, networkOutputs)),
                validation == null ? null : manager -> Evaluator.evaluate(block.network(), tasks, validation,
                        settings.batchSize(), manager),
                validation == null ? null : () -> new SingleInputSource(validation, MetaBatches.settings(settings),
                        b -> new InputBatch(b, tasks, lossCalculator, networkOutputs)));
    }

    /**
     * Trains with one input data set per task ({@link MultiInput}): each step draws a batch from every task's data
     * set, sized by the sampling rule, and task t's loss comes from the network's pass over task t's batch. The
     * gradient mode must not be {@link GradientMode#REPRESENTATION}: with one input per task there is no one shared
     * representation to differentiate.
     *
     * @param train every task's training data
     * @param validation every task's validation data, or null to skip validation (a strategy with a meta step draws
     *     its validation batches from it, and needs it)
     * @return the history of this run
     * @throws IllegalArgumentException naming the tasks without data, or the gradient mode, or the strategy that
     *     needs validation data for its meta step
     */
    public TrainingHistory fit(MultiInput train, MultiInput validation) {
        checkArgument(settings.gradientMode() != GradientMode.REPRESENTATION, "multi-input training cannot run in "
                + "gradient mode representation (weighting '%s'): each task has its own input, so there is no "
                + "shared representation; build the model with gradientMode(PARAMETERS)", weighting.name());
        if (validation != null) {
            MultiInputSource.checkCovers(validation, tasks);
        }
        return run(new MultiInputSource(train, tasks, settings, lossCalculator, networkOutputs),
                validation == null ? null : manager -> MultiInputSource.evaluate(block.network(), tasks, validation,
                        settings.batchSize(), manager),
                validation == null ? null : () -> new MultiInputSource(validation, tasks,
                        MetaBatches.settings(settings), lossCalculator, networkOutputs));
    }

    /**
     * Trains epoch after epoch.
     *
     * @param source the training steps
     * @param validation the per-epoch evaluation, or null
     * @param metaSource the validation data as steps, for a strategy's meta step, or null without validation data
     */
    private TrainingHistory run(InputSource source, Function<NDManager, EvaluationResult> validation,
            Supplier<InputSource> metaSource) {
        checkArgument(!weighting.needsMetaStep() || metaSource != null, "weighting '%s' needs validation data for "
                + "its meta step: pass a validation set to fit()", weighting.name());
        long stepsPerEpoch = source.stepsPerEpoch();
        List<EpochRecord> records = new ArrayList<>();
        EpochConsole console = settings.verbose() ? new EpochConsole(settings.epochs(), out) : null;
        CheckpointWriter checkpoints = checkpointDirectory == null ? null
                : new CheckpointWriter(checkpointDirectory, block);
        try (NDManager optimizerManager = model.getNDManager().newSubManager()) {
            CheckpointableOptimizer optimizer = CheckpointableOptimizer.of(settings, stepsPerEpoch, state.step(),
                    block.parameterNamesById(), optimizerManager).restore(resumeOptimizer);
            for (TrainingListener l : listeners) {
                if (l instanceof OptimizerAware aware) {
                    aware.optimizerCreated(optimizer);
                }
            }
            DefaultTrainingConfig config = new DefaultTrainingConfig(new MultiTaskLoss(tasks))
                    .optOptimizer(optimizer)
                    .optDevices(new Device[] {model.getNDManager().getDevice()});
            listeners.forEach(config::addTrainingListeners);
            try (Trainer trainer = model.newTrainer(config);
                    MetaBatches meta = weighting.needsMetaStep() ? new MetaBatches(metaSource.get(),
                            trainer.getManager(), settings.learningRateTracker(stepsPerEpoch),
                            state.epochsCompleted() * stepsPerEpoch) : null) {
                trainer.initialize(TrainingBlock.singleSampleBatch(inputShape));
                trainer.notifyListeners(l -> l.onTrainingBegin(trainer));
                for (int epoch = state.epochsCompleted(); epoch < settings.epochs(); epoch++) {
                    // seeded per epoch (dropout and other engine randomness), so a run resumed at any epoch
                    // boundary draws what the uninterrupted run drew
                    Engine.getInstance().setRandomSeed((int) (settings.seed() ^ (settings.seed() >>> 32)) + epoch);
                    EpochRecord record = runEpoch(trainer, source, validation, epoch, stepsPerEpoch, meta);
                    records.add(record);
                    if (console != null) {
                        console.epochEnded(record);
                    }
                    trainer.notifyListeners(l -> l.onEpoch(trainer));
                    if (checkpoints != null) {
                        checkpoints.epochEnded(state.checkpoint(epoch, weighting, optimizer.export()),
                                state.bestEpoch() == epoch);
                    }
                }
                trainer.notifyListeners(l -> l.onTrainingEnd(trainer));
            }
        }
        return new TrainingHistory(ImmutableList.copyOf(records), state.bestEpoch(), state.bestScore());
    }

    private EpochRecord runEpoch(Trainer trainer, InputSource source, Function<NDManager, EvaluationResult> validation,
            int epoch, long stepsPerEpoch, MetaBatches meta) {
        long startNanos = System.nanoTime();
        EpochTally tally = new EpochTally(taskNames);
        ProgressBar bar = settings.progressBar() && (progress != System.err || System.console() != null)
                ? new ProgressBar(progress, String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, settings.epochs()),
                        stepsPerEpoch)
                : null;
        long done = 0;
        try (NDManager epochManager = trainer.getManager().newSubManager()) {
            for (Iterator<StepBatch> it = source.epoch(epochManager, epoch); it.hasNext();) {
                try (StepBatch batch = it.next()) {
                    step.run(trainer, batch, epoch, meta).ifPresentOrElse(tally::add, tally::skip);
                }
                done++;
                if (bar != null) {
                    bar.update(done, tally.runningLoss());
                }
            }
        }
        if (bar != null) {
            bar.finish();
        }
        state.epochDone(tally.meanLosses());
        weighting.onEpochEnd(state.context(epoch));
        Optional<EvaluationResult> val = Optional.empty();
        long validationStart = System.nanoTime();
        if (validation != null) {
            EvaluationResult result = validation.apply(trainer.getManager());
            val = Optional.of(result);
            state.offer(epoch, baseline != null ? DeltaM.deltaP(tasks, result.metricTable(), baseline)
                    : -result.totalLoss());
        }
        long end = System.nanoTime();
        return new EpochRecord(epoch, tally.trainLoss(), tally.meanWeights(), val, tally.skipped(),
                (end - startNanos) / 1e9, validation == null ? 0 : (end - validationStart) / 1e9);
    }

    /** @return the global step reached */
    public long step() {
        return state.step();
    }

    /** @return the number of completed epochs */
    public int epochsCompleted() {
        return state.epochsCompleted();
    }
}
