package org.mtl4j.examples;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.losses.Weightings;

/**
 * NYUv2 in the {@code .npy} layout of mtan and LibMTL ({@code <root>/{train,val}/{image,label,depth,normal}/<i>.npy}):
 * 13-class segmentation, depth and surface normals learned by one hard-sharing network with dynamic weight averaging,
 * reporting the nine standard metrics (mIoU, pixel accuracy; absolute and relative depth error; mean and median angle
 * and the share within 11.25°, 22.5° and 30°).
 *
 * <p>Run (after {@code mvn -B -ntp -DskipTests install}):
 * {@code java -Dai.djl.offline=true -cp "mtl-examples/target/mtl-examples-0.1.0-SNAPSHOT.jar:$(cat cp.txt)"
 * org.mtl4j.examples.Nyuv2Example ROOT [epochs] [height]}. Defaults: 10 epochs, images scaled to 72 × 96 (0 keeps
 * the stored 288 × 384).
 */
public final class Nyuv2Example {

    private Nyuv2Example() {}

    /**
     * Trains and prints the nine metrics.
     *
     * @param args the NYUv2 root, then optionally epochs and image height
     * @throws IOException when the root is missing or a file is malformed (the message names it)
     */
    public static void main(String[] args) throws IOException {
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int height = args.length > 2 ? Integer.parseInt(args[2]) : 72;
        DataSource source = DataSources.byName("nyuv2:" + args[0]);
        List<String> names = List.of("s", "d", "n");                           // segmentation, depth, normals
        DataSource.Splits data = source.load(names, new DataSource.Options(height, 0, 0, 42, 2));
        try (MultiTaskModel model = MultiTask.builder()
                .input(data.inputShape().getShape())
                .encoder(Encoders.resNet(16))
                .sharing(Architectures.hardSharing())
                .tasks(names.stream().map(source::task).toList())
                .weighting(Weightings.dwa())                               // dynamic weight averaging
                .optimizer(OptimizerKind.ADAM, 1e-3f)
                .batchSize(8)
                .epochs(epochs)
                .seed(42)
                .build()) {
            EvaluationResult val = model.fit(data.train(), data.validation()).last().validation().orElseThrow();
            val.tasks().forEach((task, result) -> result.metrics().forEach((metric, value) ->
                    System.out.printf(Locale.ROOT, "%s %s %.4f%n", task, metric, value)));
        }
    }
}
