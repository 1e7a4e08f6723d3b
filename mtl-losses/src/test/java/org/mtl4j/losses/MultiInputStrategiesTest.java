package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EpochLength;
import org.mtl4j.core.data.MultiInput;
import org.mtl4j.core.data.Sampling;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;

/**
 * Every strategy trains with one input per task (data sets of 13, 7 and 4 samples), in each of its modes but
 * representation mode (which needs one shared input): finite losses and weights, and the same numbers twice.
 */
class MultiInputStrategiesTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final MultiInput TRAIN = MultiInput.builder()
            .task("seg", TestData.dataset(13, 8, 21, 0).selectTasks(0))
            .task("reg", TestData.dataset(7, 8, 22, 0.3).selectTasks(1))
            .task("nrm", TestData.dataset(4, 8, 23, 0).selectTasks(2))
            .sampling(Sampling.temperature(2)).epochLength(EpochLength.steps(3)).build();

    static Stream<Arguments> cases() {
        return Strategies.cases().stream().filter(a -> a.get()[1] != GradientMode.REPRESENTATION);
    }

    private static TrainingHistory train(String spec, GradientMode mode) {
        try (MultiTaskModel m = MultiTask.builder().input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory())
                .sharing(TinyMultiTaskBlock.architecture()).tasks(TestData.tasks())
                .weighting(Weightings.byName(spec, 3))
                .settings(TrainingSettings.builder().epochs(2).batchSize(5).seed(3).optimizer(OptimizerKind.SGD)
                        .momentum(0).learningRate(0.05f).gradientMode(mode).progressBar(false).verbose(false)
                        .build())
                .build()) {
            return m.trainer().output(QUIET, QUIET).fit(TRAIN, null);
        }
    }

    @ParameterizedTest(name = "{0} in {1} mode")
    @MethodSource("cases")
    void trainsFinitelyAndRepeatably(String spec, GradientMode mode) {
        TrainingHistory a = train(spec, mode);
        TrainingHistory b = train(spec, mode);
        assertEquals(2, a.epochs().size());
        for (int e = 0; e < 2; e++) {
            assertEquals(a.epochs().get(e).trainLoss(), b.epochs().get(e).trainLoss(), spec + ", epoch " + e);
            assertEquals(a.epochs().get(e).meanWeights(), b.epochs().get(e).meanWeights(), spec + ", epoch " + e);
            a.epochs().get(e).trainLoss().values().forEach(l -> assertTrue(Double.isFinite(l), spec + " loss " + l));
            a.epochs().get(e).meanWeights().values().forEach(w -> assertTrue(Double.isFinite(w), spec + " w " + w));
        }
    }
}
