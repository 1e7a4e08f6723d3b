package org.mtl4j.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.weighting.GradientMode;

/** The recipe records, their builder and how {@code MultiTask.Builder#settings} composes with single setters. */
class TrainingSettingsTest {

    @Test
    void recordsValidateEveryFieldAndNameIt() {
        assertMessage("epochs must be positive, got 0", () -> TrainingSettings.builder().epochs(0).build());
        assertMessage("batch size must be positive, got -1", () -> TrainingSettings.builder().batchSize(-1).build());
        assertMessage("weight decay must be non-negative, got -0.1",
                () -> new OptimizerSettings(OptimizerKind.SGD, 0.1f, -0.1f, 0f, LearningRateSchedule.STEP));
        assertMessage("momentum must lie in [0, 1), got 1.0", () -> OptimizerSettings.DEFAULT.withMomentum(1f));
        assertMessage("learning rate must be positive, got NaN",
                () -> OptimizerSettings.DEFAULT.withLearningRate(Float.NaN));
        assertMessage("gradient clip norm must be non-negative, got -1.0",
                () -> TrainingSettings.builder().clipGradientNorm(-1).build());
        assertMessage("max batches per epoch must be non-negative, got -3",
                () -> TrainingSettings.builder().maxBatchesPerEpoch(-3).build());
    }

    @Test
    void builderRoundTripsAndRecordsCompareByValue() {
        TrainingSettings s = TrainingSettings.builder().epochs(3).batchSize(5).optimizer(OptimizerKind.SGD)
                .learningRate(0.05f).momentum(0.5f).weightDecay(1e-4f).schedule(LearningRateSchedule.COSINE)
                .seed(7).gradientMode(GradientMode.PARAMETERS).clipGradientNorm(2).maxBatchesPerEpoch(9)
                .nonFinitePolicy(NonFinitePolicy.SKIP_BATCH).progressBar(false).verbose(false).build();
        assertEquals(new OptimizerSettings(OptimizerKind.SGD, 0.05f, 1e-4f, 0.5f, LearningRateSchedule.COSINE),
                s.optimizer());
        assertEquals(s, s.toBuilder().build());
        assertEquals(s, TrainingSettings.builder().optimizer(s.optimizer()).epochs(3).batchSize(5).seed(7)
                .gradientMode(GradientMode.PARAMETERS).clipGradientNorm(2).maxBatchesPerEpoch(9)
                .nonFinitePolicy(NonFinitePolicy.SKIP_BATCH).progressBar(false).verbose(false).build());
        assertEquals(GradientMode.REPRESENTATION, s.withGradientMode(GradientMode.REPRESENTATION).gradientMode());
        assertEquals("sgd", s.describe().get("optimizer"));
        assertEquals(0.05f, s.describe().get("learning_rate"));
    }

    @Test
    void singleSettersWinOverSettingsWhetherCalledBeforeOrAfter() {
        TrainingSettings recipe = TrainingSettings.builder().epochs(9).batchSize(3).seed(5).learningRate(0.02f)
                .progressBar(false).verbose(false).build();
        MultiTask.Builder before = base().epochs(2).seed(11).settings(recipe);
        MultiTask.Builder after = base().settings(recipe).epochs(2).seed(11);
        for (MultiTask.Builder b : new MultiTask.Builder[] {before, after}) {
            try (MultiTaskModel m = b.build()) {
                TrainingSettings s = m.settings();
                assertEquals(2, s.epochs());
                assertEquals(11, s.seed());
                assertEquals(3, s.batchSize(), "fields not set singly come from the recipe");
                assertEquals(0.02f, s.optimizer().learningRate());
                assertEquals(false, s.verbose());
            }
        }
        TrainingSettings other = recipe.toBuilder().batchSize(8).build();
        try (MultiTaskModel m = base().settings(recipe).settings(other).build()) {
            assertEquals(8, m.settings().batchSize(), "a second recipe replaces the first");
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> base().settings(recipe).epochs(0).build());
        assertTrue(bad.getMessage().contains("epochs must be positive, got 0"), bad.getMessage());
    }

    private static MultiTask.Builder base() {
        return MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expected, e.getMessage());
    }
}
