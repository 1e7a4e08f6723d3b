package org.mtl4j.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/** The training loop on real computation: determinism, flat memory, checkpoints, learning, bad settings. */
class TrainingLoopTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    private static MultiTask.Builder builder(long seed, int epochs) {
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks())
                .settings(TrainingSettings.builder().epochs(epochs).batchSize(4).seed(seed).progressBar(false)
                        .verbose(false).learningRate(0.01f).build());
    }

    private static double[][] losses(TrainingHistory h) {
        return h.epochs().stream().map(e -> e.trainLoss().values().stream().mapToDouble(Double::doubleValue)
                .toArray()).toArray(double[][]::new);
    }

    @Test
    void sameSeedGivesIdenticalLossesAndDifferentSeedDoesNot() {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 8, 1, 0.2);
        double[][] a;
        double[][] b;
        double[][] c;
        try (MultiTaskModel m = builder(5, 3).build()) {
            a = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        try (MultiTaskModel m = builder(5, 3).build()) {
            b = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        try (MultiTaskModel m = builder(6, 3).build()) {
            c = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        for (int e = 0; e < a.length; e++) {
            assertArrayEquals(a[e], b[e], 0.0, "epoch " + e);
        }
        assertNotEquals(a[2][0], c[2][0]);
    }

    @Test
    void sameSeedGivesByteIdenticalCheckpoints(@TempDir Path dir) throws IOException {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 8, 1, 0.2);
        for (String run : List.of("a", "b")) {
            try (MultiTaskModel m = builder(5, 2).build()) {
                m.trainer().output(QUIET, QUIET).checkpointDirectory(dir.resolve(run)).fit(train, null);
            }
        }
        byte[] a = Files.readAllBytes(dir.resolve("a").resolve(MultiTaskTrainer.LAST_CHECKPOINT));
        byte[] b = Files.readAllBytes(dir.resolve("b").resolve(MultiTaskTrainer.LAST_CHECKPOINT));
        assertTrue(a.length > 1000, "a checkpoint with parameters and optimiser moments");
        assertArrayEquals(a, b, "same seed, same checkpoint bytes (parameters, moments, header)");
    }

    @Test
    void learnsAndReportsValidationMetrics() {
        InMemoryMultiTaskDataset train = TestData.dataset(64, 8, 1, 0);
        InMemoryMultiTaskDataset val = TestData.dataset(16, 8, 2, 0);
        try (MultiTaskModel m = builder(1, 6).build()) {
            EvaluationResult before = m.evaluate(val);
            TrainingHistory h = m.trainer().output(QUIET, QUIET).fit(train, val);
            EvaluationResult after = h.last().validation().orElseThrow();
            for (String t : List.of("seg", "reg", "nrm")) {
                assertTrue(after.task(t).loss() < 0.7 * before.task(t).loss(),
                        t + ": " + before.task(t).loss() + " -> " + after.task(t).loss());
            }
            assertTrue(after.task("seg").metric("accuracy") > 0.6, after.summary());
            assertTrue(h.bestEpoch() >= 0);
        }
    }

    @Test
    void gradientModesTrainAndMatchLossModeForEqualWeights() {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 8, 1, 0.3);
        double[][] none;
        double[][] params;
        double[][] rep;
        try (MultiTaskModel m = builder(3, 2).build()) {
            none = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        try (MultiTaskModel m = builder(3, 2).gradientMode(GradientMode.PARAMETERS).build()) {
            params = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        try (MultiTaskModel m = builder(3, 2).gradientMode(GradientMode.REPRESENTATION).build()) {
            rep = losses(m.trainer().output(QUIET, QUIET).fit(train, null));
        }
        // equal weights: Σ_k g_k is the gradient of Σ_k L_k, so all modes follow the same path up to rounding
        for (int e = 0; e < 2; e++) {
            assertArrayEquals(none[e], params[e], 1e-4, "parameters, epoch " + e);
            assertArrayEquals(none[e], rep[e], 1e-4, "representation, epoch " + e);
        }
    }

    @Test
    void threeHundredStepsKeepArrayCountsAndResidentMemoryFlat() {
        InMemoryMultiTaskDataset train = TestData.dataset(64, 8, 1, 0.1);
        List<Integer> arrays = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        try (MultiTaskModel m = builder(1, 19).build()) {
            MultiTaskTrainer trainer = m.trainer().output(QUIET, QUIET).addListeners(new TrainingListenerAdapter() {
                @Override
                public void onEpoch(Trainer t) {
                    arrays.add(NativeMemory.liveResources(t.getManager())
                            + NativeMemory.liveResources(m.djlModel().getNDManager()));
                    rss.add(NativeMemory.residentBytes());
                }
            });
            trainer.fit(train, null);
            assertEquals(19 * 16, trainer.step(), "steps");
        }
        // after warm-up (epoch 2), nothing may accumulate
        for (int e = 2; e < arrays.size(); e++) {
            assertEquals(arrays.get(2), arrays.get(e), "live arrays at epoch " + e + ": " + arrays);
        }
        long growth = rss.get(rss.size() - 1) - rss.get(2);
        assertTrue(growth < 64L << 20, "RSS grew by " + (growth >> 20) + " MB over 270 steps: " + rss);
    }

    @Test
    void checkpointReloadsToIdenticalPredictions(@TempDir Path dir) throws IOException {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 8, 1, 0);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 8, 2, 0);
        float[][] before;
        try (MultiTaskModel m = builder(2, 2).build(); NDManager mgr = NDManager.newBaseManager()) {
            m.trainer().output(QUIET, QUIET).checkpointDirectory(dir).fit(train, val);
            assertTrue(Files.exists(dir.resolve(MultiTaskTrainer.LAST_CHECKPOINT)));
            assertTrue(Files.exists(dir.resolve(MultiTaskTrainer.BEST_CHECKPOINT)));
            before = predict(m, mgr);
        }
        try (MultiTaskModel fresh = builder(99, 2).build(); NDManager mgr = NDManager.newBaseManager()) {
            float[][] untrained = predict(fresh, mgr);
            assertNotEquals(before[0][0], untrained[0][0]);
            CheckpointState state = fresh.loadCheckpoint(dir.resolve(MultiTaskTrainer.LAST_CHECKPOINT));
            assertEquals(2, state.epochsCompleted());
            assertEquals(8, state.step());
            assertEquals(List.of("seg", "reg", "nrm"), state.taskNames());
            float[][] after = predict(fresh, mgr);
            for (int k = 0; k < before.length; k++) {
                assertArrayEquals(before[k], after[k], 0f);
            }
        }
    }

    private static float[][] predict(MultiTaskModel m, NDManager mgr) {
        NDArray x = mgr.randomUniform(-1, 1, new Shape(2, 3, 8, 8), ai.djl.ndarray.types.DataType.FLOAT32);
        x = mgr.create(new float[2 * 3 * 64], new Shape(2, 3, 8, 8)).add(0.5f);
        NDList out = m.predict(x);
        float[][] r = new float[out.size()][];
        for (int k = 0; k < r.length; k++) {
            r[k] = out.get(k).toFloatArray();
        }
        return r;
    }

    /** Crashes the run when epoch {@code crashAt} (0-based) ends, after the earlier epochs were checkpointed. */
    private static final class CrashAfter extends TrainingListenerAdapter {
        private final int crashAt;
        private int epochs;

        CrashAfter(int crashAt) {
            this.crashAt = crashAt;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            if (epochs++ == crashAt) {
                throw new IllegalStateException("simulated crash");
            }
        }
    }

    @Test
    void resumedRunReproducesTheUninterruptedRunLossForLoss(@TempDir Path dir) throws IOException {
        InMemoryMultiTaskDataset train = TestData.dataset(24, 8, 1, 0.2);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 8, 2, 0);
        for (OptimizerKind kind : OptimizerKind.values()) {
            MultiTask.Builder recipe = MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                    .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks())
                    .settings(TrainingSettings.builder().epochs(5).batchSize(4).seed(9).optimizer(kind)
                            .learningRate(0.01f).schedule(LearningRateSchedule.COSINE).progressBar(false)
                            .verbose(false).build());
            TrainingHistory whole;
            try (MultiTaskModel m = recipe.build()) {
                whole = m.trainer().output(QUIET, QUIET).fit(train, val);
            }
            Path ckpt = dir.resolve(kind.name());
            try (MultiTaskModel m = recipe.build()) {
                IllegalStateException crash = assertThrows(IllegalStateException.class, () -> m.trainer()
                        .output(QUIET, QUIET).checkpointDirectory(ckpt).addListeners(new CrashAfter(2))
                        .fit(train, val));
                assertEquals("simulated crash", crash.getMessage());
            }
            TrainingHistory tail;
            try (MultiTaskModel m = recipe.build()) {
                CheckpointState state = m.loadCheckpoint(ckpt.resolve(MultiTaskTrainer.LAST_CHECKPOINT));
                assertEquals(2, state.epochsCompleted());
                assertEquals(kind.name().toLowerCase(), state.optimizerState().optimizer());
                tail = m.trainer().output(QUIET, QUIET).resumeFrom(state).fit(train, val);
            }
            assertEquals(3, tail.epochs().size());
            double[][] a = losses(whole);
            double[][] b = losses(tail);
            for (int e = 0; e < 3; e++) {
                assertArrayEquals(a[e + 2], b[e], 0.0, kind + ": training losses of epoch " + (e + 3));
                assertEquals(whole.epochs().get(e + 2).validation().orElseThrow().totalLoss(),
                        tail.epochs().get(e).validation().orElseThrow().totalLoss(), 0.0,
                        kind + ": validation loss of epoch " + (e + 3));
            }
            assertEquals(whole.bestEpoch(), tail.bestEpoch(), kind + ": best epoch");
        }
    }

    @Test
    void checkpointOfAnotherModelIsRefusedNamingTheParameter(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.ckpt");
        try (MultiTaskModel m = builder(2, 1).build()) {
            m.saveCheckpoint(file, new CheckpointState(0, 0, com.google.common.collect.ImmutableList.of("seg", "reg", "nrm"),
                    com.google.common.collect.ImmutableList.of(), -1, 0, "equal",
                    com.google.common.collect.ImmutableMap.of(), com.google.common.collect.ImmutableMap.of()));
        }
        List<Task> other = new ArrayList<>(TestData.tasks());
        other.set(0, Task.builder("seg").dense(5).loss(TaskLosses.crossEntropy()).metric(TaskMetrics.accuracy(-1))
                .build());
        try (MultiTaskModel m = builder(2, 1).build()) {
            // sanity: the same structure loads
            m.loadCheckpoint(file);
        }
        MultiTask.Builder b = MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(other);
        try (MultiTaskModel m = b.build()) {
            IOException e = assertThrows(IOException.class, () -> m.loadCheckpoint(file));
            assertTrue(e.getMessage().contains("head_seg") && e.getMessage().contains("shape"), e.getMessage());
        }
        Files.write(dir.resolve("bad.ckpt"), new byte[] {1, 2, 3});
        try (MultiTaskModel m = builder(2, 1).build()) {
            IOException e = assertThrows(IOException.class, () -> m.loadCheckpoint(dir.resolve("bad.ckpt")));
            assertTrue(e.getMessage().contains("bad.ckpt"), e.getMessage());
            byte[] whole = Files.readAllBytes(file);
            Files.write(dir.resolve("cut.ckpt"), java.util.Arrays.copyOf(whole, whole.length / 2));
            IOException cut = assertThrows(IOException.class, () -> m.loadCheckpoint(dir.resolve("cut.ckpt")));
            assertTrue(cut.getMessage().contains("cut.ckpt"), cut.getMessage());
        }
    }

    @Test
    void nonFiniteLossStopsNamingTheTaskOrSkipsTheBatch() {
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8),
                List.of(new Shape(8, 8), new Shape(1, 8, 8), new Shape(3, 8, 8)));
        InMemoryMultiTaskDataset good = TestData.dataset(8, 8, 1, 0);
        for (int i = 0; i < 8; i++) {
            float[][] l = good.labelsOf(i).clone();
            if (i == 5) {
                l[1] = l[1].clone();
                l[1][3] = Float.NaN;
            }
            float[] x = new float[3 * 64];
            b.add(x, l);
        }
        InMemoryMultiTaskDataset poisoned = b.build();
        try (MultiTaskModel m = builder(2, 1).build()) {
            NonFiniteLossException e = assertThrows(NonFiniteLossException.class,
                    () -> m.trainer().output(QUIET, QUIET).fit(poisoned, null));
            assertEquals("reg", e.task());
            assertTrue(e.getMessage().contains("task 'reg'"), e.getMessage());
        }
        try (MultiTaskModel m = builder(2, 1).settings(TrainingSettings.builder().epochs(1).batchSize(4)
                .nonFinitePolicy(NonFinitePolicy.SKIP_BATCH).progressBar(false).verbose(false).build()).build()) {
            TrainingHistory h = m.trainer().output(QUIET, QUIET).fit(poisoned, null);
            assertEquals(1, h.last().skippedBatches());
        }
    }

    @Test
    void builderNamesTheOffendingSetting() {
        IllegalStateException noTask = assertThrows(IllegalStateException.class, () -> MultiTask.builder()
                .input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).build());
        assertTrue(noTask.getMessage().contains("task"), noTask.getMessage());
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> builder(1, 1)
                .task(TestData.tasks().get(0)).build());
        assertTrue(twice.getMessage().contains("'seg' added twice"), twice.getMessage());
        IllegalStateException noEncoder = assertThrows(IllegalStateException.class,
                () -> MultiTask.builder().input(3, 8, 8).build());
        assertTrue(noEncoder.getMessage().contains("encoder"), noEncoder.getMessage());
        IllegalArgumentException fixed = assertThrows(IllegalArgumentException.class,
                () -> LossWeighting.fixed(1, -2));
        assertTrue(fixed.getMessage().contains("-2"), fixed.getMessage());
        IllegalArgumentException rate = assertThrows(IllegalArgumentException.class,
                () -> TrainingSettings.builder().learningRate(0).build());
        assertTrue(rate.getMessage().contains("learning rate must be positive, got 0.0"), rate.getMessage());
        IllegalArgumentException badLabels = assertThrows(IllegalArgumentException.class, () -> {
            try (MultiTaskModel m = builder(1, 1).build()) {
                InMemoryMultiTaskDataset wrong = InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8),
                        List.of(new Shape(8, 8), new Shape(2, 8, 8), new Shape(3, 8, 8)))
                        .add(new float[192], new float[64], new float[128], new float[192]).build();
                m.trainer().output(QUIET, QUIET).fit(wrong, null);
            }
        });
        assertTrue(badLabels.getMessage().contains("task 'reg'"), badLabels.getMessage());
    }
}
