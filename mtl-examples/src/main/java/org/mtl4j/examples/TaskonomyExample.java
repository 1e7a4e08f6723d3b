package org.mtl4j.examples;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.TaskSubsetDataset;
import org.mtl4j.core.evaluation.DeltaM;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.losses.Weightings;

/**
 * Standley et al.'s five Taskonomy tasks (semantic segmentation, depth, normals, keypoints, occlusion edges) learned
 * by one MTAN network with uncertainty weighting, against five single-task networks on the same images; prints each
 * task's validation metrics and Δm (Nash-MTL's flat form: the mean relative change over all metrics, lower better).
 *
 * <p>Needs a Taskonomy root in Standley's layout (see docs/datasets.md). Run (after {@code mvn -B -ntp -DskipTests
 * install}): {@code java -Dai.djl.offline=true -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.TaskonomyExample ROOT [epochs] [imageSize]}. Defaults: 5 epochs, 64 × 64.
 */
public final class TaskonomyExample {

    private TaskonomyExample() {}

    /**
     * Trains the multi-task and the single-task networks and prints the comparison.
     *
     * @param args the Taskonomy root, then optionally epochs and image size
     * @throws IOException when the root is missing or a file is malformed (the message names it)
     */
    public static void main(String[] args) throws IOException {
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 64;
        DataSource source = DataSources.byName("taskonomy:" + args[0]);
        List<String> names = List.of("s", "d", "n", "k", "e");                 // Standley's five tasks
        DataSource.Splits data = source.load(names, new DataSource.Options(size, 0, 0, 42, 2));
        List<Task> tasks = names.stream().map(source::task).toList();

        EvaluationResult mtl = train(tasks, data, Architectures.mtan(), Weightings.uncertainty(), epochs);
        Map<String, Map<String, Double>> single = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {                              // one network per task, same images
            DataSource.Splits one = new DataSource.Splits(new TaskSubsetDataset(data.train(), tasks.size(), t),
                    new TaskSubsetDataset(data.validation(), tasks.size(), t), data.inputShape(), "");
            EvaluationResult r = train(List.of(tasks.get(t)), one, Architectures.hardSharing(), LossWeighting.equal(),
                    epochs);
            single.put(tasks.get(t).name(), r.task(tasks.get(t).name()).metrics());
        }
        mtl.tasks().forEach((task, result) -> System.out.println(task + " multi-task " + result.metrics()
                + " | single-task " + single.get(task)));
        System.out.printf(Locale.ROOT, "delta_m %+.2f %%%n", DeltaM.flat(tasks, mtl.metricTable(), single));
    }

    private static EvaluationResult train(List<Task> tasks, DataSource.Splits data, Architecture sharing,
            LossWeighting weighting, int epochs) {
        try (MultiTaskModel model = MultiTask.builder().input(data.inputShape().getShape())
                .encoder(Encoders.resNet(16)).sharing(sharing).tasks(tasks).weighting(weighting)
                .epochs(epochs).batchSize(16).seed(42).build()) {
            return model.fit(data.train(), data.validation()).last().validation().orElseThrow();
        }
    }
}
