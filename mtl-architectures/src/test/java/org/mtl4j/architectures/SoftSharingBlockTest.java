package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.weighting.GradientMode;

/** Soft parameter sharing: shapes, gradients, parameter count, penalty formula, save/load, training, modes. */
class SoftSharingBlockTest {

    private static final double LAMBDA = 0.01;
    private static final Architecture ARCH = Architectures.softSharing(LAMBDA, 8);

    private static SoftSharingBlock block(NDManager m) {
        return (SoftSharingBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void outputShapesAndColumnsPerTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            SoftSharingBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertFalse(block.hasSharedRepresentation());
            NDList z = block.encode(new ParameterStore(m, false),
                    new NDList(m.zeros(Stages.batched(Fixtures.INPUT, 2))), false, null);
            assertEquals(3, z.size());
            for (NDArray column : z) {
                assertEquals(new Shape(2, 8, 2, 2), column.getShape());
            }
            assertEquals(LAMBDA, block.strength());
        }
    }

    @Test
    void parameterCountIsKEncodersPlusHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            SoftSharingBlock block = block(m);
            long expected = 3 * Fixtures.resNetCount(3, 4) + Fixtures.headsCount(Fixtures.TASKS, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
            assertEquals(3 * Fixtures.resNetRunningCount(4), Fixtures.runningStatisticsCount(block));
            assertEquals(3 * Fixtures.resNetCount(3, 4),
                    block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
        }
    }

    @Test
    void penaltyEqualsItsFormulaOnHandSetWeights() {
        try (NDManager m = NDManager.newBaseManager()) {
            SoftSharingBlock block = block(m);
            int k = 3;
            // constant columns: column c is filled with c, so the penalty is λ · N · Σ_{c<d} (c − d)² = 6 λ N
            long n = 0;
            for (int c = 0; c < k; c++) {
                for (Parameter p : block.columnParameters(c)) {
                    float[] v = new float[(int) p.getArray().size()];
                    java.util.Arrays.fill(v, c);
                    p.getArray().set(v);
                    if (c == 0) {
                        n += v.length;
                    }
                }
            }
            float constant = Fixtures.regularization(block, m).orElseThrow().getFloat();
            assertEquals(6 * LAMBDA * n, constant, 1e-5 * 6 * LAMBDA * n);

            // irregular values, checked against a direct double-precision sum over pairs and scalars
            float[][][] values = new float[k][][];
            for (int c = 0; c < k; c++) {
                List<Parameter> params = block.columnParameters(c);
                values[c] = new float[params.size()][];
                for (int i = 0; i < params.size(); i++) {
                    float[] v = new float[(int) params.get(i).getArray().size()];
                    for (int j = 0; j < v.length; j++) {
                        v[j] = (float) Math.sin(1.3 * c + 0.7 * i + 0.11 * j);
                    }
                    params.get(i).getArray().set(v);
                    values[c][i] = v;
                }
            }
            double expected = 0;
            for (int c = 0; c < k; c++) {
                for (int d = c + 1; d < k; d++) {
                    for (int i = 0; i < values[c].length; i++) {
                        for (int j = 0; j < values[c][i].length; j++) {
                            double diff = values[c][i][j] - values[d][i][j];
                            expected += diff * diff;
                        }
                    }
                }
            }
            expected *= LAMBDA;
            float actual = Fixtures.regularization(block, m).orElseThrow().getFloat();
            assertEquals(expected, actual, 1e-5 * expected);
        }
    }

    @Test
    void noPenaltyWithoutStrengthOrWithOneTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            assertTrue(Fixtures.regularization(
                    Fixtures.create(Architectures.softSharing(0), Encoders.resNet(4), m), m).isEmpty());
            assertTrue(Fixtures.regularization(Fixtures.create(ARCH, Fixtures.INPUT,
                    Fixtures.TASKS.subList(0, 1), Encoders.resNet(4), m), m).isEmpty());
            assertThrows(IllegalArgumentException.class, () -> Architectures.softSharing(-1));
        }
    }

    @Test
    void penaltyArraysLiveInTheStepManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            SoftSharingBlock block = block(m);
            int before = NativeMemory.liveResources(m);
            try (NDManager step = m.newSubManager()) {
                Fixtures.regularization(block, step).orElseThrow().getFloat();
            }
            assertEquals(before, NativeMemory.liveResources(m));
        }
    }

    @Test
    void tasksReachOnlyTheirColumnAndThePenaltyCouplesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            SoftSharingBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            // all task losses plus the penalty: every column, head and batch-norm scale receives a gradient
            Map<Parameter, Double> all = Fixtures.gradientNorms(block, m, preds -> Fixtures.totalLoss(block,
                    Fixtures.TASKS, preds, b).add(Fixtures.regularization(block, preds.head().getManager())
                            .orElseThrow()), b.x());
            Fixtures.assertAllReceiveGradients(all, Map.of("columns", block.sharedParameters()));
            // task 0's loss alone: column 0 only
            Map<Parameter, Double> task0 = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(0).loss()
                    .compute(preds.get(0), b.labels().get(0), b.present().get(":, 0")), b.x());
            for (Parameter p : block.columnParameters(0)) {
                assertTrue(task0.get(p) > 0, p.getName());
            }
            for (int c = 1; c < 3; c++) {
                for (Parameter p : block.columnParameters(c)) {
                    assertEquals(0.0, task0.get(p), p.getName());
                }
            }
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
}
