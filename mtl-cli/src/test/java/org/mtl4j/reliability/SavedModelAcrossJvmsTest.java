package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.datasets.SyntheticScenes;

/**
 * A model trained and saved in this JVM, loaded in a fresh JVM from its folder alone, predicts bit-identically on CPU.
 */
class SavedModelAcrossJvmsTest {

    @ParameterizedTest
    @ValueSource(strings = {"hps", "mtan", "cross-stitch"})
    void predictsTheSameBitsInAnotherJvm(String arch, @TempDir Path dir) throws Exception {
        List<String> names = List.of("s", "d", "n");
        // recipe tasks fitting the scenes' labels, so the folder alone describes them
        List<Task> tasks = List.of(SyntheticScenes.task("s"), Task.denseRegression("d", 1), Task.normals("n"));
        String[] expected;
        try (MultiTaskModel m = MultiTask.builder().input(3, 16, 16).encoder(Encoders.resNet(6))
                .sharing(Architectures.byName(arch)).tasks(tasks)
                .settings(TrainingSettings.builder().epochs(1).batchSize(4).seed(9).progressBar(false).verbose(false)
                        .build()).build()) {
            m.fit(SyntheticScenes.render(names, 16, 9, 0, 8, 1), null);
            m.save(dir.resolve("model"));
            expected = PredictSavedModel.predictions(m);
        }
        try (ChildJvm child = ChildJvm.start(dir, PredictSavedModel.class, dir.resolve("model").toString())) {
            for (String line : expected) {
                String got = child.awaitLine("PRED " + line.split(" ")[1] + " ", 120);
                assertNotNull(got, "the child printed no prediction: " + child.transcript());
                assertEquals(line, got);
            }
        }
    }
}
