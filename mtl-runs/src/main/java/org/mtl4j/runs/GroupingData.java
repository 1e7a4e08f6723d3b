package org.mtl4j.runs;

import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.MultiTask;
import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.grouping.study.StudyData;

/**
 * Loads the data of {@code mtl study}, {@code mtl affinity} and {@code mtl taxonomy}: a data source's training split,
 * and its validation split cut into a validation part (selection) and a test part (report) — for the synthetic scenes
 * these are disjoint ranges of rendered scenes.
 */
public final class GroupingData {

    private GroupingData() {}

    /**
     * The settings shared by the grouping commands.
     *
     * @param data the data source specification
     * @param tasks the comma-separated tasks, or null for the source's default
     * @param size the image size
     * @param trainSamples training samples
     * @param valSamples validation samples
     * @param testSamples test samples
     * @param seed the seed
     * @param threads loading threads
     */
    public record Options(String data, String tasks, int size, int trainSamples, int valSamples, int testSamples,
            long seed, int threads) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Loads the study data.
     *
     * @param o the settings
     * @param log where the loading line goes
     * @return the data
     * @throws IOException when a file of the data source is missing
     */
    public static StudyData load(Options o, PrintStream log) throws IOException {
        checkArgument(o.trainSamples() > 0, "--train-samples must be positive, got %s", o.trainSamples());
        checkArgument(o.valSamples() > 0, "--val-samples must be positive, got %s", o.valSamples());
        checkArgument(o.testSamples() > 0, "--test-samples must be positive, got %s", o.testSamples());
        checkArgument(o.threads() > 0, "--threads must be positive, got %s", o.threads());
        checkArgument(o.size() >= 8, "--size must be at least 8 pixels, got %s", o.size());
        DataSource source = DataSources.byName(o.data());
        ImmutableList<String> letters = DataSources.tasks(source, o.tasks());
        ImmutableList<Task> tasks = letters.stream().map(source::task).collect(ImmutableList.toImmutableList());
        long t0 = System.nanoTime();
        DataSource.Splits splits = source.load(letters, new DataSource.Options(o.size(), o.trainSamples(),
                o.valSamples() + o.testSamples(), o.seed(), o.threads()));
        RandomAccessDataset held = splits.validation();
        checkArgument(held.size() >= 2, "data set %s has %s held-out samples; at least 2 are needed to split them into "
                + "validation and test", o.data(), held.size());
        int val = o.valSamples();
        int test = o.testSamples();
        if (held.size() < (long) val + test) { // a real data set with fewer held-out samples: split in proportion
            val = (int) Math.max(1, Math.min(held.size() - 1, held.size() * val / (val + test)));
            test = (int) (held.size() - val);
        }
        RandomAccessDataset validation = held.subDataset(0, val);
        RandomAccessDataset testSplit = held.subDataset(val, val + test);
        String description = String.format(Locale.ROOT, "%s tasks=%s input=%s train=%d val=%d test=%d seed=%d",
                source.spec(), String.join(",", letters), splits.inputShape(), splits.train().size(), val, test,
                o.seed());
        log.printf(Locale.ROOT, "%s; held-out split cut into %d validation and %d test samples (%.1f s)%n",
                splits.description(), val, test, (System.nanoTime() - t0) / 1e9);
        return StudyData.of(tasks, splits.train(), validation, testSplit, splits.inputShape(), description);
    }

    /**
     * The encoder design of a width for an input shape: the small ResNet for images, an MLP for vectors (as
     * {@code mtl train}).
     *
     * @param input one input's shape
     * @return width → encoder
     */
    public static IntFunction<EncoderFactory> encoders(Shape input) {
        return w -> Encoders.forInput(input, w);
    }

    /**
     * The task names of a study's data, in order.
     *
     * @param data the data
     * @return the names
     */
    public static List<String> names(StudyData data) {
        return data.tasks().stream().map(Task::name).toList();
    }

    /**
     * One network on all of the data's tasks with the grouping recipe — what {@code mtl affinity}, {@code mtl
     * transfer-gains} and Grad-TAE train once — trained with Adam for a number of epochs.
     *
     * @param data the data (its input shape and tasks)
     * @param arch the architecture
     * @param width the encoder width
     * @param epochs training epochs
     * @param batchSize the batch size
     * @param learningRate the Adam learning rate
     * @param seed the seed of initialisation and order
     * @param progress whether the training draws a progress bar and prints epochs
     * @return the untrained model; the caller closes it
     */
    public static MultiTaskModel jointModel(StudyData data, Architecture arch, int width, int epochs, int batchSize,
            float learningRate, long seed, boolean progress) {
        TrainingSettings settings = TrainingSettings.builder().epochs(epochs).batchSize(batchSize)
                .learningRate(learningRate).seed(seed).progressBar(progress).verbose(progress).build();
        return MultiTask.builder().input(data.inputShape().getShape()).encoder(encoders(data.inputShape())
                .apply(width)).sharing(arch).tasks(data.tasks()).settings(settings).build();
    }
}
