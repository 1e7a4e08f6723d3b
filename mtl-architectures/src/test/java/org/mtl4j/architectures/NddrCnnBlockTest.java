package org.mtl4j.architectures;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/** NDDR-CNN: shapes, the diagonal initialisation, the fusion formula, gradients, counts, save/load, training. */
class NddrCnnBlockTest {

    private static final Architecture ARCH = Architectures.nddrCnn(0.9, 0.1, 8);

    private static NddrCnnBlock block(NDManager m) {
        return (NddrCnnBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void outputShapesForEveryTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            NddrCnnBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertFalse(block.hasSharedRepresentation());
            assertFalse(block.supports(GradientMode.REPRESENTATION));
            assertTrue(block.supports(GradientMode.PARAMETERS));
            assertEquals(2, block.stageCount());
            assertEquals("nddr-cnn:alpha=0.9,beta=0.1,head=8", ARCH.spec());
        }
    }

    @ParameterizedTest(name = "width {0}, {1}x{1} input, batch {2}")
    @CsvSource({"3, 8, 1", "3, 8, 2", "3, 9, 1", "3, 9, 2", "4, 7, 2", "1, 5, 1"})
    void shapesArePinnedForOddWidthsSizesAndBatches(int width, int size, int batch) {
        BranchingFixtures.assertShapes(ARCH, Encoders.resNet(width), new Shape(3, size, size), batch,
                BranchingFixtures.denseShapes(batch, size, 1));
    }

