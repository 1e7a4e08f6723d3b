package org.mtl4j.examples.data;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Locale;
import org.mtl4j.core.task.Task;

/**
 * The data sets of the {@code mtl} program, by specification: {@code synthetic} (the embedded scenes, rendered on
 * the spot).
 */
public final class DataSources {

    /** The specifications {@link #byName(String)} accepts. */
    public static final String NAMES = "synthetic";

    private DataSources() {}

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
        throw new IllegalArgumentException("unknown data set '" + spec + "'; available: " + NAMES);
    }

    /** @return the embedded synthetic scenes */
    public static DataSource synthetic() {
        return new DataSource() {
            @Override
            public String spec() {
                return "synthetic";
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
