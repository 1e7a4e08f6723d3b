package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.meanWeights;
import static org.mtl4j.losses.StrategyFixtures.trainLosses;

import com.google.common.collect.ImmutableMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/**
 * The contract every strategy keeps, in every mode it supports: finite weights (non-negative where the method says
 * so), identical runs under one seed, and a checkpoint round trip that loses nothing: training 2 epochs, saving,
 * loading into a fresh model and resuming for 2 more gives exactly the losses of 4 uninterrupted epochs. The
 * optimiser is plain SGD, whose state DJL does not keep, so any difference would come from the strategy's state.
 */
class WeightingContractTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final InMemoryMultiTaskDataset TRAIN = TestData.dataset(16, 8, 1, 0.2);

    static Stream<Arguments> cases() {
        return Strategies.cases().stream();
    }

    private static MultiTaskModel build(String spec, GradientMode mode, int epochs) {
        LossWeighting w = Weightings.byName(spec, 3);
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks()).weighting(w)
                .settings(TrainingSettings.builder().epochs(epochs).batchSize(4).seed(7).optimizer(OptimizerKind.SGD)
                        .momentum(0).learningRate(0.05f).gradientMode(mode).progressBar(false).verbose(false)
                        .build())
                .build();
    }

    @ParameterizedTest(name = "{0} in {1} mode")
    @MethodSource("cases")
    void deterministicFiniteAndResumableFromACheckpoint(String spec, GradientMode mode, @TempDir Path dir)
            throws IOException {
        TrainingHistory a;
        TrainingHistory b;
        ImmutableMap<String, double[]> stateA;
        try (MultiTaskModel m = build(spec, mode, 4)) {
            a = m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
            stateA = m.weighting().state();
        }
        try (MultiTaskModel m = build(spec, mode, 4)) {
            b = m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
        }
        double[][] la = trainLosses(a);
        double[][] wa = meanWeights(a);
        for (int e = 0; e < 4; e++) {
            assertArrayEquals(la[e], trainLosses(b)[e], 0.0, "same seed, epoch " + e);
            assertArrayEquals(wa[e], meanWeights(b)[e], 0.0, "same seed, weights of epoch " + e);
            for (int k = 0; k < 3; k++) {
                assertTrue(Double.isFinite(la[e][k]), "loss " + la[e][k]);
                assertTrue(Double.isFinite(wa[e][k]), spec + " weight " + wa[e][k]);
                assertTrue(Strategies.SIGNED.contains(spec) || wa[e][k] >= 0, spec + " weight " + wa[e][k]);
            }
        }
        // 2 epochs, checkpoint, fresh model, resume to 4
        try (MultiTaskModel m = build(spec, mode, 2)) {
            m.trainer().output(QUIET, QUIET).checkpointDirectory(dir).fit(TRAIN, null);
        }
        Path last = dir.resolve(MultiTaskTrainer.LAST_CHECKPOINT);
        TrainingHistory resumed;
        ImmutableMap<String, double[]> stateC;
        try (MultiTaskModel m = build(spec, mode, 4)) {
            CheckpointState state = m.loadCheckpoint(last);
            assertEquals(2, state.epochsCompleted());
            assertEquals(spec.equals("equal") ? "equal" : m.weighting().name(), state.weighting());
            resumed = m.trainer().output(QUIET, QUIET).resumeFrom(state).fit(TRAIN, null);
            stateC = m.weighting().state();
        }
        List<EpochRecord> tail = resumed.epochs();
        assertEquals(2, tail.size());
        for (int e = 0; e < 2; e++) {
            assertArrayEquals(la[e + 2], trainLosses(resumed)[e], 1e-6, spec + ": resumed epoch " + (e + 3));
            assertArrayEquals(wa[e + 2], meanWeights(resumed)[e], 1e-6, spec + ": resumed weights " + (e + 3));
        }
        assertStatesEqual(stateA, stateC);
    }

    @ParameterizedTest(name = "{0} in {1} mode")
    @MethodSource("cases")
    void stateSurvivesACheckpointFile(String spec, GradientMode mode, @TempDir Path dir) throws IOException {
        Path file = dir.resolve("w.ckpt");
        ImmutableMap<String, double[]> state;
        try (MultiTaskModel m = build(spec, mode, 2)) {
            MultiTaskTrainer t = m.trainer().output(QUIET, QUIET);
            t.fit(TRAIN, null);
            state = m.weighting().state();
            m.saveCheckpoint(file, new CheckpointState(2, t.step(), m.network().taskNames(),
                    com.google.common.collect.ImmutableList.of(), -1, 0, m.weighting().name(), state,
                    ImmutableMap.of()));
        }
        LossWeighting fresh = Weightings.byName(spec, 3);
        fresh.restoreState(Checkpoints.readState(file).weightingState());
        assertStatesEqual(state, fresh.state());
    }

    private static void assertStatesEqual(Map<String, double[]> expected, Map<String, double[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, double[]> e : expected.entrySet()) {
            assertArrayEquals(e.getValue(), actual.get(e.getKey()), 1e-12, e.getKey());
        }
    }
}