    @Test
    void layersStartAtTheDiagonalInitialisation() {
        try (NDManager m = NDManager.newBaseManager()) {
            NddrCnnBlock block = block(m);
            for (int j = 0; j < 2; j++) {
                int c = j == 0 ? 4 : 8;
                for (int t = 0; t < 3; t++) {
                    float[][][] w = block.fusion(j, t);
                    assertEquals(c, w.length);
                    for (int o = 0; o < c; o++) {
                        for (int l = 0; l < 3; l++) {
                            for (int d = 0; d < c; d++) {
                                float expected = d != o ? 0f : l == t ? 0.9f : 0.1f;
                                assertEquals(expected, w[o][l][d], 0f, "stage " + j + " task " + t);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Two tasks, two channels, one pixel pair: the fused feature of task k is
     * {@code ReLU((α·x_k + β·x_other) / √(1 + ε))} per channel in inference (batch norm at its initial statistics).
     */
    @Test
    void fusionOfAHandMadeFeaturePairIsAlphaOwnPlusBetaOther() {
        try (NDManager m = NDManager.newBaseManager()) {
            NddrLayer layer = new NddrLayer(2, 2, true, 0.9, 0.1);
            Shape s = new Shape(1, 2, 1, 2);
            layer.initialize(m, DataType.FLOAT32, s, s);
            // x[task][channel][pixel]
            float[][][] x = {{{1f, -2f}, {0.5f, 3f}}, {{4f, 10f}, {-1f, -8f}}};
            NDArray a = EngineArrays.create(m, new float[] {1f, -2f, 0.5f, 3f}, s);
            NDArray b = EngineArrays.create(m, new float[] {4f, 10f, -1f, -8f}, s);
            NDList out = layer.forward(new ParameterStore(m, false), new NDList(a, b), false);
            double norm = Math.sqrt(1 + 1e-5);
            for (int t = 0; t < 2; t++) {
                float[] y = out.get(t).toFloatArray();
                assertEquals(s, out.get(t).getShape());
                for (int c = 0; c < 2; c++) {
                    for (int p = 0; p < 2; p++) {
                        double fused = 0.9 * x[t][c][p] + 0.1 * x[1 - t][c][p];
                        assertEquals(Math.max(0, fused / norm), y[c * 2 + p], 1e-6, "task " + t + " c " + c);
                    }
                }
            }
            // task 0, channel 0, pixel 0: 0.9·1 + 0.1·4 = 1.3
            assertEquals(1.3 / norm, out.get(0).toFloatArray()[0], 1e-6);
            // a training pass moves the running mean by PyTorch momentum 0.05 (the reference's): task 0, channel 0
            // sees 1.3 and 0.9·(−2) + 0.1·10 = −0.8, mean 0.25
            layer.forward(new ParameterStore(m, false), new NDList(a, b), true);
            float[] runningMean = layer.getParameters().stream()
                    .filter(p -> p.getKey().startsWith("01task0") && p.getKey().endsWith("runningMean")).findFirst()
                    .orElseThrow().getValue().getArray().toFloatArray();
            assertEquals(0.05 * 0.25, runningMean[0], 1e-7);
            // on vectors the 1×1 convolution is a fully connected layer with the same initialisation
            NddrLayer dense = new NddrLayer(2, 2, false, 0.9, 0.1);
            Shape v = new Shape(1, 2);
            dense.initialize(m, DataType.FLOAT32, v, v);
            NDList y = dense.forward(new ParameterStore(m, false), new NDList(
                    EngineArrays.create(m, new float[] {1f, 2f}, v), EngineArrays.create(m, new float[] {3f, -40f}, v)),
                    false);
            assertEquals((0.9 * 1 + 0.1 * 3) / norm, y.get(0).toFloatArray()[0], 1e-6);
            assertEquals(0, y.get(0).toFloatArray()[1], 0); // 0.9·2 − 0.1·40 < 0
            assertEquals((0.9 * 3 + 0.1 * 1) / norm, y.get(1).toFloatArray()[0], 1e-6);
        }
    }

    @Test
    void gradientsReachColumnsLayersAndHeadsAndCrossColumns() {
        try (NDManager m = NDManager.newBaseManager()) {
            NddrCnnBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> all = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(all, Map.of("nddr layers", block.nddrParameters(),
                    "shared", block.sharedParameters()));
            // task 0's loss alone reaches every column through the NDDR layers
            Map<Parameter, Double> task0 = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(0).loss()
                    .compute(preds.get(0), b.labels().get(0), b.present().get(":, 0")), b.x());
            int columns = 0;
            for (ai.djl.util.Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().contains("column_") && p.getValue().requiresGradient()) {
                    assertTrue(task0.get(p.getValue()) > 0, p.getKey());
                    columns++;
                }
            }
            assertTrue(columns > 0);
        }
    }

    @Test
    void parameterCountIsKEncodersLayersAndHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            NddrCnnBlock block = block(m);
            long k = 3;
            long layers = 0;
            for (long c : new long[] {4, 8}) {
                layers += k * (k * c * c + 2 * c); // per task: 1×1 conv K·C → C, batch norm γ and β
            }
            long columns = k * Fixtures.resNetCount(3, 4);
            assertEquals(columns + layers + Fixtures.headsCount(Fixtures.TASKS, 8, 8), Fixtures.trainableCount(block));
            assertEquals(columns + layers,
                    block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(layers, block.nddrParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(k * Fixtures.resNetRunningCount(4) + k * 2 * (4 + 8), Fixtures.runningStatisticsCount(block));
        }
    }

    @Test
    void vectorInputsWithAnMlpHaveOneLayerPerEncoderLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            NddrCnnBlock block = (NddrCnnBlock) Fixtures.create(ARCH, new Shape(10), tasks, Encoders.mlp(16, 8), m);
            assertEquals(2, block.stageCount());
            for (int batch : new int[] {1, 2}) {
                NDList out = block.forward(new ParameterStore(m, false),
                        new NDList(m.ones(new Shape(batch, 10))), false);
                assertEquals(new Shape(batch, 2), out.get(0).getShape());
                assertEquals(new Shape(batch, 3), out.get(1).getShape());
            }
            long layers = 2 * (2 * 16 * 16 + 2 * 16) + 2 * (2 * 8 * 8 + 2 * 8);
            assertEquals(2 * Fixtures.mlpCount(10, 16, 8) + layers + Fixtures.headsCount(tasks, 8, 8),
                    Fixtures.trainableCount(block));
        }
    }

    @Test
    void anEncoderWithoutStagesIsRefusedByName() {
        EncoderFactory plain = new EncoderFactory() {
            @Override
            public ai.djl.nn.Block create() {
                return Encoders.resNet(4).create();
            }

            @Override
            public int outputChannels() {
                return 8;
            }

            @Override
            public int downsampling() {
                return 4;
            }

            @Override
            public String describe() {
                return "plain-encoder";
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ARCH.create(Fixtures.INPUT, Fixtures.TASKS, plain));
        assertTrue(e.getMessage().contains("plain-encoder") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
    }

    @Test
    void trainsDeterministicallyInSupportedModesAndRejectsRepresentationMode() {
        BranchingFixtures.assertTrainsDeterministically(ARCH, Encoders.resNet(4), GradientMode.NONE);
        BranchingFixtures.assertTrainsDeterministically(ARCH, Encoders.resNet(4), GradientMode.PARAMETERS);
        Fixtures.assertRejects(ARCH, Encoders.resNet(4), GradientMode.REPRESENTATION);
    }
}
