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
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/**
 * MTI-Net: final and per-scale deep-supervised outputs, the distillation formula, propagation, gradients, counts,
 * save/load, training.
 */
class MtiNetBlockTest {

    private static final Architecture ARCH = Architectures.mtiNet(8);

    private static MtiNetBlock block(NDManager m) {
        return (MtiNetBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void finalThenPerScaleInitialPredictions() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtiNetBlock block = block(m);
            assertEquals(2, block.scaleCount());
            assertEquals(List.of(0, 1, 2, 0, 1, 2), block.deepSupervision());
            NDList out = Fixtures.assertOutputShapes(block, m);
            assertEquals(9, out.size());
            for (int i = 3; i < 9; i++) {
                assertEquals(out.get(i % 3).getShape(), out.get(i).getShape());
                assertFalse(Arrays.equals(out.get(i % 3).toFloatArray(), out.get(i).toFloatArray()));
            }
            assertTrue(block.hasSharedRepresentation());
            for (GradientMode mode : GradientMode.values()) {
                assertTrue(block.supports(mode));
            }
            NDList z = block.encode(new ParameterStore(m, false),
                    new NDList(m.zeros(Stages.batched(Fixtures.INPUT, 2))), false, null);
            assertEquals(List.of(new Shape(2, 4, 4, 4), new Shape(2, 8, 2, 2)), List.of(z.getShapes()));
            MtiNetBlock single = (MtiNetBlock) Fixtures.create(ARCH, Fixtures.INPUT, Fixtures.TASKS.subList(0, 1),
                    Encoders.resNet(4), m);
            assertTrue(single.distillationParameters().isEmpty());
            assertEquals(List.of(0, 0), single.deepSupervision());
        }
    }

    @ParameterizedTest(name = "width {0}, {1}x{1} input, batch {2}")
    @CsvSource({"3, 8, 1", "3, 8, 2", "3, 9, 1", "3, 9, 2", "4, 7, 2", "1, 5, 1", "2, 11, 2"})
    void shapesArePinnedForOddWidthsSizesAndBatches(int width, int size, int batch) {
        // the final predictions, then the initial ones at the two scales
        BranchingFixtures.assertShapes(ARCH, Encoders.resNet(width), new Shape(3, size, size), batch,
                BranchingFixtures.denseShapes(batch, size, 3));
    }

    private static float[] kernel(float center) {
        float[] w = new float[9];
        w[4] = center;
        return w;
    }

