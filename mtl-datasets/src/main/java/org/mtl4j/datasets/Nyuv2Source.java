package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.Task;
import org.mtl4j.datasets.DataSource;

/**
 * NYUv2 for {@code mtl train --data nyuv2:<root>} (or {@code nyuv2+aug:<root>} for mtan's random scale-crop and flip
 * of the training images): {@link Nyuv2Dataset} on {@code <root>/train} and {@code <root>/val}, tasks {@code s, d, n}
 * (the default, all three) scored with LibMTL's nine metrics. {@code --size} is the output height; the width keeps
 * the stored 3:4 aspect ratio ({@code --size 288} trains at the stored 288 × 384, as LibMTL does). At most
 * {@code --train-samples} and {@code --val-samples} images, evenly spaced (0 = all 795 and 654).
 */
public final class Nyuv2Source implements DataSource {

    private final Path root;
    private final boolean augment;

    /**
     * Creates the source.
     *
     * @param root the folder holding {@code train/} and {@code val/}
     * @param augment whether to augment the training images
     */
    public Nyuv2Source(Path root, boolean augment) {
        this.root = root;
        this.augment = augment;
    }

    @Override
    public String spec() {
        return (augment ? "nyuv2+aug:" : "nyuv2:") + root;
    }

    @Override
    public ImmutableList<String> defaultTasks() {
        return Nyuv2Dataset.TASKS;
    }

    @Override
    public Task task(String name) {
        return Nyuv2Dataset.task(name);
    }

    @Override
    public Splits load(List<String> tasks, Options options) throws IOException {
        checkArgument(options.size() >= 0, "image size must not be negative, got %s", options.size());
        Nyuv2Dataset train = Nyuv2Dataset.builder(root).split("train").tasks(tasks).height(options.size())
                .maxSamples(options.trainSamples()).augment(augment, options.seed()).build();
        Nyuv2Dataset val = Nyuv2Dataset.builder(root).split("val").tasks(tasks).height(options.size())
                .maxSamples(options.valSamples()).build();
        checkArgument(train.inputShape().equals(val.inputShape()),
                "train and val images differ in size: %s vs %s", train.inputShape(), val.inputShape());
        return new Splits(train, val, train.inputShape(), String.format(Locale.ROOT,
                "NYUv2 (mtan/LibMTL .npy) at %s: %d of %d training and %d of %d validation images, input %s%s", root,
                train.size(), train.splitSize(), val.size(), val.splitSize(), train.inputShape(),
                augment ? ", random scale-crop and flip" : ""));
    }

    /** Pixels divided by 255, as the loader does. */
    @Override
    public Optional<InputNormalization> normalization() {
        return Optional.of(InputNormalization.bytes(new float[] {0f}, new float[] {1f}));
    }
}
