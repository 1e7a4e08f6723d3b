package org.mtl4j.core;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.inference.ImageTranslator;
import org.mtl4j.core.inference.TaskPrediction;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.ModelManifest;
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
    private final Architecture architecture;
    private final EncoderFactory encoder;
    private final Optional<InputNormalization> normalization;

    MultiTaskModel(Model model, TrainingBlock block, ImmutableList<Task> tasks, LossWeighting weighting,
            TrainingSettings settings, Shape inputShape, Architecture architecture, EncoderFactory encoder,
            Optional<InputNormalization> normalization) {
        this.model = model;
        this.block = block;
        this.tasks = tasks;
        this.weighting = weighting;
        this.settings = settings;
        this.inputShape = inputShape;
        this.architecture = architecture;
        this.encoder = encoder;
        this.normalization = normalization;
    }

    /**
     * Loads a model saved with {@link #save(Path)}, in any JVM: the network is rebuilt from {@code model.json} alone
     * (its architecture and encoder through the {@link org.mtl4j.core.model.ModelComponents} on the class path, its
     * tasks from their recipes) and its parameters are read from {@code parameters.ckpt}. The balancing strategy is
     * not part of a saved model: the loaded one trains with equal weights unless rebuilt.
     *
     * @param dir the folder
     * @return the model, on the default device
     * @throws IOException naming the file and the field or parameter when the folder is not a complete saved model
     */
    public static MultiTaskModel load(Path dir) throws IOException {
        return SavedModels.load(dir, Map.of(), Optional.empty());
    }

    /**
     * Loads a saved model on a device, with tasks that were built with their own loss and metrics.
     *
     * @param dir the folder
     * @param tasks tasks by name, for those without a recipe (others may be given too, to override the recipe)
     * @param device the device
     * @return the model
     * @throws IOException naming the file and the field or parameter when the folder is not a complete saved model
     */
    public static MultiTaskModel load(Path dir, Map<String, Task> tasks, Device device) throws IOException {
        return SavedModels.load(dir, tasks, Optional.of(device));
    }

    /**
     * Reads a saved model's manifest without loading it.
     *
     * @param dir the folder
     * @return the manifest
     * @throws IOException naming the file and the field when it is missing or malformed
     */
    public static ModelManifest manifest(Path dir) throws IOException {
        return SavedModels.readManifest(dir);
    }

    /**
     * Saves the network as a self-describing folder: {@code model.json} (tasks, input shape, encoder, architecture and
     * their options, the strategy it was trained with, the input normalisation, versions) and {@code parameters.ckpt}.
     * Each file is written atomically, the manifest last.
     *
     * @param dir the folder (created when missing)
     * @throws IOException when a file cannot be written
     */
    public void save(Path dir) throws IOException {
        SavedModels.save(this, dir, Map.of());
    }

    /**
     * Saves the network as {@link #save(Path)} does, with the saving program's own facts in the manifest's
     * {@code metadata} (read back with {@link #manifest(Path)}).
     *
     * @param dir the folder (created when missing)
     * @param metadata key → value pairs
     * @throws IOException when a file cannot be written
     */
    public void save(Path dir, Map<String, String> metadata) throws IOException {
        SavedModels.save(this, dir, metadata);
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
        return architecture.name();
    }

    /** @return the architecture's spec, with its options */
    public String architectureSpec() {
        return architecture.spec();
    }

    /** @return the encoder's description */
    public String encoder() {
        return encoder.describe();
    }

    /** @return the encoder's spec */
    public String encoderSpec() {
        return encoder.spec();
    }

    /** @return how the training data normalised raw inputs, if the builder was told */
    public Optional<InputNormalization> normalization() {
        return normalization;
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
     * A DJL predictor from an image to every task's prediction ({@link ImageTranslator}): the image is converted to
     * the model's channels and input size and normalised with {@link #normalization()} (raw values when the model
     * has none). {@code predictor.batchPredict(images)} predicts many at once. Close the predictor after use.
     *
     * @return the predictor
     * @throws IllegalArgumentException when the model does not take 1- or 3-channel images
     */
    public Predictor<Image, ImmutableMap<String, TaskPrediction>> newPredictor() {
        return model.newPredictor(new ImageTranslator(tasks, inputShape,
                normalization.orElse(InputNormalization.NONE)));
    }

    /**
     * Saves the model (and the strategy's learnable weights) atomically, with the given training state.
     *
     * @param file the checkpoint file
     * @param state the state to record
     * @throws IOException when writing fails (a previous file at that path stays intact)
     */
    public void saveCheckpoint(Path file, CheckpointState state) throws IOException {
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
    public CheckpointState loadCheckpoint(Path file) throws IOException {
        return Checkpoints.load(file, block, model.getNDManager());
    }

    /** Closes the network and frees the strategy's native state (the K×D buffers of MoCo, DB-MTL or ExcessMTL). */
    @Override
    public void close() {
        try {
            model.close();
        } finally {
            if (weighting instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing weighting " + weighting.name() + ": " + e.getMessage(),
                            e);
                }
            }
        }
    }
}
