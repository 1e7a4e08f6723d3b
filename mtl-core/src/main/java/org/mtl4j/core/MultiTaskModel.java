package org.mtl4j.core;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Path;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.mtl4j.core.training.TrainingBlock;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * A built, initialised multi-task model with its tasks, balancing strategy and training recipe: train it
 * ({@link #fit}), evaluate it ({@link #evaluate}), predict ({@link #predict}), save and load checkpoints. Made by
 * {@link MultiTask#builder()}. Owns native memory: close it.
 */
public final class MultiTaskModel implements AutoCloseable {

    private final Model model;
    private final TrainingBlock block;
    private final ImmutableList<Task> tasks;
    private final LossWeighting weighting;
    private final TrainingSettings settings;
    private final Shape inputShape;
    private final String architecture;
    private final String encoder;

    MultiTaskModel(Model model, TrainingBlock block, ImmutableList<Task> tasks, LossWeighting weighting,
            TrainingSettings settings, Shape inputShape, String architecture, String encoder) {
        this.model = model;
        this.block = block;
        this.tasks = tasks;
        this.weighting = weighting;
        this.settings = settings;
        this.inputShape = inputShape;
        this.architecture = architecture;
        this.encoder = encoder;
    }

    /** @return the tasks in output order */
    public ImmutableList<Task> tasks() {
        return tasks;
    }

    /** @return the multi-task network */
    public MultiTaskBlock network() {
        return block.network();
    }

    /** @return the trained block (network plus the strategy's learnable weights) */
    public TrainingBlock trainingBlock() {
        return block;
    }

    /** @return the balancing strategy */
    public LossWeighting weighting() {
        return weighting;
    }

    /** @return the training recipe */
    public TrainingSettings settings() {
        return settings;
    }

    /** @return one sample's input shape */
    public Shape inputShape() {
        return inputShape;
    }

    /** @return the architecture's name */
    public String architecture() {
        return architecture;
    }

    /** @return the encoder's description */
    public String encoder() {
        return encoder;
    }

    /** @return the device the model lives on */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** @return the underlying DJL model */
    public Model djlModel() {
        return model;
    }

    /**
     * Returns a trainer for this model, to set checkpoints, baselines, listeners or a resume point before
     * {@link MultiTaskTrainer#fit}.
     *
     * @return a new trainer
     */
    public MultiTaskTrainer trainer() {
        return new MultiTaskTrainer(model, block, tasks, weighting, settings, inputShape);
    }

    /**
     * Trains with the model's settings.
     *
     * @param train the training data
     * @param validation the validation data, or null
     * @return the history
     */
    public TrainingHistory fit(RandomAccessDataset train, RandomAccessDataset validation) {
        return trainer().fit(train, validation);
    }

    /**
     * Trains with one input data set per task, with the model's settings ({@link MultiTaskTrainer#fit(MultiInput,
     * MultiInput)}).
     *
     * @param train every task's training data
     * @param validation every task's validation data, or null
     * @return the history
     */
    public TrainingHistory fit(MultiInput train, MultiInput validation) {
        return trainer().fit(train, validation);
    }

    /**
     * Evaluates every task's loss and metrics over a data set.
     *
     * @param dataset the data
     * @return the results
     */
    public EvaluationResult evaluate(RandomAccessDataset dataset) {
        return Evaluator.evaluate(block.network(), tasks, dataset, settings.batchSize(), model.getNDManager());
    }

    /**
     * Predicts every task for a batch of inputs (inference mode). The predictions belong to the input's manager.
     *
     * @param input a batch {@code (N, ...)} of inputs
     * @return one prediction per task
     */
    public NDList predict(NDArray input) {
        return block.network().forward(new ParameterStore(input.getManager(), false), new NDList(input), false);
    }

    /**
     * Saves the model (and the strategy's learnable weights) atomically, with the given training state.
     *
     * @param file the checkpoint file
     * @param state the state to record
     * @throws IOException when writing fails (a previous file at that path stays intact)
     */
    public void save(Path file, CheckpointState state) throws IOException {
        Checkpoints.save(file, block, state);
    }

    /**
     * Loads a checkpoint written for a model of the same structure.
     *
     * @param file the checkpoint file
     * @return the training state stored with it
     * @throws IOException when the file is missing, corrupt, or does not fit this model (the message says which
     *     parameter)
     */
    public CheckpointState load(Path file) throws IOException {
        return Checkpoints.load(file, block, model.getNDManager());
    }

    @Override
    public void close() {
        model.close();
    }
}
