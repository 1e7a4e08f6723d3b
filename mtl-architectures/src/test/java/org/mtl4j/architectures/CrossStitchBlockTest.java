package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.weighting.GradientMode;

/** Cross-stitch networks: shapes, initial mixing, the mixing formula, gradients, counts, save/load, training. */
class CrossStitchBlockTest {

    private static final Architecture ARCH = Architectures.crossStitch(0.9, Double.NaN, 8);

    private static CrossStitchBlock block(NDManager m) {
        return (CrossStitchBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void outputShapesForEveryTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossStitchBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertFalse(block.hasSharedRepresentation());
            assertEquals(2, block.stageCount());
        }
    }

    @Test
    void initialMixingEqualsTheConfiguredValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossStitchBlock block = block(m);
            for (int j = 0; j < 2; j++) {
                float[][][] a = block.mixing(j);
                assertEquals(3, a.length);
                assertEquals(j == 0 ? 4 : 8, a[0][0].length);
                for (int k = 0; k < 3; k++) {
                    for (int l = 0; l < 3; l++) {
                        for (float v : a[k][l]) {
                            assertEquals(k == l ? 0.9f : 0.05f, v, 1e-7f); // 0.1 / (K − 1)
                        }
                    }
                }
            }
            CrossStitchBlock custom = (CrossStitchBlock) Fixtures.create(Architectures.crossStitch(0.7, 0.2),
                    Encoders.resNet(4), m);
            float[][][] a = custom.mixing(1);
            assertEquals(0.7f, a[2][2][5], 0f);
            assertEquals(0.2f, a[0][2][5], 0f);
            assertEquals(0.2f, a[2][1][0], 0f);
        }
    }

    @Test
    void unitMixesChannelsAsItsFormulaSays() {
        try (NDManager m = NDManager.newBaseManager()) {
            int k = 3;
            int c = 2;
            CrossStitchUnit unit = new CrossStitchUnit(k, c, 0.5, 0.25);
            Shape s = new Shape(2, c, 3, 3);
            unit.initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, s, s, s);
            float[] alpha = new float[k * k * c];
            for (int i = 0; i < alpha.length; i++) {
                alpha[i] = (float) Math.cos(i);
            }
            unit.alpha().getArray().set(alpha);
            NDList xs = new NDList();
            float[][] raw = new float[k][];
            for (int t = 0; t < k; t++) {
                NDArray x = m.randomNormal(s);
                xs.add(x);
                raw[t] = x.toFloatArray();
            }
            NDList out = unit.forward(new ParameterStore(m, false), xs, false);
            int perChannel = 9;
            for (int t = 0; t < k; t++) {
                float[] y = out.get(t).toFloatArray();
                assertEquals(s, out.get(t).getShape());
                for (int i = 0; i < y.length; i++) {
                    int ch = (i / perChannel) % c;
                    double expected = 0;
                    for (int l = 0; l < k; l++) {
                        expected += alpha[(t * k + l) * c + ch] * raw[l][i];
                    }
                    assertEquals(expected, y[i], 1e-5);
                }
            }
        }
    }

    @Test
    void forwardLeavesNothingInTheParametersManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossStitchBlock block = block(m);
            int before = NativeMemory.liveResources(m);
            try (NDManager step = m.newSubManager()) {
                NDArray x = step.randomNormal(Stages.batched(Fixtures.INPUT, 2));
                block.forward(new ParameterStore(step, false), new NDList(x), true);
            }
            assertEquals(before, NativeMemory.liveResources(m));
        }
    }

    @Test
    void parameterCountIsKEncodersUnitsAndHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossStitchBlock block = block(m);
            long units = 3 * 3 * (4 + 8); // K² per channel of each stage (w = 4, 2w = 8)
            long columns = 3 * Fixtures.resNetCount(3, 4);
            assertEquals(columns + units + Fixtures.headsCount(Fixtures.TASKS, 8, 8), Fixtures.trainableCount(block));
            assertEquals(columns + units, block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(3 * Fixtures.resNetRunningCount(4), Fixtures.runningStatisticsCount(block));
        }
    }

    @Test
    void gradientsReachColumnsUnitsAndHeadsAndCrossColumns() {
        try (NDManager m = NDManager.newBaseManager()) {
            CrossStitchBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> all = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(all, Map.of("cross-stitch units", block.crossStitchParameters(),
                    "columns", block.sharedParameters()));
            // task 0's loss alone reaches every column through the units
            Map<Parameter, Double> task0 = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(0).loss()
                    .compute(preds.get(0), b.labels().get(0), b.present().get(":, 0")), b.x());
            for (Parameter p : block.sharedParameters()) {
                assertTrue(task0.get(p) > 0, p.getName());
            }
        }
    }

    @Test
    void vectorInputsWithAnMlpHaveOneUnitPerLayer() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            CrossStitchBlock block = (CrossStitchBlock) Fixtures.create(Architectures.crossStitch(0.8, 0.2, 8),
                    new Shape(10), tasks, Encoders.mlp(16, 8), m);
            assertEquals(2, block.stageCount());
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(new Shape(2, 2), out.get(0).getShape());
            assertEquals(new Shape(2, 3), out.get(1).getShape());
            long expected = 2 * Fixtures.mlpCount(10, 16, 8) + 4 * (16 + 8) + Fixtures.headsCount(tasks, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
        }
    }

    @Test
    void aNonStagedEncoderIsOneStage() {
        try (NDManager m = NDManager.newBaseManager()) {
            org.mtl4j.core.model.EncoderFactory plain = new org.mtl4j.core.model.EncoderFactory() {
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
                    return "plain";
                }
            };
            CrossStitchBlock block = (CrossStitchBlock) Fixtures.create(ARCH, plain, m);
            assertEquals(1, block.stageCount());
            assertEquals(8, block.mixing(0)[0][0].length);
            Fixtures.assertOutputShapes(block, m);
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
    }

    @Test
    void trainsInSupportedModesAndRejectsRepresentationMode() {
        Fixtures.assertTrainsThroughBuilder(ARCH, Encoders.resNet(4), GradientMode.NONE);
        Fixtures.assertTrainsThroughBuilder(ARCH, Encoders.resNet(4), GradientMode.PARAMETERS);
        Fixtures.assertRejects(ARCH, Encoders.resNet(4), GradientMode.REPRESENTATION);
    }

    @Test
    void learnsTheMixing() {
        try (org.mtl4j.core.MultiTaskModel model = org.mtl4j.core.MultiTask.builder().input(3, 8, 8)
                .encoder(Encoders.resNet(4)).sharing(ARCH).tasks(Fixtures.TASKS)
                .settings(org.mtl4j.core.training.TrainingSettings.builder().epochs(1).batchSize(8)
                        .learningRate(0.01f).seed(3).progressBar(false).verbose(false).build()).build()) {
            java.io.PrintStream quiet = new java.io.PrintStream(new java.io.ByteArrayOutputStream());
            model.trainer().output(quiet, quiet).fit(org.mtl4j.core.testing.TestData.dataset(16, 8, 1, 0), null);
            float[][][] a = ((CrossStitchBlock) model.network()).mixing(0);
            assertTrue(Math.abs(a[0][1][0] - 0.05f) > 1e-4, "the optimiser did not move α: " + a[0][1][0]);
        }
    }
}
