package org.mtl4j.runs;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.losses.Weightings;

/**
 * Trains sweep runs one after the other in this JVM, as {@code mtl train} trains its network (same encoder, Adam,
 * seeded order and initialisation), and measures every task on the validation split after the last epoch. The data of
 * the last data key is kept, so the runs of one sweep load it once.
 */
public final class InProcessSweepExecutor implements SweepExecutor {

    private final int threads;
    private String loadedKey;
    private DataSource.Splits loaded;
    private ImmutableList<Task> loadedTasks;

    /**
     * Creates the executor.
     *
     * @param threads data loading (rendering) threads
     */
    public InProcessSweepExecutor(int threads) {
        checkArgument(threads > 0, "threads must be positive, got %s", threads);
        this.threads = threads;
    }

    @Override
    public SweepResult execute(SweepSpec spec) {
        checkNotNull(spec, "spec");
        if (!spec.dataKey().equals(loadedKey)) {
            DataSource source = DataSources.byName(spec.data());
            List<String> letters = DataSources.tasks(source, spec.tasks());
            try {
                loaded = source.load(letters, new DataSource.Options(spec.size(), spec.trainSamples(),
                        spec.valSamples(), spec.dataSeed(), threads));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            loadedTasks = letters.stream().map(source::task).collect(ImmutableList.toImmutableList());
            loadedKey = spec.dataKey();
        }
        return train(spec, loaded, loadedTasks);
    }

    /**
     * Trains one run on loaded data.
     *
     * @param spec the run
     * @param data the data of the spec's data key
     * @param tasks the tasks, in the data's label order
     * @return what it measured
     */
    public static SweepResult train(SweepSpec spec, DataSource.Splits data, List<Task> tasks) {
        long start = System.nanoTime();
        TrainingSettings settings = TrainingSettings.builder().epochs(spec.epochs()).batchSize(spec.batchSize())
                .learningRate(spec.learningRate()).seed(spec.seed())
                .gradientMode(GradientMode.fromFlag(spec.gradientMode()))
                .progressBar(false).verbose(false).build();
        EncoderFactory encoder = Encoders.forInput(data.inputShape(), spec.width());
        EvaluationResult v;
        String usedMode;
        try (MultiTaskModel model = MultiTask.builder().input(data.inputShape().getShape()).encoder(encoder)
                .sharing(Architectures.byName(spec.arch())).tasks(tasks)
                .weighting(Weightings.byName(spec.weighting(), tasks.size())).settings(settings).build()) {
            model.trainer().fit(data.train(), null);
            v = model.evaluate(data.validation());
            usedMode = model.settings().gradientMode().name().toLowerCase(Locale.ROOT);
        }
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, Double> loss = new LinkedHashMap<>();
        Map<String, String> primary = new LinkedHashMap<>();
        Map<String, Boolean> higher = new LinkedHashMap<>();
        for (Task t : tasks) {
            metrics.put(t.name(), v.task(t.name()).metrics());
            loss.put(t.name(), v.task(t.name()).loss());
            primary.put(t.name(), t.primaryMetric().name());
            higher.put(t.name(), t.primaryMetric().higherIsBetter());
        }
        return new SweepResult(spec, usedMode, metrics, loss, primary, higher, (System.nanoTime() - start) / 1e9,
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }
}
