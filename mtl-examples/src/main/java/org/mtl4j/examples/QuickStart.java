package org.mtl4j.examples;

import java.nio.file.Path;
import java.util.List;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.datasets.SyntheticScenes;
import org.mtl4j.losses.Weightings;

/**
 * The smallest complete mtl4j program: one hard-sharing network learns semantic segmentation, depth and surface
 * normals of the embedded synthetic scenes at once, with equal loss weights, and reports validation metrics.
 *
 * <p>Run (after {@code mvn -B -ntp -DskipTests install}):
 * {@code java -Dai.djl.offline=true -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.QuickStart [epochs] [trainingScenes] [checkpointDir]}, or from the IDE. Defaults: 8 epochs, 800
 * scenes, {@code runs/ckpt}.
 */
public final class QuickStart {

    private QuickStart() {}

    /**
     * Trains and prints the validation summary.
     *
     * @param args optional: epochs, training scenes, checkpoint folder
     */
    public static void main(String[] args) {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int scenes = args.length > 1 ? Integer.parseInt(args[1]) : 800;
        Path checkpoints = Path.of(args.length > 2 ? args[2] : "runs/ckpt");

        List<String> names = List.of("s", "d", "n");
        List<Task> tasks = SyntheticScenes.tasks(names);                   // segmentation, depth, normals
        InMemoryMultiTaskDataset train = SyntheticScenes.render(names, 64, 42, 0, scenes, 2);
        InMemoryMultiTaskDataset val = SyntheticScenes.render(names, 64, 42, 1_000_000, scenes / 4, 2);

        try (MultiTaskModel model = MultiTask.builder()
                .input(3, 64, 64)
                .encoder(Encoders.resNet(16))                              // shared encoder design
                .sharing(Architectures.hardSharing())                      // how tasks share
                .tasks(tasks)
                .weighting(Weightings.equal())                             // how task losses are balanced
                .optimizer(OptimizerKind.ADAM, 2e-3f)
                .epochs(epochs)
                .seed(42)                                                  // fixes data order and initialisation
                .build()) {
            TrainingHistory history = model.trainer()
                    .checkpointDirectory(checkpoints)                      // atomic last.ckpt / best.ckpt
                    .fit(train, val);
            System.out.println(history.last().validation().orElseThrow().summary());
        }
    }
}
