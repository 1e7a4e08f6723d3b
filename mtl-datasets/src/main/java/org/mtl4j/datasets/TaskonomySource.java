package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
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
 * Taskonomy for {@code mtl train --data taskonomy:<root>} (or {@code taskonomy+aug:<root>} for Standley's random
 * left-right flips of the training images): the {@link TaskonomyDataset} splits of Standley et al. (ICML 2020) —
 * training on every view of the buildings listed in {@code <root>/train_models.txt}, validation on the first 1000
 * sorted views of each building in {@code <root>/val_models.txt} (his {@code train_models.txt} and
 * {@code val_models.txt}; other lists can be named with the system properties {@value #TRAIN_LIST_PROPERTY} and
 * {@value #VAL_LIST_PROPERTY}) — at {@code --size} × {@code --size} pixels (Standley: 256), at most
 * {@code --train-samples} and {@code --val-samples} views, evenly spaced (0 = all). Tasks are the letters of
 * {@link TaskonomyTask}; the default is {@code s,d,n,k,e}.
 */
public final class TaskonomySource implements DataSource {

    /** The system property naming the training building list. */
    public static final String TRAIN_LIST_PROPERTY = "mtl4j.taskonomy.train-buildings";

    /** The system property naming the validation building list. */
    public static final String VAL_LIST_PROPERTY = "mtl4j.taskonomy.val-buildings";

    private final Path root;
    private final boolean augment;

    /**
     * Creates the source.
     *
     * @param root the Taskonomy root
     * @param augment whether to flip training views at random
     */
    public TaskonomySource(Path root, boolean augment) {
        this.root = root;
        this.augment = augment;
    }

    @Override
    public String spec() {
        return (augment ? "taskonomy+aug:" : "taskonomy:") + root;
    }

    @Override
    public ImmutableList<String> defaultTasks() {
        return ImmutableList.of("s", "d", "n", "k", "e");
    }

    @Override
    public Task task(String name) {
        return TaskonomyTask.byLetter(name).task();
    }

    @Override
    public Splits load(List<String> tasks, Options options) throws IOException {
        checkArgument(options.size() > 0, "image size must be positive, got %s", options.size());
        List<TaskonomyTask> list = tasks.stream().map(TaskonomyTask::byLetter).toList();
        Path trainList = list(TRAIN_LIST_PROPERTY, "train_models.txt");
        Path valList = list(VAL_LIST_PROPERTY, "val_models.txt");
        TaskonomyDataset train = TaskonomyDataset.builder(root).tasks(list)
                .buildings(TaskonomyDataset.readBuildingList(trainList)).imageSize(options.size())
                .maxSamples(options.trainSamples()).augment(augment, options.seed()).build();
        TaskonomyDataset val = TaskonomyDataset.builder(root).tasks(list)
                .buildings(TaskonomyDataset.readBuildingList(valList))
                .filesPerBuilding(0, TaskonomyDataset.VALIDATION_FILES_PER_BUILDING).imageSize(options.size())
                .maxSamples(options.valSamples()).build();
        return new Splits(train, val, new Shape(3, options.size(), options.size()), String.format(Locale.ROOT,
                "Taskonomy (%s layout) at %s: %d training views, %d validation views, %dx%d%s", train.layout()
                        .name().toLowerCase(Locale.ROOT), root, train.size(), val.size(), options.size(),
                options.size(), augment ? ", random flips" : ""));
    }

    private Path list(String property, String name) {
        String p = System.getProperty(property);
        return p != null && !p.isBlank() ? Path.of(p) : root.resolve(name);
    }

    /** Pixels divided by 255, as the loader does. */
    @Override
    public Optional<InputNormalization> normalization() {
        return Optional.of(InputNormalization.bytes(new float[] {0f}, new float[] {1f}));
    }
}
