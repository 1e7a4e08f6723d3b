package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;

/** Hard parameter sharing: shapes, shared parameters, save/load round trip, vector inputs, learning. */
class HardSharingBlockTest {

    private static final ImmutableList<Task> IMAGE_TASKS = ImmutableList.of(Task.segmentation("s", 4),
            Task.depth("d"), Task.normals("n"), Task.classification("cls", 3));

    private static HardSharingBlock imageBlock() {
        return (HardSharingBlock) Architectures.hardSharing(8).create(new Shape(3, 16, 16), IMAGE_TASKS,
                Encoders.resNet(4));
    }

    @Test
    void outputsOnePredictionPerTaskAtTheInputResolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            HardSharingBlock block = imageBlock();
            block.initialize(m, DataType.FLOAT32, new Shape(2, 3, 16, 16));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.randomNormal(new Shape(2, 3, 16,
                    16))), false);
            assertEquals(List.of("s", "d", "n", "cls"), block.taskNames());
            assertEquals(new Shape(2, 4, 16, 16), out.get(0).getShape());
            assertEquals(new Shape(2, 1, 16, 16), out.get(1).getShape());
            assertEquals(new Shape(2, 3, 16, 16), out.get(2).getShape());
            assertEquals(new Shape(2, 3), out.get(3).getShape());
            Shape[] declared = block.getOutputShapes(new Shape[] {new Shape(2, 3, 16, 16)});
            for (int k = 0; k < 4; k++) {
                assertEquals(out.get(k).getShape(), declared[k]);
            }
            List<Parameter> shared = block.sharedParameters();
            assertFalse(shared.isEmpty());
            for (Parameter p : shared) {
                assertTrue(p.requiresGradient(), p.getName());
                assertTrue(p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR);
            }
            NDList z = block.encode(new ParameterStore(m, false), new NDList(m.zeros(new Shape(1, 3, 16, 16))),
                    false, null);
            assertEquals(new Shape(1, 8, 4, 4), z.singletonOrThrow().getShape());
        }
    }

    @Test
    void saveAndLoadRoundTripGivesIdenticalPredictions() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            HardSharingBlock block = imageBlock();
            block.initialize(m, DataType.FLOAT32, new Shape(2, 3, 16, 16));
            NDArray x = m.randomNormal(new Shape(2, 3, 16, 16));
            NDList before = block.forward(new ParameterStore(m, false), new NDList(x), false);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            HardSharingBlock copy = imageBlock();
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDList after = copy.forward(new ParameterStore(m, false), new NDList(x), false);
            for (int k = 0; k < before.size(); k++) {
                assertArrayEquals(before.get(k).toFloatArray(), after.get(k).toFloatArray(), 0f, "task " + k);
            }
        }
    }

    @Test
    void vectorInputsWithAnMlpEncoder() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            HardSharingBlock block = (HardSharingBlock) Architectures.hardSharing().create(new Shape(10), tasks,
                    Encoders.mlp(16, 8));
            block.initialize(m, DataType.FLOAT32, new Shape(4, 10));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(4, 10))), false);
            assertEquals(new Shape(4, 2), out.get(0).getShape());
            assertEquals(new Shape(4, 3), out.get(1).getShape());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Architectures.hardSharing().create(new Shape(10), ImmutableList.of(Task.depth("d")),
                            Encoders.mlp(8)));
            assertTrue(e.getMessage().contains("task 'd'"), e.getMessage());
        }
    }

    @Test
    void trainsThroughTheBuilderInEveryGradientMode() {
        InMemoryMultiTaskDataset train = TestData.dataset(32, 8, 1, 0.2);
        for (GradientMode mode : GradientMode.values()) {
            try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(Encoders.resNet(4))
                    .sharing(Architectures.hardSharing(8)).tasks(TestData.tasks())
                    .settings(TrainingSettings.builder().epochs(4).batchSize(8).learningRate(0.01f).seed(3)
                            .gradientMode(mode).progressBar(false).verbose(false).build()).build()) {
                EvaluationResult before = model.evaluate(train);
                PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
                TrainingHistory h = model.trainer().output(quiet, quiet).fit(train, train);
                EvaluationResult after = h.last().validation().orElseThrow();
                assertTrue(after.totalLoss() < before.totalLoss(),
                        mode + ": " + before.totalLoss() + " -> " + after.totalLoss());
            }
        }
    }
}
