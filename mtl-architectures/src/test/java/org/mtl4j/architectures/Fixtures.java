package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;

/** Shared fixtures of the architecture tests: the three dense test tasks on 3×8×8 inputs, and contract checks. */
final class Fixtures {

    /** Segmentation (3 classes), 1-channel regression and normals, from the core test-jar. */
    static final ImmutableList<Task> TASKS = ImmutableList.copyOf(TestData.tasks());
    /** One sample's input shape. */
    static final Shape INPUT = new Shape(3, 8, 8);
    /** The batch size of the fixtures. */
    static final int BATCH = 2;

    private Fixtures() {}

    /** A batch of the test data. */
    record Batch(NDArray x, NDList labels, NDArray present) {}

    static Batch batch(NDManager manager, InMemoryMultiTaskDataset ds, int k) {
        NDList xs = new NDList();
        for (int i = 0; i < BATCH; i++) {
            xs.add(ds.get(manager, i).getData().head());
        }
        NDList labels = new NDList();
        for (int t = 0; t < k; t++) {
            NDList per = new NDList();
            for (int i = 0; i < BATCH; i++) {
                per.add(ds.get(manager, i).getLabels().get(t));
            }
            labels.add(NDArrays.stack(per));
        }
        return new Batch(NDArrays.stack(xs), labels, manager.ones(new Shape(BATCH, k)));
    }

    static Batch imageBatch(NDManager manager) {
        return batch(manager, TestData.dataset(BATCH, 8, 11, 0), TASKS.size());
    }

    /** Builds and initialises a block on the test tasks with a fixed seed. */
    static MultiTaskBlock create(Architecture arch, EncoderFactory encoder, NDManager manager) {
        return create(arch, INPUT, TASKS, encoder, manager);
    }

    static MultiTaskBlock create(Architecture arch, Shape input, ImmutableList<Task> tasks, EncoderFactory encoder,
            NDManager manager) {
        Engine.getInstance().setRandomSeed(5);
        MultiTaskBlock block = arch.create(input, tasks, encoder);
        block.initialize(manager, DataType.FLOAT32, Stages.batched(input, BATCH));
        return block;
    }

    /** The sum of all task losses, deep-supervised losses included. */
    static NDArray totalLoss(MultiTaskBlock block, ImmutableList<Task> tasks, NDList preds, Batch b) {
        int k = tasks.size();
        NDArray total = null;
        for (int t = 0; t < k; t++) {
            NDArray l = tasks.get(t).loss().compute(preds.get(t), b.labels().get(t), b.present().get(":, " + t));
            total = total == null ? l : total.add(l);
        }
        ImmutableList<Integer> extra = block.deepSupervision();
        for (int a = 0; a < extra.size(); a++) {
            int t = extra.get(a);
            total = total.add(tasks.get(t).loss().compute(preds.get(k + a), b.labels().get(t),
                    b.present().get(":, " + t)));
        }
        return total;
    }

