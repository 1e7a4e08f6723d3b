package org.mtl4j.datasets;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.Task;

/**
 * A data set the {@code mtl} program can train on: its task definitions, its default task set, and its training and
 * validation splits in the mtl4j layout ({@code data = [input]}, {@code labels = [label_1, …, label_K, presence]}).
 * Obtain one with {@link DataSources#byName(String)}.
 */
public interface DataSource {

    /** @return the specification it was created from, for example {@code synthetic} or {@code nyuv2:/data/nyu} */
    String spec();

    /** @return the task names used when the user names none */
    ImmutableList<String> defaultTasks();

    /**
     * Returns the definition of one task.
     *
     * @param name the task name
     * @return the task
     * @throws IllegalArgumentException naming the task and the available ones
     */
    Task task(String name);

    /**
     * Loads (or renders) the splits.
     *
     * @param tasks the tasks, in output order
     * @param options sizes, seed and threads
     * @return the splits
     * @throws IOException when a file is missing or unreadable (the message names it)
     */
    Splits load(List<String> tasks, Options options) throws IOException;

    /**
     * How the source turns raw 8-bit pixel values into network inputs, so that a saved model can do the same to an
     * image at inference ({@code mtl predict}).
     *
     * @return the normalisation, or empty when the inputs are not images of 8-bit pixels
     */
    default Optional<InputNormalization> normalization() {
        return Optional.empty();
    }

    /**
     * Settings shared by the data sources; a source ignores what does not apply to it.
     *
     * @param size the image size in pixels (synthetic scenes, resizing of real images)
     * @param trainSamples the training samples at most (0 = all)
     * @param valSamples the validation samples at most (0 = all)
     * @param seed the seed
     * @param threads worker threads
     */
    record Options(int size, int trainSamples, int valSamples, long seed, int threads) {}

    /**
     * The loaded splits.
     *
     * @param train the training split
     * @param validation the validation split
     * @param inputShape one input's shape
     * @param description a one-line description for logs
     */
    record Splits(RandomAccessDataset train, RandomAccessDataset validation, Shape inputShape, String description) {}
}
