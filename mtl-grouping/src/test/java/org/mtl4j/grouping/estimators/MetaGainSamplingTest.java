package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.estimators.SampledHigherOrderAffinityTest.LinearModelExecutor;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.study.StudyListener;

/** MTG-Net's active sampling end to end on the known linear loss model: picks, completion, files, resumption. */
class MetaGainSamplingTest {

    private static final List<String> TASKS = HigherOrderSurrogateTest.TASKS;
    /** Smaller and shorter than the defaults, to keep the test quick. */
    private static final GainPredictor.Settings FAST = new GainPredictor.Settings(16, 2, 0.007, 5e-4, 400, 100, 2, 1);

    private static MetaGainSampling estimator(LinearModelExecutor ex, int rounds) {
        NetworkRecipe recipe = new NetworkRecipe("linear", com.google.common.collect.ImmutableList.copyOf(TASKS),
                "formula", 16, 6, 16, 2e-3f, 42);
        return MetaGainSampling.of(recipe, rounds, FAST, ex);
    }

    @Test
    void activeRoundsAskAboutEveryTaskInTurnAndTheTableIsCompleted(@TempDir Path dir) throws Exception {
        LinearModelExecutor ex = new LinearModelExecutor();
        MetaGainSampling.Result r = estimator(ex, 6).storage(dir.resolve("c"), StudyListener.NONE, Device.cpu())
                .run();
        assertEquals(List.of("a", "b", "c", "d", "e", "abcde"), ex.executed.subList(0, 6).stream()
                .map(CandidateSpec::name).toList(), "the singles and the all-task network first");
        assertEquals(12, ex.executed.size(), "6 initial + 6 rounds");
        assertEquals(6, r.acquisitions().size());
        Set<List<String>> seen = new HashSet<>();
        for (MetaGainSampling.Acquisition a : r.acquisitions()) {
            assertEquals(TASKS.get(a.round() % 5), a.task(), "round " + a.round() + " asks about task r mod K");
            assertTrue(a.subset().contains(a.task()) && a.subset().size() >= 2 && a.subset().size() < 5,
                    a.toString());
            assertTrue(seen.add(a.subset()), "never trained twice: " + a);
            double truth = 1 - HigherOrderSurrogateTest.truth(a.subset(), a.task())
                    / HigherOrderSurrogateTest.truth(List.of(a.task()), a.task());
            assertEquals(truth, a.measuredGain(), 1e-12, a.toString());
        }
        // every network trained is one of the full study's
        GroupingStudy study = GroupingStudy.builder().tasks(TASKS).dataDescription("linear").architecture("formula")
                .directory(Path.of("unused")).executor(new LinearModelExecutor()).build();
        assertTrue(new HashSet<>(study.plan()).containsAll(ex.executed));

        LossTable val = r.losses().split(EstimatedLosses.VAL);
        LossTable test = r.losses().split(EstimatedLosses.TEST);
        assertEquals(31, val.candidates().size(), "every non-empty subset");
        double err = 0;
        double none = 0;
        for (Candidate c : val.candidates()) {
            List<String> members = TASKS.stream().filter(c.tasks()::contains).toList();
            boolean trained = ex.executed.stream().anyMatch(s -> s.tasks().equals(members));
            for (String t : members) {
                double truth = HigherOrderSurrogateTest.truth(members, t);
                assertTrue(Double.isFinite(c.loss(t)) && c.loss(t) > 0, c.name() + " " + t);
                if (trained) {
                    assertEquals(truth, c.loss(t), 1e-12, "measured losses are kept: " + c.name());
                    assertEquals(1.01 * truth, test.candidate(c.name()).loss(t), 1e-12);
                } else {
                    err += Math.abs(c.loss(t) - truth);
                    none += Math.abs(HigherOrderSurrogateTest.truth(List.of(t), t) - truth);
                }
            }
        }
        assertTrue(err < none, "the completed losses beat 'no transfer' on untrained subsets: " + err + " vs "
                + none);

        r.write(dir.resolve("out"));
        MeasuredLosses read = MeasuredLosses.read(dir.resolve("out").resolve(MetaGainSampling.LOSSES_FILE));
        assertEquals(val, read.split("val"));
        List<String> lines = Files.readAllLines(dir.resolve("out").resolve(MetaGainSampling.SUBSETS_FILE));
        assertEquals("round,task,subset,predicted_gain,measured_gain", lines.get(0));
        assertEquals(7, lines.size());

        // a second run reloads every network, makes the same picks and the same tables
        LinearModelExecutor again = new LinearModelExecutor();
        MetaGainSampling.Result second = estimator(again, 6).storage(dir.resolve("c"), StudyListener.NONE,
                Device.cpu()).run();
        assertEquals(0, again.executed.size());
        assertEquals(12, second.reused());
        assertEquals(r.acquisitions(), second.acquisitions());
        assertEquals(r.losses(), second.losses());
    }

    @Test
    void twoTasksHaveNothingToChooseAndBadSettingsAreNamed() {
        LinearModelExecutor ex = new LinearModelExecutor();
        NetworkRecipe two = new NetworkRecipe("linear", com.google.common.collect.ImmutableList.of("a", "b"),
                "formula", 16, 6, 16, 2e-3f, 42);
        MetaGainSampling.Result r = MetaGainSampling.of(two, 3, FAST, ex).run();
        assertEquals(3, ex.executed.size(), "a, b and ab; no subset is left to choose");
        assertTrue(r.acquisitions().isEmpty());
        assertEquals(3, r.losses().split("val").candidates().size());
        String m = assertThrows(IllegalArgumentException.class, () -> MetaGainSampling.of(new NetworkRecipe("x",
                com.google.common.collect.ImmutableList.of("a"), "hps", 1, 1, 1, 1e-3f, 0), 1,
                GainPredictor.Settings.defaults(1), ex)).getMessage();
        assertTrue(m.contains("2 to 16 tasks"), m);
        assertThrows(IllegalArgumentException.class, () -> estimator(ex, -1));
        assertThrows(IllegalArgumentException.class, () -> new NetworkRecipe("x",
                com.google.common.collect.ImmutableList.of("a", "a"), "hps", 1, 1, 1, 1e-3f, 0));
    }
}
