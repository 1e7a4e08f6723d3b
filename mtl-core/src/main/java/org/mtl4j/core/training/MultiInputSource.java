package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.evaluation.Evaluator;
import org.mtl4j.core.evaluation.TaskResult;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLossCalculator;

/**
 * The steps of multi-input training: per epoch, each task's {@link MultiInputSampler} batches read in lock-step, one
 * {@link MultiInputBatch} per step; and the validation of each task on its own data set.
 */
final class MultiInputSource extends InputSource {

    private final ImmutableList<Task> tasks;
    private final ImmutableList<RandomAccessDataset> data;
    private final int[] batchSizes;
    private final long stepsPerEpoch;
    private final long seed;
    private final TaskLossCalculator calculator;
    private final int networkOutputs;

    MultiInputSource(MultiInput input, ImmutableList<Task> tasks, TrainingSettings settings,
            TaskLossCalculator calculator, int networkOutputs) {
        List<String> names = checkCovers(input, tasks);
        this.tasks = tasks;
        this.calculator = calculator;
        this.networkOutputs = networkOutputs;
        this.data = names.stream().map(input::data).collect(ImmutableList.toImmutableList());
        long[] sizes = data.stream().mapToLong(RandomAccessDataset::size).toArray();
        this.batchSizes = input.sampling().batchSizes(sizes, settings.batchSize());
        long steps = input.epochLength().stepsPerEpoch(names, sizes, batchSizes);
        this.stepsPerEpoch = settings.maxBatchesPerEpoch() > 0 ? Math.min(steps, settings.maxBatchesPerEpoch())
                : steps;
        this.seed = settings.seed();
    }

    /**
     * Checks that the inputs are for exactly the model's tasks.
     *
     * @return the model's task names
     */
    static List<String> checkCovers(MultiInput input, ImmutableList<Task> tasks) {
        List<String> names = tasks.stream().map(Task::name).toList();
        checkArgument(new HashSet<>(input.taskNames()).equals(new HashSet<>(names)),
                "multi-input training needs input data for every task: the model has %s, the inputs are for %s",
                names, input.taskNames());
        return names;
    }

    @Override
    long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /** @return each task's samples per step, in task order */
    int[] batchSizes() {
        return batchSizes.clone();
    }

    @Override
    Iterator<StepBatch> epoch(NDManager manager, int epoch) {
        List<Iterator<Batch>> streams = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            streams.add(read(data.get(t), manager,
                    new MultiInputSampler(seed, t, epoch, stepsPerEpoch, batchSizes[t])).iterator());
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return streams.get(0).hasNext();
            }

            @Override
            public StepBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Batch> batches = new ArrayList<>(streams.size());
                for (Iterator<Batch> s : streams) {
                    batches.add(s.next());
                }
                return new MultiInputBatch(batches, tasks, calculator, networkOutputs, manager);
            }
        };
    }

    /**
     * Evaluates every task on its own data set: task t's metrics from the network's task-t output.
     *
     * @param network the network
     * @param tasks the tasks in output order
     * @param validation each task's data
     * @param batchSize the batch size
     * @param manager a manager on the model's device
     * @return the results in task order
     */
    static EvaluationResult evaluate(MultiTaskBlock network, ImmutableList<Task> tasks, MultiInput validation,
            int batchSize, NDManager manager) {
        ParameterStore ps = new ParameterStore(manager, false);
        ImmutableMap.Builder<String, TaskResult> out = ImmutableMap.builder();
        for (int t = 0; t < tasks.size(); t++) {
            int index = t;
            Task task = tasks.get(t);
            EvaluationResult r = Evaluator.evaluate(
                    (d, l) -> new NDList(network.forward(ps, d, false).get(index)), List.of(task),
                    validation.data(task.name()), batchSize, manager);
            out.put(task.name(), r.task(task.name()));
        }
        return new EvaluationResult(out.build());
    }
}
