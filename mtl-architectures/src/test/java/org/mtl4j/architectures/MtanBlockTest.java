package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/** MTAN: shapes, representation, attention masks, gradients, counts, save/load, training in every mode. */
class MtanBlockTest {

    private static final int W = 8;
    private static final Architecture ARCH = Architectures.mtan(8);

    private static MtanBlock block(NDManager m) {
        return (MtanBlock) Fixtures.create(ARCH, Encoders.resNet(W), m);
    }

    @Test
    void outputShapesAndStageRepresentation() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtanBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertTrue(block.hasSharedRepresentation());
            NDList z = block.encode(new ParameterStore(m, false),
                    new NDList(m.zeros(Stages.batched(Fixtures.INPUT, 2))), false, null);
            assertEquals(List.of(new Shape(2, W, 4, 4), new Shape(2, W, 4, 4), new Shape(2, 2 * W, 2, 2),
                    new Shape(2, 2 * W, 2, 2)), List.of(z.getShapes()));
        }
    }

    @Test
    void masksAreSoftPerTaskAndScaleTheSharedFeatures() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtanBlock block = block(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(Stages.batched(Fixtures.INPUT, 2));
            List<NDList> masks = block.attentionMasks(ps, new NDList(x));
            NDList z = block.encode(ps, new NDList(x), false, null);
            assertEquals(2, masks.size());
            for (int j = 0; j < 2; j++) {
                assertEquals(3, masks.get(j).size());
                for (NDArray mask : masks.get(j)) {
                    assertEquals(z.get(2 * j + 1).getShape(), mask.getShape());
                    for (float v : mask.toFloatArray()) {
                        assertTrue(v > 0 && v < 1, "mask value " + v);
                    }
                }
                assertFalse(java.util.Arrays.equals(masks.get(j).get(0).toFloatArray(),
                        masks.get(j).get(1).toFloatArray()), "tasks share a mask at stage " + j);
            }
        }
    }

    @Test
    void parameterCountMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtanBlock block = block(m);
            long w = W;
            long h0 = w / 4;
            long h1 = 2 * w / 4;
            long extractor = 9 * w * (2 * w) + 2 * (2 * w);
            long attention0 = w * h0 + 2 * h0 + h0 * w + 2 * w;
            long attention1 = (4 * w) * h1 + 2 * h1 + h1 * (2 * w) + 2 * (2 * w);
            long shared = Fixtures.resNetCount(3, w) + extractor;
            long expected = shared + 3 * (attention0 + attention1) + Fixtures.headsCount(Fixtures.TASKS, 2 * w, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
            assertEquals(shared, block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(3 * (attention0 + attention1),
                    block.attentionParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(Fixtures.resNetRunningCount(w) + 2 * (2 * w) + 3 * (2 * h0 + 2 * w + 2 * h1 + 2 * (2 * w)),
                    Fixtures.runningStatisticsCount(block));
        }
    }

    @Test
    void gradientsReachEncoderAttentionAndHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtanBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(norms, Map.of("attention masks", block.attentionParameters(),
                    "shared", block.sharedParameters()));
        }
    }

    @Test
    void vectorInputsWithAnMlp() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            MtanBlock block = (MtanBlock) Fixtures.create(ARCH, new Shape(10), tasks, Encoders.mlp(16, 8), m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(new Shape(2, 2), out.get(0).getShape());
            assertEquals(new Shape(2, 3), out.get(1).getShape());
            // MLP stages: u = p; f_1 = Linear(8, no bias) + BN; g^0: 16→4→16, g^1: 16→2→8, each with BN
            long shared = Fixtures.mlpCount(10, 16, 8) + 16 * 8 + 2 * 8;
            long perTask = (16 * 4 + 2 * 4 + 4 * 16 + 2 * 16) + (16 * 2 + 2 * 2 + 2 * 8 + 2 * 8);
            assertEquals(shared + 2 * perTask + Fixtures.headsCount(tasks, 8, 8), Fixtures.trainableCount(block));
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(W));
    }

    @Test
    void trainsInEveryGradientMode() {
        for (GradientMode mode : GradientMode.values()) {
            assertTrue(ARCH.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)).supports(mode));
            Fixtures.assertTrainsThroughBuilder(ARCH, Encoders.resNet(W), mode);
        }
    }

    @Test
    void inferenceIsDeterministic() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtanBlock block = block(m);
            NDArray x = m.randomNormal(Stages.batched(Fixtures.INPUT, 2));
            NDList a = block.forward(new ParameterStore(m, false), new NDList(x), false);
            NDList b = block.forward(new ParameterStore(m, false), new NDList(x), false);
            assertArrayEquals(a.get(2).toFloatArray(), b.get(2).toFloatArray(), 0f);
        }
    }
}