    /**
     * Three tasks, one channel, 3×3 maps. Messages are centre taps {@code m}, attentions centre taps {@code a}, so
     * {@code D_t = F_t + Σ_{s≠t} m_{t,s}·F_s·σ(a_{t,s}·F_s)} pixel by pixel; into task 0 from task 1 the message is
     * 2 and the attention 1, every other pair has message 1 and attention 0 (σ = ½).
     */
    @Test
    void distillationAddsSpatiallyAttendedMessagesOfTheOtherTasks() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtiDistillation d = new MtiDistillation(3, 1, true, List.of("a", "b", "c"));
            Shape s = new Shape(1, 1, 3, 3);
            d.initialize(m, DataType.FLOAT32, s, s, s);
            Shape k = new Shape(1, 1, 3, 3);
            for (int t = 0; t < 3; t++) {
                for (int src = 0; src < 3; src++) {
                    if (src != t) {
                        boolean special = t == 0 && src == 1;
                        d.messageWeight(t, src).getArray().set(kernel(special ? 2 : 1));
                        d.attentionWeight(t, src).getArray().set(kernel(special ? 1 : 0));
                        assertEquals(k, d.messageWeight(t, src).getArray().getShape());
                    }
                }
            }
            float[][] f = new float[3][9];
            for (int t = 0; t < 3; t++) {
                for (int p = 0; p < 9; p++) {
                    f[t][p] = (float) Math.sin(1 + 3 * t + p) * (t + 1);
                }
            }
            NDList in = new NDList();
            for (float[] v : f) {
                in.add(EngineArrays.create(m, v, s));
            }
            NDList out = d.forward(new ParameterStore(m, false), in, false);
            for (int t = 0; t < 3; t++) {
                float[] y = out.get(t).toFloatArray();
                for (int p = 0; p < 9; p++) {
                    double expected = f[t][p];
                    for (int src = 0; src < 3; src++) {
                        if (src != t) {
                            boolean special = t == 0 && src == 1;
                            double gate = 1 / (1 + Math.exp(-(special ? f[src][p] : 0)));
                            expected += (special ? 2 : 1) * f[src][p] * gate;
                        }
                    }
                    assertEquals(expected, y[p], 1e-5, "task " + t + " pixel " + p);
                }
            }
        }
    }

    @Test
    void gradientsReachEncoderPropagationDistillationAndHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtiNetBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            List<String> none = block.getParameters().stream().filter(p -> p.getValue().requiresGradient())
                    .filter(p -> !(norms.get(p.getValue()) > 0)).map(Pair::getKey).toList();
            assertTrue(none.isEmpty(), "no gradient reached " + none);
            Fixtures.assertAllReceiveGradients(norms, Map.of("distillation", block.distillationParameters(),
                    "propagation", block.propagationParameters(), "shared", block.sharedParameters()));
            // task 0's final loss reaches the messages it receives at every scale, not those the others receive
            Map<Parameter, Double> task0 = Fixtures.gradientNorms(block, m, preds -> Fixtures.TASKS.get(0).loss()
                    .compute(preds.get(0), b.labels().get(0), b.present().get(":, 0")), b.x());
            int received = 0;
            int sent = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = p.getKey();
                if (name.contains("message_seg_from_") || name.contains("attention_seg_from_")) {
                    assertTrue(task0.get(p.getValue()) > 0, name);
                    received++;
                } else if (name.contains("_from_")) {
                    assertEquals(0.0, task0.get(p.getValue()), name);
                    sent++;
                }
            }
            assertEquals(2 * 2 * 2, received); // 2 scales × 2 senders × (message, attention)
            assertEquals(2 * 4 * 2, sent);
            // the coarse scale's propagation reaches the fine scale, so task 0's final loss trains it
            for (Parameter p : block.propagationParameters()) {
                assertTrue(task0.get(p) > 0, p.getName());
            }
        }
    }

    /** A basic residual block {@code in → out} on maps: two 3×3 convolutions, batch norms, projection shortcut. */
    private static long basic(long in, long out) {
        return 9 * in * out + 2 * out + 9 * out * out + 2 * out + (in == out ? 0 : in * out + 2 * out);
    }

    @Test
    void parameterCountMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtiNetBlock block = block(m);
            long k = 3;
            long[] c = {4, 8};
            long refinements = k * (basic(4 + 8, 4) + basic(8, 8));
            long initial = 0;
            for (Task t : Fixtures.TASKS) {
                initial += (c[0] + c[1]) * t.channels() + 2 * t.channels();
            }
            long shared = k * c[1];
            long hidden = shared / 4;
            long propagation = basic(shared, hidden) + hidden * shared + shared // attention branch
                    + basic(shared, c[1]) // dimensionality reduction
                    + k * ((c[1] * 4 + 4) + (4 * c[1] + c[1])); // SE: Linear 8 → 4 → 8 with biases
            long distillation = k * (k - 1) * 2 * 9 * (c[0] * c[0] + c[1] * c[1]);
            long heads = Fixtures.headsCount(Fixtures.TASKS, c[0] + c[1], 8);
            long encoder = Fixtures.resNetCount(3, 4);
            assertEquals(encoder + refinements + initial + propagation + distillation + heads,
                    Fixtures.trainableCount(block));
            assertEquals(encoder, block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(distillation,
                    block.distillationParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(propagation, block.propagationParameters().stream().mapToLong(p -> p.getArray().size()).sum());
        }
    }

    @Test
    void vectorTasksAndInputsWithAnMlp() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            MtiNetBlock block = (MtiNetBlock) Fixtures.create(ARCH, new Shape(10), tasks, Encoders.mlp(16, 8), m);
            assertEquals(2, block.scaleCount());
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(List.of(new Shape(2, 2), new Shape(2, 3), new Shape(2, 2), new Shape(2, 3), new Shape(2, 2),
                    new Shape(2, 3)), List.of(out.getShapes()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ARCH
                    .create(new Shape(10), ImmutableList.of(Task.depth("d")), Encoders.mlp(8)));
            assertTrue(e.getMessage().contains("task 'd'"), e.getMessage());
            // an image classification task pools the features for its initial predictions
            MtiNetBlock mixed = (MtiNetBlock) Fixtures.create(ARCH, Fixtures.INPUT,
                    ImmutableList.of(Task.depth("d"), Task.classification("c", 4)), Encoders.resNet(4), m);
            NDList y = mixed.forward(new ParameterStore(m, false),
                    new NDList(m.ones(Stages.batched(Fixtures.INPUT, 2))), false);
            assertEquals(List.of(new Shape(2, 1, 8, 8), new Shape(2, 4), new Shape(2, 1, 8, 8), new Shape(2, 4),
                    new Shape(2, 1, 8, 8), new Shape(2, 4)), List.of(y.getShapes()));
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
    void trainsDeterministicallyInEveryGradientMode() {
        for (GradientMode mode : GradientMode.values()) {
            BranchingFixtures.assertTrainsDeterministically(ARCH, Encoders.resNet(4), mode);
        }
    }

    @Test
    void forwardOnInputsOfAnotherSizeThanAtInitialisation() {
        try (NDManager m = NDManager.newBaseManager()) {
            MtiNetBlock block = block(m);
            NDArray x = m.randomNormal(new Shape(1, 3, 13, 13));
            NDList out = block.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(new Shape(1, 3, 13, 13), out.get(0).getShape());
            assertEquals(new Shape(1, 1, 13, 13), out.get(4).getShape());
        }
    }
}
