package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListener;
import com.google.common.collect.ImmutableList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.TaskSubsetDataset;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;

/**
 * Trains candidates one after the other in this JVM with the library's training loop: for a spec, the network of
 * the given architecture over the spec's tasks (a task-subset view of the study data, nothing copied), with the
 * encoder of the spec's width, Adam at the spec's learning rate, equal loss weights and the spec's seed; then the
 * mean loss of every task on the validation and the test split after the last epoch. This is the training of one
 * candidate network of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020). Use it for studies that fit on one machine; a cluster executor implements the same contract.
 */
public final class InProcessExecutor implements CandidateExecutor {

    private final StudyData data;
    private final Architecture architecture;
    private final IntFunction<EncoderFactory> encoders;
    private final Function<CandidateSpec, List<TrainingListener>> listeners;

    /**
     * Creates the executor.
     *
     * @param data the study data, labelled for every task a spec may name
     * @param architecture the way tasks share (for example hard sharing)
     * @param encoders the encoder design for a width (for example {@code Encoders::resNet})
     */
    public InProcessExecutor(StudyData data, Architecture architecture, IntFunction<EncoderFactory> encoders) {
        this(data, architecture, encoders, spec -> List.of());
    }

    /**
     * Creates the executor with DJL training listeners attached to every candidate's training (progress, logging, or
     * a test's injected fault).
     *
     * @param data the study data, labelled for every task a spec may name
     * @param architecture the way tasks share (for example hard sharing)
     * @param encoders the encoder design for a width (for example {@code Encoders::resNet})
     * @param listeners the listeners for a candidate's training
     */
    public InProcessExecutor(StudyData data, Architecture architecture, IntFunction<EncoderFactory> encoders,
            Function<CandidateSpec, List<TrainingListener>> listeners) {
        this.data = checkNotNull(data, "data");
        this.architecture = checkNotNull(architecture, "architecture");
        this.encoders = checkNotNull(encoders, "encoders");
        this.listeners = checkNotNull(listeners, "listeners");
    }

    @Override
    public CandidateResult execute(CandidateSpec spec) {
        checkNotNull(spec, "spec");
        checkArgument(spec.architecture().equals(architecture.name()),
                "candidate %s asks for architecture %s but this executor builds %s", spec.name(), spec.architecture(),
                architecture.name());
        long start = System.nanoTime();
        List<String> all = data.tasks().stream().map(Task::name).toList();
        int[] indices = new int[spec.tasks().size()];
        ImmutableList.Builder<Task> tasks = ImmutableList.builder();
        for (int i = 0; i < indices.length; i++) {
            indices[i] = all.indexOf(spec.tasks().get(i));
            checkArgument(indices[i] >= 0, "candidate %s: task %s is not in the study data (tasks %s)", spec.name(),
                    spec.tasks().get(i), all);
            tasks.add(data.tasks().get(indices[i]));
        }
        boolean identity = spec.tasks().equals(all);
        RandomAccessDataset train = identity ? data.train() : new TaskSubsetDataset(data.train(), all.size(), indices);
        RandomAccessDataset val = identity ? data.validation()
                : new TaskSubsetDataset(data.validation(), all.size(), indices);
        RandomAccessDataset test = identity ? data.test() : new TaskSubsetDataset(data.test(), all.size(), indices);
        TrainingSettings settings = TrainingSettings.builder().epochs(spec.epochs()).batchSize(spec.batchSize())
                .learningRate(spec.learningRate()).seed(spec.seed()).progressBar(false).verbose(false).build();
        EvaluationResult v;
        EvaluationResult t;
        try (MultiTaskModel model = MultiTask.builder().input(data.inputShape().getShape())
                .encoder(encoders.apply(spec.width())).sharing(architecture).tasks(tasks.build()).settings(settings)
                .build()) {
            model.trainer().addListeners(listeners.apply(spec).toArray(TrainingListener[]::new)).fit(train, null);
            v = model.evaluate(val);
            t = model.evaluate(test);
        }
        Map<String, Double> valLoss = new LinkedHashMap<>();
        Map<String, Double> testLoss = new LinkedHashMap<>();
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        for (String task : spec.tasks()) {
            valLoss.put(task, v.task(task).loss());
            testLoss.put(task, t.task(task).loss());
            metrics.put(task, t.task(task).metrics());
        }
        return new CandidateResult(spec, valLoss, testLoss, metrics, (System.nanoTime() - start) / 1e9,
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }
}
