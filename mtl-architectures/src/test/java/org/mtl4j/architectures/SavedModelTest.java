package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.ModelManifest;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.TrainingSettings;

/**
 * Self-describing saved models: every architecture, on images and on vectors, trained one epoch, saved, loaded from
 * the folder alone and predicting exactly what it predicted before; and every way a folder can be wrong, named.
 */
class SavedModelTest {

    private static final List<Task> DENSE = List.of(Task.segmentation("seg", 3), Task.denseRegression("reg", 1),
            Task.normals("nrm"));
    private static final List<Task> VECTOR = List.of(Task.classification("c", 3), Task.regression("r", 2));

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Architecture a : List.of(Architectures.hardSharing(8), Architectures.softSharing(0.01, 8),
                Architectures.crossStitch(), Architectures.mtan(8), Architectures.padNet(), Architectures.mmoe(2, 8),
                Architectures.cgc(1, 1, 8), Architectures.ple(1, 1, 8), Architectures.dselectK(3, 2, 1.0, 1e-6, 8),
                Architectures.nddrCnn(), Architectures.mtiNet(8), Architectures.learningToBranch(1))) {
            out.add(Arguments.of(a, true));
            out.add(Arguments.of(a, false));
        }
        return out.stream();
    }

    private static InMemoryMultiTaskDataset vectors(int n) {
        Random r = new Random(5);
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(6),
                List.of(new Shape(), new Shape(2)));
        for (int i = 0; i < n; i++) {
            float[] x = new float[6];
            for (int j = 0; j < 6; j++) {
                x[j] = (float) r.nextGaussian();
            }
            b.add(x, new float[] {x[0] > 0 ? 1 : x[1] > 0 ? 2 : 0}, new float[] {x[2], x[3] - x[4]});
        }
        return b.build();
    }

    private static MultiTaskModel train(Architecture arch, boolean images) {
        EncoderFactory encoder = images ? Encoders.resNet(4) : Encoders.mlp(8, 6);
        MultiTaskModel m = MultiTask.builder().input(images ? new long[] {3, 8, 8} : new long[] {6})
                .encoder(encoder).sharing(arch).tasks(images ? DENSE : VECTOR)
                .inputNormalization(InputNormalization.bytes(new float[] {0.5f}, new float[] {0.25f}))
                .settings(TrainingSettings.builder().epochs(1).batchSize(4).seed(3).progressBar(false).verbose(false)
                        .build()).build();
        m.fit(images ? TestData.dataset(8, 8, 2, 0) : vectors(8), null);
        return m;
    }

    private static float[][] predict(MultiTaskModel m, boolean images) {
        try (NDManager manager = NDManager.newBaseManager(m.device())) {
            float[] x = new float[images ? 2 * 3 * 8 * 8 : 2 * 6];
            Random r = new Random(11);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) r.nextGaussian();
            }
            NDArray input = EngineArrays.create(manager, x, images ? new Shape(2, 3, 8, 8) : new Shape(2, 6));
            NDList out = m.predict(input);
            float[][] values = new float[m.tasks().size()][];
            for (int t = 0; t < values.length; t++) {
                values[t] = out.get(t).toFloatArray();
            }
            return values;
        }
    }

    @ParameterizedTest(name = "{0}, images {1}")
    @MethodSource("cases")
    void predictsBitIdenticallyAfterLoadingFromTheFolderAlone(Architecture arch, boolean images, @TempDir Path dir)
            throws IOException {
        float[][] before;
        try (MultiTaskModel m = train(arch, images)) {
            before = predict(m, images);
            m.save(dir);
        }
        ModelManifest manifest = MultiTaskModel.manifest(dir);
        assertEquals(arch.spec(), manifest.architectureSpec());
        assertEquals(images ? "resnet:4" : "mlp:8,6", manifest.encoderSpec());
        assertEquals(InputNormalization.bytes(new float[] {0.5f}, new float[] {0.25f}),
                manifest.normalization().orElseThrow());
        try (MultiTaskModel loaded = MultiTaskModel.load(dir)) {
            assertEquals(arch.spec(), loaded.architectureSpec());
            float[][] after = predict(loaded, images);
            for (int t = 0; t < before.length; t++) {
                assertArrayEquals(before[t], after[t], 0f, "task " + t);
            }
            assertEquals((images ? DENSE : VECTOR).stream().map(Task::name).toList(),
                    loaded.tasks().stream().map(Task::name).toList());
            assertEquals(images ? "segmentation:3" : "classification:3", loaded.tasks().get(0).recipe().orElseThrow());
        }
    }

    @Test
    void everyArchitectureSpecRoundTrips() {
        BuiltInComponents c = new BuiltInComponents();
        for (Architecture a : List.of(Architectures.hardSharing(), Architectures.softSharing(0.003, 16),
                Architectures.crossStitch(0.8, 0.1, 12), Architectures.crossStitch(), Architectures.mtan(5),
                Architectures.padNet(7, 9), Architectures.mmoe(4, 6),
                Architectures.cgc(), Architectures.ple(2, 0, 5), Architectures.dselectK(),
                Architectures.dselectK(5, 3, 0.5, 0, 7), Architectures.nddrCnn(0.8, 0.2, 6), Architectures.mtiNet(5),
                Architectures.learningToBranch(2, 3, 7), Architectures.branched("seg+reg+nrm|seg+reg/nrm", 6))) {
            assertEquals(a.spec(), c.architecture(a.spec()).orElseThrow().spec());
        }
        assertEquals("mlp:3,5", c.encoder("mlp:3,5").orElseThrow().spec());
        assertFalse(c.architecture("mine").isPresent());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> c.architecture("hps:head=8,depth=2"));
        assertTrue(bad.getMessage().contains("[depth]"), bad.getMessage());
    }

    @Test
    void aBrokenFolderIsNamedWithTheFileAndTheField(@TempDir Path dir) throws IOException {
        Path saved = dir.resolve("m");
        try (MultiTaskModel m = train(Architectures.hardSharing(8), true)) {
            m.save(saved);
        }
        String json = Files.readString(saved.resolve("model.json"));
        assertMessage(dir.resolve("nowhere"), "model.json is missing");
        write(dir, "cut", json.substring(0, json.length() / 2), saved);
        assertMessage(dir.resolve("cut"), "not valid JSON");
        write(dir, "type", json.replace("\"channels\": 3", "\"channels\": \"three\""), saved);
        assertMessage(dir.resolve("type"), "field 'tasks[0].channels' is not a number");
        write(dir, "missing", json.replace("\"encoder\": \"resnet:4\",", ""), saved);
        assertMessage(dir.resolve("missing"), "field 'encoder' is missing");
        write(dir, "classes", json.replace("segmentation:3", "segmentation:4").replace("\"channels\": 3,\n"
                + "      \"recipe\": \"segmentation", "\"channels\": 4,\n      \"recipe\": \"segmentation"), saved);
        assertMessage(dir.resolve("classes"), "parameters.ckpt");
        write(dir, "arch", json.replace("hps:head=8", "hps:head=8,depth=3"), saved);
        assertMessage(dir.resolve("arch"), "unknown options [depth]");
        Files.write(dir.resolve("cut").resolve("parameters.ckpt"),
                java.util.Arrays.copyOf(Files.readAllBytes(saved.resolve("parameters.ckpt")), 200));
        Files.writeString(dir.resolve("cut").resolve("model.json"), json);
        assertMessage(dir.resolve("cut"), "parameters.ckpt");
    }

    @Test
    void aTaskWithItsOwnLossMustBeGivenWhenLoading(@TempDir Path dir) throws IOException {
        Task own = Task.builder("own").vector(3).loss(TaskLosses.crossEntropy()).metric(TaskMetrics.accuracy(-1))
                .build();
        try (MultiTaskModel m = MultiTask.builder().input(6).encoder(Encoders.mlp(8)).sharing(Architectures.hardSharing(4))
                .task(own).task(Task.regression("r", 2)).build()) {
            m.save(dir);
        }
        IOException e = assertThrows(IOException.class, () -> MultiTaskModel.load(dir));
        assertTrue(e.getMessage().contains("task 'own' was built with its own loss"), e.getMessage());
        try (MultiTaskModel loaded = MultiTaskModel.load(dir, Map.of("own", own), Device.cpu())) {
            assertEquals("own", loaded.tasks().get(0).name());
        }
        Task wrong = Task.classification("own", 4);
        IOException mismatch = assertThrows(IOException.class,
                () -> MultiTaskModel.load(dir, Map.of("own", wrong), Device.cpu()));
        assertTrue(mismatch.getMessage().contains("saved as VECTOR with 3 channels"), mismatch.getMessage());
    }

    private static void write(Path dir, String name, String json, Path saved) throws IOException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("model.json"), json, StandardCharsets.UTF_8);
        Files.copy(saved.resolve("parameters.ckpt"), d.resolve("parameters.ckpt"));
    }

    private static void assertMessage(Path dir, String expected) {
        IOException e = assertThrows(IOException.class, () -> MultiTaskModel.load(dir).close());
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(dir.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
