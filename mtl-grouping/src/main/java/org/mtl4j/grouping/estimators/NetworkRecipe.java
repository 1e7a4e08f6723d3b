package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.LossesCsv;

/**
 * How every network of a grouping estimate is trained, and the {@link CandidateSpec} of one task subset under it —
 * the very spec {@link GroupingStudy} gives the same subset, so estimators and the study share one candidate folder.
 *
 * @param description what the data is ({@link org.mtl4j.grouping.study.StudyData#describe()}); part of every spec
 * @param tasks the tasks, in column order (unique)
 * @param architecture the architecture's name, as the executor's architecture reports it
 * @param width the encoder width of a full-size network
 * @param epochs the epochs of every training
 * @param batchSize the batch size
 * @param learningRate the Adam learning rate
 * @param seed the training seed shared by every network
 */
public record NetworkRecipe(String description, ImmutableList<String> tasks, String architecture, int width,
        int epochs, int batchSize, float learningRate, long seed) {

    /**
     * Validates.
     *
     * @throws IllegalArgumentException naming a repeated task or a non-positive number
     */
    public NetworkRecipe {
        checkNotNull(description, "data description");
        checkNotNull(tasks, "tasks");
        checkArgument(new HashSet<>(tasks).size() == tasks.size(), "a task is listed twice in %s", tasks);
        checkNotNull(architecture, "architecture");
        checkArgument(width > 0, "width must be positive, got %s", width);
        checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
        checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
        checkArgument(learningRate > 0 && Float.isFinite(learningRate), "learning rate must be positive, got %s",
                learningRate);
    }

    /**
     * The recipe with mtl4j's study defaults: {@code hps}, width 16, 6 epochs, batch 16, Adam 2·10⁻³, seed 42.
     *
     * @param description what the data is
     * @param tasks the tasks
     * @return the recipe
     */
    public static NetworkRecipe of(String description, List<String> tasks) {
        return new NetworkRecipe(description, ImmutableList.copyOf(tasks), "hps", 16, 6, 16, 2e-3f, 42);
    }

    /**
     * The spec of the full-size network of a subset.
     *
     * @param members the subset's tasks, in any order
     * @return the spec, its tasks in column order, cost 1
     */
    public CandidateSpec spec(Collection<String> members) {
        List<String> ordered = tasks.stream().filter(members::contains).toList();
        checkArgument(ordered.size() == members.size(), "%s names a task outside %s", members, tasks);
        return new CandidateSpec(description, LossesCsv.networkName(tasks, ordered, false), ordered, false, 1.0,
                architecture, width, epochs, batchSize, learningRate, seed);
    }
}
