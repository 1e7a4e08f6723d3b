package org.mtl4j.runs;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.hash.Hashing;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One training of a sweep (architecture × weighting × seed) as a unit of work: a value that names everything the
 * training depends on, so that it can run in this process or be serialised to a cluster worker, and so that
 * {@link #id()} names its result file and a restarted sweep reuses exactly the runs that still apply.
 *
 * @param data the data set specification ({@code synthetic}, {@code multifashion:<dir>}, ...)
 * @param tasks the comma-separated task letters, empty for the data set's default
 * @param size the image size (synthetic scenes)
 * @param trainSamples training samples
 * @param valSamples validation samples
 * @param dataSeed the seed of the data (scenes), the same for every run of a sweep
 * @param arch the architecture's name
 * @param weighting the weighting strategy's name
 * @param gradientMode auto, parameters or representation
 * @param seed the seed of initialisation, data order and dropout
 * @param epochs epochs
 * @param batchSize batch size
 * @param learningRate Adam learning rate
 * @param width encoder width
 */
public record SweepSpec(String data, String tasks, int size, int trainSamples, int valSamples, long dataSeed,
        String arch, String weighting, String gradientMode, long seed, int epochs, int batchSize, float learningRate,
        int width) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Validates the components; the message names the bad one. */
    public SweepSpec {
        checkNotNull(data, "data");
        tasks = tasks == null ? "" : tasks;
        checkNotNull(arch, "arch");
        checkNotNull(weighting, "weighting");
        checkNotNull(gradientMode, "gradientMode");
        checkArgument(size > 0, "size must be positive, got %s", size);
        checkArgument(trainSamples > 0, "train samples must be positive, got %s", trainSamples);
        checkArgument(valSamples > 0, "validation samples must be positive, got %s", valSamples);
        checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
        checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
        checkArgument(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be positive, got %s",
                learningRate);
        checkArgument(width > 0, "width must be positive, got %s", width);
    }

    /** @return the run's short name, for example {@code hps/uw/seed=1} */
    public String name() {
        return arch + "/" + weighting + (gradientMode.equals("auto") ? "" : "@" + gradientMode) + "/seed=" + seed;
    }

    /** @return the first 16 hex digits of the SHA-256 of every component */
    public String id() {
        String canonical = String.join("|", "data=" + data, "tasks=" + tasks, "size=" + size, "train=" + trainSamples,
                "val=" + valSamples, "dataSeed=" + dataSeed, "arch=" + arch, "weighting=" + weighting,
                "mode=" + gradientMode, "seed=" + seed, "epochs=" + epochs, "batch=" + batchSize,
                "lr=" + learningRate, "width=" + width);
        return Hashing.sha256().hashString(canonical, StandardCharsets.UTF_8).toString().substring(0, 16);
    }

    /** @return the result file's name, for example {@code hps-uw-s1-0123456789abcdef.json} */
    public String fileName() {
        String safe = (arch + "-" + weighting).replaceAll("[^A-Za-z0-9_-]", "_");
        return String.format(Locale.ROOT, "%s-s%d-%s.json", safe, seed, id());
    }

    /** @return the part of the spec that fixes the data (runs with equal keys share one loaded data set) */
    public String dataKey() {
        return String.join("|", data, tasks, Integer.toString(size), Integer.toString(trainSamples),
                Integer.toString(valSamples), Long.toString(dataSeed));
    }
}
