package org.mtl4j.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.runs.GroupingData;
import com.google.common.collect.ImmutableList;
import org.mtl4j.grouping.estimators.GainPredictor;
import org.mtl4j.grouping.estimators.MetaGainSampling;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.InProcessExecutor;
import org.mtl4j.grouping.study.StudyApproximation;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.study.StudyListener;
import org.mtl4j.grouping.study.StudyResult;
import org.mtl4j.architectures.Architectures;

/**
 * The Spark executors against the in-process ones on tiny synthetic scenes: the same losses for the same seeds, a
 * retried fault that loses and duplicates nothing, the actively sampled subsets of MTG-Net, and the {@code --spark}
 * option of {@code mtl study} and {@code mtl sweep}.
 */
class SparkExecutorsTest {

    private static final GroupingData.Options DATA = new GroupingData.Options("synthetic", "s,d,n", 16, 24, 8, 8, 42,
            2);
    private static StudyData data;

    @BeforeAll
    static void load() throws IOException {
        data = GroupingData.load(DATA, new PrintStream(new ByteArrayOutputStream()));
    }

    /** A small full study (7 subsets + 3 half-size networks) with the given executor. */
    private static StudyResult study(Path dir, CandidateExecutor executor, StudyListener listener) throws IOException {
        return GroupingStudy.builder().setting("spark-test").approximation(StudyApproximation.NONE)
                .architecture("hps").epochs(2).width(2).batchSize(8).learningRate(2e-3f).seed(42)
                .budgets(List.of(1.0, 2.0, 3.0)).directory(dir).tasks(List.of("s", "d", "n"))
                .dataDescription(data.describe()).executor(executor).listener(listener).build().run();
    }

    private static InProcessExecutor inProcess() {
        return new InProcessExecutor(data, Architectures.hardSharing(), GroupingData.encoders(data.inputShape()));
    }

    private static long files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    @Test
    void localTwoGivesExactlyTheInProcessLossesAndARetriedFaultLosesNothing(@TempDir Path dir) throws Exception {
        StudyResult here = study(dir.resolve("here"), inProcess(), new StudyListener() {});
        String expected = Files.readString(here.lossesCsv());

        try (SparkBackend spark = SparkBackend.open("local[2]")) {
            StudyResult there = study(dir.resolve("spark"), spark.studyExecutor(DATA, "hps", null),
                    new StudyListener() {});
            assertEquals(expected, Files.readString(there.lossesCsv()), "local[2] gives the in-process losses");
            assertEquals(10, there.trained());
        }

        // the first attempt of candidate "sd" dies after its first epoch; Spark retries it (local[2,2]: 2 attempts)
        AtomicInteger delivered = new AtomicInteger();
        int before = SparkWorker.INJECTED.get();
        try (SparkBackend spark = SparkBackend.open("local[2,2]").inject(new FaultPlan("sd", 1))) {
            StudyResult retried = study(dir.resolve("retried"), spark.studyExecutor(DATA, "hps", null),
                    new StudyListener() {
                        @Override
                        public void candidateFinished(CandidateResult result, int done, int toTrain) {
                            delivered.incrementAndGet();
                        }
                    });
            assertEquals(1, SparkWorker.INJECTED.get() - before, "the fault fired once");
            assertEquals(10, delivered.get(), "every candidate delivered exactly once");
            assertEquals(10, files(dir.resolve("retried").resolve(GroupingStudy.CANDIDATES_DIR)),
                    "one stored result per candidate");
            assertEquals(expected, Files.readString(retried.lossesCsv()), "the retried study has the same losses");
        }

        // without retries the failure is reported by name and the finished candidates are kept for a restart
        try (SparkBackend spark = SparkBackend.open("local[2]").inject(new FaultPlan("dn", 1))) {
            Path failing = dir.resolve("failing");
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> study(failing, spark.studyExecutor(DATA, "hps", null), new StudyListener() {}));
            assertTrue(e.getMessage().contains("dn") && e.getMessage().contains("injected fault"), e.getMessage());
            assertEquals(9, files(failing.resolve(GroupingStudy.CANDIDATES_DIR)), "the 9 others are kept");
        }
    }

    @Test
    void activelySampledSubsetsRunOnSparkWithTheSamePicksAndLosses(@TempDir Path dir) throws Exception {
        // MTG-Net's rounds submit one network at a time; the picks depend on the losses, so equal losses give
        // equal picks
        NetworkRecipe recipe = new NetworkRecipe(data.describe(), ImmutableList.of("s", "d", "n"), "hps", 2, 2, 8,
                2e-3f, 42);
        GainPredictor.Settings predictor = new GainPredictor.Settings(8, 1, 0.007, 5e-4, 100, 20, 1, 3);
        MetaGainSampling.Result here = MetaGainSampling.of(recipe, 2, predictor, inProcess()).storage(
                dir.resolve("here"), StudyListener.NONE, ai.djl.Device.cpu()).run();
        try (SparkBackend spark = SparkBackend.open("local[2]")) {
            MetaGainSampling.Result there = MetaGainSampling.of(recipe, 2, predictor, spark.studyExecutor(DATA,
                    "hps", null)).storage(dir.resolve("spark"), StudyListener.NONE, ai.djl.Device.cpu()).run();
            assertEquals(6, there.trainedThisRun(), "3 singles, sdn and 2 chosen pairs");
            assertEquals(here.acquisitions(), there.acquisitions());
            assertEquals(here.losses(), there.losses());
        }
    }
}
