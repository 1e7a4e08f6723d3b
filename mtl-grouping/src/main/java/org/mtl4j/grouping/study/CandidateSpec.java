package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.hash.Hashing;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;

/**
 * One candidate network of a task-grouping study as a unit of work: everything needed to train it and nothing else,
 * so that one candidate is one job for any {@link CandidateExecutor} (in this process, or on a cluster where the
 * spec is serialised to a worker). Standley et al., "Which Tasks Should Be Learned Together in Multi-task
 * Learning?" (ICML 2020) train one such network per task subset (and a half-size one per task); its validation and
 * test losses become one row per split of the losses table.
 *
 * <p>The spec is a value: two specs are equal when they describe the same training, and {@link #id()} — a hash of
 * every component — names its result file, so a study that is restarted, or re-run with a changed recipe, reuses
 * exactly the results that still apply.
 *
 * @param study what the data is (data set, resolution, sample counts, seed), from {@link StudyData#describe()}
 * @param name the network's name in the losses table: its tasks in study order ({@code sdn}, or
 *     {@code depth&normal} for longer task names), with {@code (half)} appended for a half-size network
 * @param tasks the tasks it is trained on, in study order
 * @param half whether the encoder is the half-size one
 * @param cost the inference cost in full single-task networks (1, or 0.5 for a half-size network)
 * @param architecture the architecture's name (for the record; the executor supplies the architecture)
 * @param width the encoder width passed to the executor's encoder design
 * @param epochs training epochs
 * @param batchSize batch size
 * @param learningRate base learning rate
 * @param seed seed of initialisation and data order
 */
public record CandidateSpec(String study, String name, List<String> tasks, boolean half, double cost,
        String architecture, int width, int epochs, int batchSize, float learningRate, long seed)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException naming the bad component
     */
    public CandidateSpec {
        checkNotNull(study, "study");
        checkNotNull(name, "name");
        checkArgument(!name.isBlank(), "candidate name must not be blank");
        tasks = ImmutableList.copyOf(checkNotNull(tasks, "candidate %s: tasks", name));
        checkArgument(!tasks.isEmpty(), "candidate %s: no tasks", name);
        checkArgument(new HashSet<>(tasks).size() == tasks.size(), "candidate %s: repeated task in %s", name, tasks);
        checkArgument(!half || tasks.size() == 1, "candidate %s: only single-task networks come in half size", name);
        checkArgument(Double.isFinite(cost) && cost >= 0, "candidate %s: cost must be non-negative, got %s", name,
                cost);
        checkNotNull(architecture, "candidate %s: architecture", name);
        checkArgument(width > 0, "candidate %s: width must be positive, got %s", name, width);
        checkArgument(epochs > 0, "candidate %s: epochs must be positive, got %s", name, epochs);
        checkArgument(batchSize > 0, "candidate %s: batch size must be positive, got %s", name, batchSize);
        checkArgument(learningRate > 0 && Float.isFinite(learningRate),
                "candidate %s: learning rate must be positive, got %s", name, learningRate);
    }

    /**
     * A stable identifier of this training: the first 16 hex digits of the SHA-256 of every component.
     *
     * @return the identifier
     */
    public String id() {
        String canonical = String.join("|", "study=" + study, "name=" + name, "tasks=" + String.join(",", tasks),
                "half=" + half, "cost=" + cost, "arch=" + architecture, "width=" + width, "epochs=" + epochs,
                "batch=" + batchSize, "lr=" + learningRate, "seed=" + seed);
        return Hashing.sha256().hashString(canonical, StandardCharsets.UTF_8).toString().substring(0, 16);
    }

    /**
     * The result file's name: the network name with every character other than letters, digits, {@code -} and
     * {@code _} replaced, the epochs and {@link #id()}, e.g. {@code sdn-e6-0123456789abcdef.json}.
     *
     * @return the file name
     */
    public String fileName() {
        String safe = name.replace("(half)", "-half").replaceAll("[^A-Za-z0-9_-]", "_");
        return String.format(Locale.ROOT, "%s-e%d-%s.json", safe, epochs, id());
    }

    /**
     * The same network trained for another number of epochs.
     *
     * @param newEpochs the epochs
     * @return the spec
     */
    public CandidateSpec withEpochs(int newEpochs) {
        return new CandidateSpec(study, name, tasks, half, cost, architecture, width, newEpochs, batchSize,
                learningRate, seed);
    }
}
