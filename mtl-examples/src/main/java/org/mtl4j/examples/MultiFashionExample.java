package org.mtl4j.examples;

import java.io.IOException;
import java.nio.file.Path;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.datasets.FashionMnist;
import org.mtl4j.datasets.LabelledImages;
import org.mtl4j.datasets.MultiItemImages;
import org.mtl4j.losses.Weightings;

/**
 * Multi-Fashion (Sener and Koltun, NeurIPS 2018): each image overlays two Fashion-MNIST items, one shifted to the top
 * left and one to the bottom right; task {@code left} names the first, task {@code right} the second. One network
 * with two 10-way classification heads on a shared ResNet encoder, uncertainty weighting of the two losses.
 *
 * <p>Needs Fashion-MNIST ({@code apt-get install dataset-fashion-mnist}, or {@code -Dmtl4j.fashion-mnist.dir=DIR}).
 * Run (after {@code mvn -B -ntp -DskipTests install}):
 * {@code java -Dai.djl.offline=true -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.MultiFashionExample [epochs] [trainImages] [fashionDir]}. Defaults: 3 epochs, 10,000 composites
 * (validation: 2,000 from the test images).
 */
public final class MultiFashionExample {

    private MultiFashionExample() {}

    /**
     * Trains and prints both tasks' validation accuracy.
     *
     * @param args optional: epochs, training composites, Fashion-MNIST folder
     * @throws IOException when the files are missing or malformed (the message names the file)
     */
    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = FashionMnist.directory(args.length > 2 ? Path.of(args[2]) : null);

        LabelledImages trainItems = FashionMnist.load(dir, true);
        LabelledImages testItems = FashionMnist.load(dir, false);
        InMemoryMultiTaskDataset train = MultiItemImages.dataset(trainItems, images, 42, MultiItemImages.TASKS);
        InMemoryMultiTaskDataset val = MultiItemImages.dataset(testItems, 2000, 7, MultiItemImages.TASKS);

        try (MultiTaskModel model = MultiTask.builder()
                .input(1, 28, 28)
                .encoder(Encoders.resNet(8))
                .sharing(Architectures.hardSharing())
                .tasks(MultiItemImages.TASKS.stream().map(MultiItemImages::task).toList())  // left, right
                .weighting(Weightings.uncertainty())                       // learned per-task loss scales
                .optimizer(OptimizerKind.ADAM, 2e-3f)
                .batchSize(64)
                .epochs(epochs)
                .seed(42)
                .build()) {
            var history = model.fit(train, val);
            history.last().validation().orElseThrow().tasks().forEach((task, result) -> System.out.printf(
                    "%s accuracy %.4f%n", task, result.metric("accuracy")));
        }
    }
}
