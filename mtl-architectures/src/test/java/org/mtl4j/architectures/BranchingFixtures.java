package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Random;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/** Checks shared by the NDDR-CNN, MTI-Net and LTB tests: pinned shapes, short deterministic trainings. */
final class BranchingFixtures {

    private BranchingFixtures() {}

    /** A block made without a model, as {@link Fixtures#create}, but initialised for a given batch size. */
    static MultiTaskBlock create(Architecture arch, Shape input, ImmutableList<Task> tasks, EncoderFactory encoder,
            int batch, NDManager manager) {
        Engine.getInstance().setRandomSeed(5);
        MultiTaskBlock block = arch.create(input, tasks, encoder);
        block.initialize(manager, DataType.FLOAT32, Stages.batched(input, batch));
        return block;
    }

    static NDArray gaussian(NDManager manager, Shape shape, long seed) {
        Random r = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return EngineArrays.create(manager, v, shape);
    }

    /**
     * Runs a training and an inference pass on a batch of {@code batch} inputs of shape {@code input} and checks every
     * output against {@code expected} (the K final predictions first, then any deep-supervised ones) and against the
     * declared shapes.
     */
    static void assertShapes(Architecture arch, EncoderFactory encoder, Shape input, int batch, Shape... expected) {
        ImmutableList<Task> tasks = Fixtures.TASKS;
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = create(arch, input, tasks, encoder, batch, m);
            Shape batched = Stages.batched(input, batch);
            Shape[] declared = block.getOutputShapes(new Shape[] {batched});
            assertEquals(expected.length, declared.length, "declared outputs");
            for (boolean training : new boolean[] {true, false}) {
                try (NDManager step = m.newSubManager()) {
                    NDList out = block.forward(new ParameterStore(step, false),
                            new NDList(gaussian(step, batched, 1)), training);
                    assertEquals(expected.length, out.size(), "outputs");
                    for (int i = 0; i < out.size(); i++) {
                        assertEquals(expected[i], out.get(i).getShape(), "output " + i + ", training " + training);
                        assertEquals(declared[i], out.get(i).getShape(), "declared output " + i);
                        for (float v : out.get(i).toFloatArray()) {
                            assertTrue(Float.isFinite(v), "output " + i + " has " + v);
                        }
                    }
                }
            }
            assertEquals(expected.length - tasks.size(), block.deepSupervision().size());
        }
    }

    /** The dense test tasks' prediction shapes for a batch at a resolution, {@code times} over. */
    static Shape[] denseShapes(int batch, int size, int times) {
        Shape[] out = new Shape[3 * times];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Shape(batch, Fixtures.TASKS.get(i % 3).channels(), size, size);
        }
        return out;
    }

    /** What a short training gave: the per-epoch task losses, the final parameters and predictions. */
    record Run(double[] losses, float[] parameters, float[] predictions) {}

    /**
     * Trains for 2 epochs on 8 samples with equal weights in a gradient mode ({@code NONE}: the loss-only strategy)
     * and checks that everything stays finite.
     */
    static Run train(Architecture arch, EncoderFactory encoder, GradientMode mode) {
        return train(arch, encoder, mode, network -> { });
    }

    /** As {@link #train(Architecture, EncoderFactory, GradientMode)}, and shows the trained network to a check. */
    static Run train(Architecture arch, EncoderFactory encoder, GradientMode mode,
            java.util.function.Consumer<MultiTaskBlock> inspect) {
        try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(encoder).sharing(arch)
                .tasks(Fixtures.TASKS).weighting(LossWeighting.equal())
                .settings(TrainingSettings.builder().epochs(2).batchSize(4).learningRate(0.01f).seed(3)
                        .gradientMode(mode).progressBar(false).verbose(false).build()).build()) {
            assertEquals(mode, model.settings().gradientMode());
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            TrainingHistory h = model.trainer().output(quiet, quiet).fit(TestData.dataset(8, 8, 1, 0), null);
            assertEquals(2, h.epochs().size());
            double[] losses = h.epochs().stream().map(EpochRecord::trainLoss)
                    .flatMap(l -> l.values().stream()).mapToDouble(Double::doubleValue).toArray();
            for (double l : losses) {
                assertTrue(Double.isFinite(l), arch.name() + " " + mode + ": loss " + l);
            }
            MultiTaskBlock network = model.network();
            int n = 0;
            for (Pair<String, Parameter> p : network.getParameters()) {
                n += Math.toIntExact(p.getValue().getArray().size());
            }
            float[] parameters = new float[n];
            int at = 0;
            for (Pair<String, Parameter> p : network.getParameters()) {
                float[] v = p.getValue().getArray().toFloatArray();
                System.arraycopy(v, 0, parameters, at, v.length);
                at += v.length;
            }
            for (float v : parameters) {
                assertTrue(Float.isFinite(v), arch.name() + " " + mode + ": parameter " + v);
            }
            float[] predictions;
            try (NDManager m = NDManager.newBaseManager(model.device())) {
                NDList y = model.predict(gaussian(m, new Shape(2, 3, 8, 8), 17));
                int size = 0;
                for (NDArray a : y) {
                    size += Math.toIntExact(a.size());
                }
                predictions = new float[size];
                at = 0;
                for (NDArray a : y) {
                    float[] v = a.toFloatArray();
                    System.arraycopy(v, 0, predictions, at, v.length);
                    at += v.length;
                }
            }
            inspect.accept(network);
            return new Run(losses, parameters, predictions);
        }
    }

    /** Trains twice with the same seed and checks that the runs agree bit for bit and that the training moved. */
    static Run assertTrainsDeterministically(Architecture arch, EncoderFactory encoder, GradientMode mode) {
        Run a = train(arch, encoder, mode);
        Run b = train(arch, encoder, mode);
        assertArrayEquals(a.losses(), b.losses(), 0, arch.name() + " " + mode + ": losses differ");
        assertArrayEquals(a.parameters(), b.parameters(), 0f, arch.name() + " " + mode + ": parameters differ");
        assertArrayEquals(a.predictions(), b.predictions(), 0f, arch.name() + " " + mode + ": predictions differ");
        assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOf(a.losses(), 3),
                java.util.Arrays.copyOfRange(a.losses(), 3, 6)), "the loss did not move");
        return a;
    }
}
