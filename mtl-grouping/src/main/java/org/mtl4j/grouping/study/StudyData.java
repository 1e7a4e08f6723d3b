package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import java.util.HashSet;
import java.util.List;
import org.mtl4j.core.task.Task;

/**
 * The data of a task-grouping study: the task definitions and three splits in the mtl4j layout
 * ({@code data = [input]}, {@code labels = [label_1, …, label_K, presence]}), labelled for every study task in the
 * order of {@link #tasks()}. Candidates train on {@link #train()}; the selection uses the losses on
 * {@link #validation()}; the reported numbers are losses on {@link #test()}, as in Standley et al. (ICML 2020).
 *
 * <p>The grouping module does not know where data comes from: the caller supplies it, for example the synthetic
 * scenes of {@code mtl-examples}. Create one with {@link #of}.
 */
public interface StudyData {

    /** @return the task definitions, in label order */
    ImmutableList<Task> tasks();

    /** @return the training split */
    RandomAccessDataset train();

    /** @return the validation split (selection) */
    RandomAccessDataset validation();

    /** @return the test split (report) */
    RandomAccessDataset test();

    /** @return one input's shape, without the batch axis */
    Shape inputShape();

    /**
     * A one-line description that changes whenever the data changes (data set, resolution, sample counts, seed);
     * it enters every {@link CandidateSpec}, so results of other data are never reused.
     *
     * @return the description
     */
    String describe();

    /**
     * Bundles splits and tasks.
     *
     * @param tasks the tasks, in label order (unique names)
     * @param train the training split
     * @param validation the validation split
     * @param test the test split
     * @param inputShape one input's shape
     * @param description see {@link #describe()}
     * @return the study data
     * @throws IllegalArgumentException on duplicate task names or an empty split
     */
    static StudyData of(List<Task> tasks, RandomAccessDataset train, RandomAccessDataset validation,
            RandomAccessDataset test, Shape inputShape, String description) {
        ImmutableList<Task> t = ImmutableList.copyOf(checkNotNull(tasks, "tasks"));
        checkArgument(!t.isEmpty(), "a study needs at least one task");
        checkArgument(new HashSet<>(t.stream().map(Task::name).toList()).size() == t.size(),
                "task names must be unique, got %s", t.stream().map(Task::name).toList());
        checkArgument(checkNotNull(train, "train").size() > 0, "the training split is empty");
        checkArgument(checkNotNull(validation, "validation").size() > 0, "the validation split is empty");
        checkArgument(checkNotNull(test, "test").size() > 0, "the test split is empty");
        checkNotNull(inputShape, "inputShape");
        checkNotNull(description, "description");
        return new StudyData() {
            @Override
            public ImmutableList<Task> tasks() {
                return t;
            }

            @Override
            public RandomAccessDataset train() {
                return train;
            }

            @Override
            public RandomAccessDataset validation() {
                return validation;
            }

            @Override
            public RandomAccessDataset test() {
                return test;
            }

            @Override
            public Shape inputShape() {
                return inputShape;
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }
}
