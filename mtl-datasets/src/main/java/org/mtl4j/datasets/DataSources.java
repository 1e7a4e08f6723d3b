package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.Task;
import org.mtl4j.datasets.MultiItemSource;
import org.mtl4j.datasets.Nyuv2Source;
import org.mtl4j.datasets.TaskonomySource;

/**
 * The data sets of the {@code mtl} program, by specification: {@code synthetic} (the embedded scenes, rendered on
 * the spot); {@code taskonomy:<root>} and {@code taskonomy+aug:<root>} (Taskonomy as Standley et al. train it, see
 * {@link org.mtl4j.datasets.TaskonomySource}); {@code nyuv2:<root>} and {@code nyuv2+aug:<root>} (the
 * mtan/LibMTL NYUv2 {@code .npy} files, see {@link org.mtl4j.datasets.Nyuv2Source});
 * {@code multifashion[:<dir>]} and {@code multimnist[:<path>]} (Sener and Koltun's two-item images, see
 * {@link org.mtl4j.datasets.MultiItemSource}).
 */
public final class DataSources {

    /** The specifications {@link #byName(String)} accepts. */
    public static final String NAMES = "synthetic, taskonomy[+aug]:<root>, nyuv2[+aug]:<root>, multifashion[:<dir>], "
            + "multimnist[:<path>]";

    private DataSources() {}

    /**
     * The tasks a command trains on a source: the source's default when {@code spec} is null or blank, else the
     * comma-separated names in {@code spec}, each at most once.
     *
     * @param source the data source
     * @param spec the {@code --tasks} value, or null
     * @return the task names, in order
     * @throws IllegalArgumentException naming a task listed twice, or when {@code spec} names none
     */
    public static ImmutableList<String> tasks(DataSource source, String spec) {
        if (spec == null || spec.isBlank()) {
            return source.defaultTasks();
        }
        java.util.Set<String> seen = new java.util.LinkedHashSet<>();
        for (String s : com.google.common.base.Splitter.on(',').trimResults().omitEmptyStrings().split(spec)) {
            checkArgument(seen.add(s), "task '%s' is listed twice", s);
        }
        checkArgument(!seen.isEmpty(), "no tasks given in --tasks '%s'", spec);
        return ImmutableList.copyOf(seen);
    }

    /**
     * Returns a data source by its specification.
     *
     * @param spec the specification
     * @return the source
     * @throws IllegalArgumentException naming the unknown specification and the available ones
     */
    public static DataSource byName(String spec) {
        checkArgument(spec != null && !spec.isBlank(), "no data set given; available: %s", NAMES);
        if (spec.equals("synthetic")) {
            return synthetic();
        }
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? null : spec.substring(colon + 1);
        switch (name) {
            case "taskonomy":
            case "taskonomy+aug":
                return new TaskonomySource(path(name, arg, true), name.endsWith("+aug"));
            case "nyuv2":
            case "nyuv2+aug":
                return new Nyuv2Source(path(name, arg, true), name.endsWith("+aug"));
            case "multifashion":
                return MultiItemSource.multiFashion(path(name, arg, false));
            case "multimnist":
                return MultiItemSource.multiMnist(path(name, arg, false));
            default:
                break;
        }
        throw new IllegalArgumentException("unknown data set '" + spec + "'; available: " + NAMES);
    }

    private static Path path(String name, String arg, boolean required) {
        if (arg == null || arg.isBlank()) {
            checkArgument(!required, "data set '%s' needs a folder: write %s:<folder>", name, name);
            return null;
        }
        return Path.of(arg);
    }

    /** @return the embedded synthetic scenes */
    public static DataSource synthetic() {
        return new DataSource() {
            @Override
            public String spec() {
                return "synthetic";
            }

            @Override
            public Optional<InputNormalization> normalization() {
                return Optional.of(InputNormalization.bytes(new float[] {0f}, new float[] {1f})); // colours in [0, 1]
            }

            @Override
            public ImmutableList<String> defaultTasks() {
                return ImmutableList.of("s", "d", "n", "k", "e");
            }

            @Override
            public Task task(String name) {
                return SyntheticScenes.task(name);
            }

            @Override
            public Splits load(List<String> tasks, Options o) {
                checkArgument(o.trainSamples() > 0, "train samples must be positive, got %s", o.trainSamples());
                checkArgument(o.valSamples() > 0, "validation samples must be positive, got %s", o.valSamples());
                return new Splits(SyntheticScenes.render(tasks, o.size(), o.seed(), 0, o.trainSamples(), o.threads()),
                        SyntheticScenes.render(tasks, o.size(), o.seed(), 1_000_000_000L, o.valSamples(),
                                o.threads()),
                        new Shape(3, o.size(), o.size()), String.format(Locale.ROOT,
                                "%d + %d synthetic scenes at %dx%d", o.trainSamples(), o.valSamples(), o.size(),
                                o.size()));
            }
        };
    }
}
