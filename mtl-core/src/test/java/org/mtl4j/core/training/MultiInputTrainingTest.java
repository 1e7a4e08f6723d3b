package org.mtl4j.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EpochLength;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.data.Sampling;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.NativeMemory;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.weighting.GradientMode;

/** Multi-input training: the sampling rule, the epoch, the per-task batches, determinism, resuming, bad input. */
class MultiInputTrainingTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final List<String> NAMES = List.of("seg", "reg", "nrm");

    private static MultiInput inputs(int seg, int reg, int nrm, Sampling sampling, EpochLength epoch) {
        return MultiInput.builder()
                .task("seg", TestData.dataset(seg, 8, 11, 0).selectTasks(0))
                .task("reg", TestData.dataset(reg, 8, 12, 0.2).selectTasks(1))
                .task("nrm", TestData.dataset(nrm, 8, 13, 0).selectTasks(2))
                .sampling(sampling).epochLength(epoch).build();
    }

    private static MultiTask.Builder builder(int epochs, GradientMode mode) {
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks())
                .settings(TrainingSettings.builder().epochs(epochs).batchSize(6).seed(5).optimizer(OptimizerKind.SGD)
                        .momentum(0).learningRate(0.05f).gradientMode(mode).progressBar(false).verbose(false)
                        .build());
    }

    @Test
    void samplingRulesShareABatchAsTheFormulaSays() {
        long[] sizes = {100, 400};
        // proportional: 1 each + 8·(0.2, 0.8) = (1.6, 6.4) → (1, 6), one left by largest remainder → task 0
        assertArrayEquals(new int[] {3, 7}, Sampling.proportional().batchSizes(sizes, 10));
        assertArrayEquals(new int[] {5, 5}, Sampling.equal().batchSizes(sizes, 10));
        // T = 2: weights √100 = 10, √400 = 20 → 8·(1/3, 2/3) = (2.67, 5.33) → (2, 5) + 1 to task 0
        assertArrayEquals(new int[] {4, 6}, Sampling.temperature(2).batchSizes(sizes, 10));
        assertArrayEquals(new int[] {1, 1, 1}, Sampling.equal().batchSizes(new long[] {5, 5, 5}, 2), "B < K");
        assertArrayEquals(new int[] {2}, Sampling.proportional().batchSizes(new long[] {7}, 2), "one task");
        assertEquals(Sampling.temperature(3), Sampling.parse("temperature:3"));
        assertEquals(Sampling.equal(), Sampling.parse("equal"));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(0.5));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Sampling.parse("random"));
        assertTrue(bad.getMessage().contains("'random'"), bad.getMessage());
    }

    @Test
    void epochLengthCountsStepsOfTheChosenPass() {
        long[] sizes = {20, 9, 5};
        int[] b = {3, 2, 1};
        assertEquals(7, EpochLength.ofTask("seg").stepsPerEpoch(NAMES, sizes, b));
        assertEquals(5, EpochLength.ofTask("reg").stepsPerEpoch(NAMES, sizes, b));
        assertEquals(7, EpochLength.longestTask().stepsPerEpoch(NAMES, sizes, b));
        assertEquals(4, EpochLength.steps(4).stepsPerEpoch(NAMES, sizes, b));
        IllegalStateException unknown = assertThrows(IllegalStateException.class,
                () -> MultiInput.builder().task("seg", TestData.dataset(2, 8, 1, 0).selectTasks(0))
                        .epochLength(EpochLength.ofTask("depth")).build());
        assertTrue(unknown.getMessage().contains("'depth'"), unknown.getMessage());
    }

    @Test
    void samplerPassesEachDataSetOncePerPassAndContinuesAcrossEpochs() {
        RandomAccessDataset data = TestData.dataset(7, 8, 1, 0).selectTasks(0);
        List<Long> two = drawn(new MultiInputSampler(9, 1, 0, 10, 3), data);
        List<Long> first = drawn(new MultiInputSampler(9, 1, 0, 5, 3), data);
        first.addAll(drawn(new MultiInputSampler(9, 1, 1, 5, 3), data));
        assertEquals(two, first, "epoch 1 continues where epoch 0 stopped");
        for (int pass = 0; pass < 4; pass++) {
            Set<Long> seen = new HashSet<>(two.subList(pass * 7, pass * 7 + 7));
            assertEquals(7, seen.size(), "pass " + pass + " is a permutation: " + two);
        }
        assertTrue(!two.subList(0, 7).equals(two.subList(7, 14)), "each pass is reshuffled");
        assertTrue(!two.equals(drawn(new MultiInputSampler(9, 2, 0, 10, 3), data)), "tasks draw differently");
    }

    private static List<Long> drawn(MultiInputSampler s, RandomAccessDataset data) {
        List<Long> all = new ArrayList<>();
        s.sample(data).forEachRemaining(all::addAll);
        return all;
    }

    @Test
    void eachTaskLossComesFromItsOwnBatch() throws Exception {
        MultiInput in = inputs(20, 9, 5, Sampling.equal(), EpochLength.steps(1));
        try (MultiTaskModel m = builder(1, GradientMode.NONE).build(); NDManager manager = NDManager.newBaseManager()) {
            double[] expected = new double[3];
            List<Task> tasks = m.tasks();
            for (int t = 0; t < 3; t++) {
                RandomAccessDataset d = in.data(NAMES.get(t));
                Iterator<Batch> it = d.getData(manager, new MultiInputSampler(5, t, 0, 1, 2)).iterator();
                try (Batch b = it.next()) {
                    NDList out = m.network().forward(new ParameterStore(manager, false), b.getData(), false);
                    expected[t] = tasks.get(t).loss().compute(out.get(t), b.getLabels().get(0),
                            b.getLabels().get(1).get(":, 0")).getFloat();
                }
            }
            TrainingHistory h = m.fit(in, null);
            for (int t = 0; t < 3; t++) {
                assertEquals(expected[t], h.epochs().get(0).trainLoss().get(NAMES.get(t)), 1e-6, NAMES.get(t));
            }
        }
    }

    @Test
    void trainsDeterministicallyLearnsAndValidatesEachTaskOnItsOwnData() {
        MultiInput train = inputs(30, 12, 6, Sampling.temperature(2), EpochLength.ofTask("seg"));
        MultiInput val = inputs(8, 5, 3, Sampling.proportional(), EpochLength.longestTask());
        TrainingHistory a;
        TrainingHistory b;
        try (MultiTaskModel m = builder(4, GradientMode.PARAMETERS).build()) {
            MultiTaskTrainer trainer = m.trainer().output(QUIET, QUIET);
            a = trainer.fit(train, val);
            // T = 2 over (30, 12, 6), B = 6: 1 each + 3·(5.48, 3.46, 2.45)/11.39 = (1.44, 0.91, 0.65) → (1, 0, 0),
            // the 2 left to the largest remainders (0.91, 0.65) → (2, 2, 2)
            assertEquals(4 * 15, trainer.step(), "an epoch is one pass over seg's 30 samples in batches of 2");
        }
        try (MultiTaskModel m = builder(4, GradientMode.PARAMETERS).build()) {
            b = m.trainer().output(QUIET, QUIET).fit(train, val);
        }
        for (int e = 0; e < 4; e++) {
            assertEquals(a.epochs().get(e).trainLoss(), b.epochs().get(e).trainLoss(), "same seed, epoch " + e);
        }
        EvaluationResult last = a.epochs().get(3).validation().orElseThrow();
        assertEquals(NAMES, List.copyOf(last.tasks().keySet()));
        for (String t : NAMES) {
            assertTrue(Double.isFinite(last.task(t).loss()), last.summary());
            assertTrue(a.epochs().get(3).trainLoss().get(t) < a.epochs().get(0).trainLoss().get(t),
                    t + " learns: " + a.epochs().get(0).trainLoss() + " -> " + a.epochs().get(3).trainLoss());
        }
    }

    @Test
    void resumesAtAnEpochBoundaryExactly(@TempDir Path dir) throws IOException {
        MultiInput train = inputs(11, 7, 4, Sampling.proportional(), EpochLength.longestTask());
        TrainingHistory whole;
        try (MultiTaskModel m = builder(4, GradientMode.NONE).build()) {
            whole = m.trainer().output(QUIET, QUIET).fit(train, null);
        }
        try (MultiTaskModel m = builder(2, GradientMode.NONE).build()) {
            m.trainer().output(QUIET, QUIET).checkpointDirectory(dir).fit(train, null);
        }
        try (MultiTaskModel m = builder(4, GradientMode.NONE).build()) {
            TrainingHistory tail = m.trainer().output(QUIET, QUIET)
                    .resumeFrom(m.loadCheckpoint(dir.resolve(MultiTaskTrainer.LAST_CHECKPOINT))).fit(train, null);
            for (int e = 0; e < 2; e++) {
                for (String t : NAMES) {
                    assertEquals(whole.epochs().get(e + 2).trainLoss().get(t), tail.epochs().get(e).trainLoss().get(t),
                            1e-6, t + ", epoch " + (e + 2));
                }
            }
        }
    }

    @Test
    void badInputNamesTheCulprit() {
        MultiInput twoTasks = MultiInput.builder().task("seg", TestData.dataset(4, 8, 1, 0).selectTasks(0))
                .task("reg", TestData.dataset(4, 8, 1, 0).selectTasks(1)).build();
        try (MultiTaskModel m = builder(1, GradientMode.NONE).build()) {
            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                    () -> m.trainer().output(QUIET, QUIET).fit(twoTasks, null));
            assertTrue(missing.getMessage().contains("[seg, reg, nrm]") && missing.getMessage().contains("[seg, reg]"),
                    missing.getMessage());
            MultiInput wrongLayout = MultiInput.builder().task("seg", TestData.dataset(4, 8, 1, 0))
                    .task("reg", TestData.dataset(4, 8, 1, 0).selectTasks(1))
                    .task("nrm", TestData.dataset(4, 8, 1, 0).selectTasks(2)).build();
            IllegalArgumentException layout = assertThrows(IllegalArgumentException.class,
                    () -> m.trainer().output(QUIET, QUIET).fit(wrongLayout, null));
            assertTrue(layout.getMessage().contains("[seg]"), layout.getMessage());
        }
        try (MultiTaskModel m = builder(1, GradientMode.REPRESENTATION).build()) {
            IllegalArgumentException rep = assertThrows(IllegalArgumentException.class,
                    () -> m.trainer().fit(inputs(4, 4, 4, Sampling.equal(), EpochLength.longestTask()), null));
            assertTrue(rep.getMessage().contains("representation"), rep.getMessage());
        }
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> MultiInput.builder().build());
        assertTrue(empty.getMessage().contains("no task"), empty.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> MultiInput.builder()
                .task("seg", TestData.dataset(2, 8, 1, 0).selectTasks(0))
                .task("seg", TestData.dataset(2, 8, 1, 0).selectTasks(0)));
        assertTrue(twice.getMessage().contains("'seg'"), twice.getMessage());
    }

    @Test
    void liveArraysStayFlatWithSeveralInputsAndWithCutEpochs() {
        List<Integer> multi = new ArrayList<>();
        List<Integer> cut = new ArrayList<>();
        try (MultiTaskModel m = builder(8, GradientMode.PARAMETERS).build()) {
            m.trainer().output(QUIET, QUIET).addListeners(counter(m, multi))
                    .fit(inputs(13, 7, 5, Sampling.equal(), EpochLength.longestTask()), null);
        }
        try (MultiTaskModel m = builder(8, GradientMode.NONE)
                .settings(TrainingSettings.builder().batchSize(2).maxBatchesPerEpoch(3).progressBar(false)
                        .verbose(false).build()).build()) {
            m.trainer().output(QUIET, QUIET).addListeners(counter(m, cut)).fit(TestData.dataset(16, 8, 1, 0), null);
        }
        for (int e = 2; e < 8; e++) {
            assertEquals(multi.get(2), multi.get(e), "multi-input, epoch " + e + ": " + multi);
            assertEquals(cut.get(2), cut.get(e), "max batches per epoch, epoch " + e + ": " + cut);
        }
    }

    private static TrainingListenerAdapter counter(MultiTaskModel m, List<Integer> counts) {
        return new TrainingListenerAdapter() {
            @Override
            public void onEpoch(Trainer t) {
                counts.add(NativeMemory.liveResources(t.getManager())
                        + NativeMemory.liveResources(m.djlModel().getNDManager()));
            }
        };
    }
}
