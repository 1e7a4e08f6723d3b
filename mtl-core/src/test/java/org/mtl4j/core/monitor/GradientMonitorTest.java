package org.mtl4j.core.monitor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;

/** Step records and epoch summaries on hand-made Gram matrices, and the monitor on real training steps. */
class GradientMonitorTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final ImmutableList<String> ABC = ImmutableList.of("a", "b", "c");

    @Test
    void cosinesAndConflictsFromAGramMatrix() {
        // g_a = (2, 0), g_b = (−1, 0), g_c = 0: cos_ab = −2 / (2·1) = −1; c has no direction
        double[][] gram = {{4, -2, 0}, {-2, 1, 0}, {0, 0, 0}};
        StepRecord r = StepRecord.of(3, 0, ABC, new double[] {1, 2, 3}, new double[] {1, 1, 1},
                new boolean[] {true, true, true}, gram);
        assertEquals(-1, r.cosine(0, 1), 1e-12);
        assertEquals(1, r.cosine(0, 0), 1e-12);
        assertTrue(Double.isNaN(r.cosine(0, 2)));
        assertEquals(1, r.conflictingPairs());
        // identical directions do not conflict; an absent task is left out even with a gradient
        double[][] same = {{1, 2, -3}, {2, 4, -6}, {-3, -6, 9}};
        StepRecord s = StepRecord.of(4, 0, ABC, new double[3], new double[3], new boolean[] {true, true, false}, same);
        assertEquals(1, s.cosine(0, 1), 1e-12);
        assertTrue(Double.isNaN(s.cosine(0, 2)));
        assertEquals(0, s.conflictingPairs());
        // loss mode: no gradients, no cosines, no conflicts
        StepRecord l = StepRecord.of(5, 0, ABC, new double[3], new double[3], new boolean[] {true, true, true}, null);
        assertTrue(l.cosines().isEmpty());
        assertEquals(0, l.conflictingPairs());
    }

    @Test
    void epochSummaryAveragesWeightsCosinesAndConflicts() {
        double[][] opposite = {{1, -1}, {-1, 1}}; // cos −1, one conflict
        double[][] orthogonal = {{1, 0}, {0, 4}}; // cos 0, none
        ImmutableList<String> ab = ImmutableList.of("a", "b");
        boolean[] both = {true, true};
        GradientMonitor m = new GradientMonitor();
        m.onStep(StepRecord.of(0, 0, ab, new double[2], new double[] {1, 3}, both, opposite));
        m.onStep(StepRecord.of(1, 0, ab, new double[2], new double[] {2, 1}, both, orthogonal));
        m.onStep(StepRecord.of(2, 1, ab, new double[2], new double[] {0.5, 0.5}, new boolean[] {true, false},
                opposite));
        List<GradientMonitor.EpochSummary> e = m.epochs();
        assertEquals(2, e.size());
        assertEquals(2, e.get(0).steps());
        assertArrayEquals(new double[] {1.5, 2}, e.get(0).meanWeights().toArray(), 1e-12);
        assertEquals(-0.5, e.get(0).meanCosines().get(1), 1e-12); // (−1 + 0) / 2
        assertEquals(1, e.get(0).meanCosines().get(0), 1e-12);
        assertEquals(0.5, e.get(0).meanConflictingPairs(), 1e-12);
        assertEquals(0.5, e.get(0).conflictShare(), 1e-12);
        // epoch 1: b absent, so the pair's cosine is undefined in its only step
        assertTrue(Double.isNaN(e.get(1).meanCosines().get(1)));
        assertEquals(0, e.get(1).meanConflictingPairs(), 1e-12);
    }

    private static MultiTask.Builder builder(GradientMode mode) {
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks())
                .settings(TrainingSettings.builder().epochs(2).batchSize(4).seed(7).progressBar(false)
                        .verbose(false).learningRate(0.01f).build()).gradientMode(mode);
    }

    @Test
    void monitoringRealStepsLeavesTheNumbersAloneInEveryMode() {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 8, 3, 0.3);
        for (GradientMode mode : List.of(GradientMode.NONE, GradientMode.PARAMETERS, GradientMode.REPRESENTATION)) {
            TrainingHistory plain;
            try (MultiTaskModel m = builder(mode).build()) {
                plain = m.trainer().output(QUIET, QUIET).fit(train, null);
            }
            GradientMonitor monitor = new GradientMonitor();
            TrainingHistory watched;
            try (MultiTaskModel m = builder(mode).build()) {
                watched = m.trainer().output(QUIET, QUIET).observeGradients(monitor).fit(train, null);
            }
            for (int e = 0; e < 2; e++) {
                assertEquals(plain.epochs().get(e).trainLoss(), watched.epochs().get(e).trainLoss(), mode + " " + e);
            }
            assertEquals(8, monitor.steps().size(), mode.toString()); // 2 epochs × 16 / 4
            assertEquals(2, monitor.epochs().size());
            for (int s = 0; s < 8; s++) {
                StepRecord r = monitor.steps().get(s);
                assertEquals(s, r.step());
                assertEquals(s / 4, r.epoch());
                assertEquals(mode != GradientMode.NONE, r.cosines().isPresent(), mode + " step " + s);
                for (int t = 0; t < 3; t++) {
                    assertEquals(1.0, r.weights().get(t), "equal weights");
                    if (r.cosines().isPresent() && r.present().get(t)) {
                        assertEquals(1, r.cosine(t, t), 1e-5, "a gradient's cosine with itself");
                    }
                }
            }
            GradientMonitor.EpochSummary first = monitor.epochs().get(0);
            assertEquals(plain.epochs().get(0).meanWeights().get("seg"), first.meanWeights().get(0), 1e-12);
            assertFalse(mode != GradientMode.NONE && first.meanCosines().isEmpty());
        }
    }
}
