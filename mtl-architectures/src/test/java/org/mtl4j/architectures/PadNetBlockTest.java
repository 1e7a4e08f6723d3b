package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/** PAD-Net: final and deep-supervised outputs, distillation structure, gradients, counts, save/load, training. */
class PadNetBlockTest {

    private static final int D = 8;
    private static final Architecture ARCH = Architectures.padNet(D, 8);

    private static PadNetBlock block(NDManager m) {
        return (PadNetBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void finalThenIntermediatePredictionsForEveryTask() {
        try (NDManager m = NDManager.newBaseManager()) {
            PadNetBlock block = block(m);
            assertEquals(List.of(0, 1, 2), block.deepSupervision());
            NDList out = Fixtures.assertOutputShapes(block, m);
            assertEquals(6, out.size());
            for (int k = 0; k < 3; k++) {
                assertEquals(out.get(k).getShape(), out.get(3 + k).getShape());
                assertFalse(java.util.Arrays.equals(out.get(k).toFloatArray(), out.get(3 + k).toFloatArray()));
            }
            assertTrue(block.hasSharedRepresentation());
            assertEquals(D, block.distillationChannels());
            PadNetBlock single = (PadNetBlock) Fixtures.create(ARCH, Fixtures.INPUT, Fixtures.TASKS.subList(0, 1),
                    Encoders.resNet(4), m);
            assertTrue(single.distillationParameters().isEmpty());
            assertEquals(List.of(0), single.deepSupervision());
        }
    }

    @Test
    void parameterCountMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            PadNetBlock block = block(m);
            long z = 8; // resNet(4) gives 2w channels
            long k = 3;
            long perTask = 9 * z * D + 2 * D // intermediate features conv3×3 + BN
                    + 9 * D * D + D // attention W_g^k
                    + (k - 1) * (9 * D * D + D); // messages W_{k,l}
            long initialPredictions = 0;
            for (Task t : Fixtures.TASKS) {
                initialPredictions += D * t.channels() + t.channels();
            }
            long expected = Fixtures.resNetCount(3, 4) + k * perTask + initialPredictions
                    + Fixtures.headsCount(Fixtures.TASKS, D, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
            assertEquals(k * ((9 * D * D + D) + (k - 1) * (9 * D * D + D)),
                    block.distillationParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(Fixtures.resNetCount(3, 4),
                    block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(Fixtures.resNetRunningCount(4) + k * 2 * D, Fixtures.runningStatisticsCount(block));
        }
    }

    @Test
    void gradientsReachEncoderDistillationIntermediateAndFinalHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            PadNetBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            // the intermediate prediction layers only get a gradient from the deep-supervised losses
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(norms, Map.of("distillation", block.distillationParameters(),
                    "shared", block.sharedParameters()));
            // the final loss of task 0 reaches the messages it receives, not those it does not
            Map<Parameter, Double> task0 = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(0).loss()
                    .compute(preds.get(0), b.labels().get(0), b.present().get(":, 0")), b.x());
            int received = 0;
            int sent = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = p.getKey();
                if (name.contains("message_seg_from_")) {
                    assertTrue(task0.get(p.getValue()) > 0, name);
                    received++;
                } else if (name.contains("message_reg_from_") || name.contains("message_nrm_from_")) {
                    assertEquals(0.0, task0.get(p.getValue()), name);
                    sent++;
                }
            }
            assertEquals(2 * 2, received); // weight and bias of the messages from reg and nrm
            assertEquals(2 * 2 * 2, sent);
        }
    }

    @Test
    void distillationAddsGatedMessages() {
        try (NDManager m = NDManager.newBaseManager()) {
            PadNetBlock block = block(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDArray x = m.randomNormal(Stages.batched(Fixtures.INPUT, 2));
            float[] withMessages = block.forward(ps, new NDList(x), false).get(0).toFloatArray();
            // zero messages: F^o = F, so the final prediction no longer depends on the attention W_g
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().contains("message_")) {
                    p.getValue().getArray().set(new float[(int) p.getValue().getArray().size()]);
                }
            }
            float[] noMessages = block.forward(ps, new NDList(x), false).get(0).toFloatArray();
            assertFalse(java.util.Arrays.equals(withMessages, noMessages));
            int changed = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getKey().contains("attention_seg")) {
                    NDArray a = p.getValue().getArray();
                    a.set(a.mul(3).add(1).toFloatArray());
                    changed++;
                }
            }
            assertEquals(2, changed);
            assertArrayEquals(noMessages, block.forward(ps, new NDList(x), false).get(0).toFloatArray(), 0f);
        }
    }

    @Test
    void vectorTasksAndInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            PadNetBlock block = (PadNetBlock) Fixtures.create(Architectures.padNet(), new Shape(10), tasks,
                    Encoders.mlp(16, 8), m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(List.of(new Shape(2, 2), new Shape(2, 3), new Shape(2, 2), new Shape(2, 3)),
                    List.of(out.getShapes()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Architectures.padNet()
                    .create(new Shape(10), ImmutableList.of(Task.depth("d")), Encoders.mlp(8)));
            assertTrue(e.getMessage().contains("task 'd'"), e.getMessage());
            // an image classification task pools the features for its intermediate prediction
            PadNetBlock mixed = (PadNetBlock) Fixtures.create(ARCH, Fixtures.INPUT,
                    ImmutableList.of(Task.depth("d"), Task.classification("c", 4)), Encoders.resNet(4), m);
            NDList y = mixed.forward(new ParameterStore(m, false),
                    new NDList(m.ones(Stages.batched(Fixtures.INPUT, 2))), false);
            assertEquals(new Shape(2, 4), y.get(3).getShape());
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
    }

    @Test
    void trainsInEveryGradientMode() {
        for (GradientMode mode : GradientMode.values()) {
            assertTrue(ARCH.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)).supports(mode));
            Fixtures.assertTrainsThroughBuilder(ARCH, Encoders.resNet(4), mode);
        }
    }
}