    /**
     * Runs one training forward pass and one backward pass of {@code loss} and returns the L1 norm of every trainable
     * parameter's gradient.
     */
    static Map<Parameter, Double> gradientNorms(MultiTaskBlock block, NDManager manager,
            java.util.function.Function<NDList, NDArray> loss, NDArray x) {
        Map<Parameter, Double> out = new IdentityHashMap<>();
        try (NDManager sub = manager.newSubManager()) {
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList preds = block.forward(new ParameterStore(sub, false), new NDList(x), true);
                gc.backward(loss.apply(preds));
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    try (NDArray g = p.getValue().getArray().getGradient(); NDArray s = g.abs().sum()) {
                        out.put(p.getValue(), (double) s.getFloat());
                    }
                    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getValue().getArray());
                }
            }
        }
        return out;
    }

    /** Checks that every trainable parameter, and in particular each of {@code groups}, received a gradient. */
    static void assertAllReceiveGradients(Map<Parameter, Double> norms, Map<String, List<Parameter>> groups) {
        for (Map.Entry<Parameter, Double> e : norms.entrySet()) {
            assertTrue(e.getValue() > 0, "no gradient reached " + e.getKey().getName());
        }
        for (Map.Entry<String, List<Parameter>> g : groups.entrySet()) {
            assertFalse(g.getValue().isEmpty(), "group " + g.getKey() + " is empty");
            for (Parameter p : g.getValue()) {
                assertTrue(norms.containsKey(p), g.getKey() + ": " + p.getName() + " is not a trainable parameter");
                assertTrue(norms.get(p) > 0, g.getKey() + ": no gradient reached " + p.getName());
            }
        }
    }

    /** Number of trainable scalars (no batch-norm running statistics). */
    static long trainableCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    /** Number of batch-norm running-statistic scalars. */
    static long runningStatisticsCount(Block block) {
        long n = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (!p.getValue().requiresGradient()) {
                n += p.getValue().getArray().size();
            }
        }
        return n;
    }

    // Closed-form parameter counts of the building blocks.

    /** {@link Encoders#resNet(int)} on {@code c} input channels: {@code 9cw + 108w² + 18w}. */
    static long resNetCount(long c, long w) {
        long stem = 9 * c * w + 2 * w;
        long res1 = 2 * (9 * w * w) + 2 * (2 * w);
        long transition = 9 * w * (2 * w) + 2 * (2 * w);
        long res2 = 2 * (9 * (2 * w) * (2 * w)) + 2 * (2 * (2 * w));
        long total = stem + res1 + transition + res2;
        assertEquals(9 * c * w + 108 * w * w + 18 * w, total);
        return total;
    }

    /**
     * Batch-norm running statistics of {@link Encoders#resNet(int)}: mean and variance per channel of its 6 batch
     * norms (stem w, residual block 2 × w, transition 2w, residual block 2 × 2w).
     */
    static long resNetRunningCount(long w) {
        return 2 * (w + 2 * w + 2 * w + 2 * (2 * w));
    }

    /** {@link Encoders#mlp(int...)} on {@code f} input features. */
    static long mlpCount(long f, int... widths) {
        long n = 0;
        long in = f;
        for (int w : widths) {
            n += in * w + w;
            in = w;
        }
        return n;
    }

    /** Dense head {@code conv3×3(h) → ReLU → conv1×1(C)}, both with bias. */
    static long denseHeadCount(long in, long h, long c) {
        return 9 * in * h + h + h * c + c;
    }

    /** Pooled head {@code Linear(h) → ReLU → Linear(C)}. */
    static long vectorHeadCount(long in, long h, long c) {
        return in * h + h + h * c + c;
    }

    /** Heads of all tasks. */
    static long headsCount(ImmutableList<Task> tasks, long in, long h) {
        long n = 0;
        for (Task t : tasks) {
            n += t.kind() == org.mtl4j.core.task.OutputKind.DENSE ? denseHeadCount(in, h, t.channels())
                    : vectorHeadCount(in, h, t.channels());
        }
        return n;
    }

    /** Checks the declared and actual output shapes on the test tasks. */
    static NDList assertOutputShapes(MultiTaskBlock block, NDManager manager) {
        NDArray x = manager.randomNormal(Stages.batched(INPUT, BATCH));
        NDList out = block.forward(new ParameterStore(manager, false), new NDList(x), false);
        int extras = block.deepSupervision().size();
        assertEquals(TASKS.size() + extras, out.size());
        assertEquals(List.of("seg", "reg", "nrm"), block.taskNames());
        assertEquals(new Shape(BATCH, 3, 8, 8), out.get(0).getShape());
        assertEquals(new Shape(BATCH, 1, 8, 8), out.get(1).getShape());
        assertEquals(new Shape(BATCH, 3, 8, 8), out.get(2).getShape());
        Shape[] declared = block.getOutputShapes(new Shape[] {Stages.batched(INPUT, BATCH)});
        assertEquals(out.size(), declared.length);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(declared[i], out.get(i).getShape(), "output " + i);
        }
        for (Parameter p : block.sharedParameters()) {
            assertTrue(p.requiresGradient(), p.getName());
            assertTrue(p.getType() != Parameter.Type.RUNNING_MEAN && p.getType() != Parameter.Type.RUNNING_VAR);
        }
        return out;
    }

    /** Saves, loads into a fresh uninitialised block of the same design and compares inference outputs exactly. */
    static void assertSaveLoadRoundTrip(Architecture arch, Shape input, ImmutableList<Task> tasks,
            EncoderFactory encoder) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = create(arch, input, tasks, encoder, m);
            // one training pass first, so that the batch-norm running statistics differ from their initial values
            NDArray x = m.randomNormal(Stages.batched(input, BATCH));
            block.forward(new ParameterStore(m, false), new NDList(x), true);
            NDList before = block.forward(new ParameterStore(m, false), new NDList(x), false);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            block.saveParameters(new DataOutputStream(bytes));
            Engine.getInstance().setRandomSeed(99); // a different initialisation, overwritten by the load
            MultiTaskBlock copy = arch.create(input, tasks, encoder);
            copy.loadParameters(m, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDList after = copy.forward(new ParameterStore(m, false), new NDList(x), false);
            assertEquals(before.size(), after.size());
            for (int k = 0; k < before.size(); k++) {
                assertArrayEquals(before.get(k).toFloatArray(), after.get(k).toFloatArray(), 0f, "output " + k);
            }
            Engine.getInstance().setRandomSeed(99);
            MultiTaskBlock fresh = arch.create(input, tasks, encoder);
            fresh.initialize(m, DataType.FLOAT32, Stages.batched(input, BATCH));
            NDList other = fresh.forward(new ParameterStore(m, false), new NDList(x), false);
            assertFalse(java.util.Arrays.equals(before.get(0).toFloatArray(), other.get(0).toFloatArray()),
                    "a differently initialised block gives the same output: the round trip proves nothing");
        }
    }

    /** Trains on the test data through the builder and checks that the validation loss decreases. */
    static void assertTrainsThroughBuilder(Architecture arch, EncoderFactory encoder, GradientMode mode) {
        InMemoryMultiTaskDataset train = TestData.dataset(32, 8, 1, 0.2);
        try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(encoder).sharing(arch)
                .tasks(TASKS).settings(TrainingSettings.builder().epochs(3).batchSize(8).learningRate(0.01f).seed(3)
                        .gradientMode(mode).progressBar(false).verbose(false).build()).build()) {
            EvaluationResult before = model.evaluate(train);
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            TrainingHistory h = model.trainer().output(quiet, quiet).fit(train, train);
            EvaluationResult after = h.last().validation().orElseThrow();
            assertTrue(after.totalLoss() < before.totalLoss(),
                    arch.name() + " " + mode + ": " + before.totalLoss() + " -> " + after.totalLoss());
        }
    }

    /** Checks that the builder rejects a gradient mode with a message naming the architecture and the mode. */
    static void assertRejects(Architecture arch, EncoderFactory encoder, GradientMode mode) {
        assertFalse(arch.create(INPUT, TASKS, encoder).supports(mode));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiTask.builder().input(3, 8, 8)
                .encoder(encoder).sharing(arch).tasks(TASKS).gradientMode(mode).build());
        assertTrue(e.getMessage().contains("'" + arch.name() + "'") && e.getMessage().contains(mode.name()),
                e.getMessage());
    }

    static Optional<NDArray> regularization(MultiTaskBlock block, NDManager manager) {
        return block.regularization(new ParameterStore(manager, false), true);
    }
}
