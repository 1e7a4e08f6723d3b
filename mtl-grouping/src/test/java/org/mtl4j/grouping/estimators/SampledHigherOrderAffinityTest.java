package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.SelectionMethod;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.InProcessExecutor;
import org.mtl4j.grouping.study.StudyData;

/** The sampled higher-order affinity end to end: planning, training through an executor, completion, files. */
class SampledHigherOrderAffinityTest {

    private static final List<String> TASKS = HigherOrderSurrogateTest.TASKS;

    /** Trains nothing: every network's losses follow the known linear model (test losses scaled by 1.01). */
    static final class LinearModelExecutor implements CandidateExecutor {
        final List<CandidateSpec> executed = new ArrayList<>();

        @Override
        public CandidateResult execute(CandidateSpec spec) {
            executed.add(spec);
            Map<String, Double> val = new LinkedHashMap<>();
            Map<String, Double> test = new LinkedHashMap<>();
            for (String t : spec.tasks()) {
                double l = HigherOrderSurrogateTest.truth(spec.tasks(), t) * (spec.half() ? 1.1 : 1.0);
                val.put(t, l);
                test.put(t, 1.01 * l);
            }
            return new CandidateResult(spec, val, test, Map.of(), 0.01, 1);
        }
    }

    private static SampledHigherOrderAffinity.Builder estimator(CandidateExecutor ex) {
        return SampledHigherOrderAffinity.builder().tasks(TASKS).dataDescription("linear").architecture("formula")
                .subsetSize(3).subsets(10).samplingSeed(5).ridge(0).executor(ex);
    }

    @Test
    void trainsSinglesAndSampledSubsetsAndCompletesTheKnownModelExactly(@TempDir Path dir) throws Exception {
        LinearModelExecutor ex = new LinearModelExecutor();
        SampledHigherOrderAffinity.Result r = estimator(ex).keepMeasured(false).candidateDirectory(dir.resolve("c"))
                .build().run();
        assertEquals(5 + 10, ex.executed.size(), "5 singles and all C(5, 3) = 10 subsets of size 3");
        assertEquals(List.of("a", "b", "c", "d", "e"), ex.executed.subList(0, 5).stream().map(CandidateSpec::name)
                .toList());
        assertTrue(ex.executed.subList(5, 15).stream().allMatch(s -> s.tasks().size() == 3));
        assertEquals(15, r.trainedThisRun());
        LossTable val = r.losses().split(EstimatedLosses.VAL);
        LossTable test = r.losses().split(EstimatedLosses.TEST);
        assertEquals(31, val.candidates().size(), "every non-empty subset");
        for (Candidate c : val.candidates()) {
            List<String> members = TASKS.stream().filter(c.tasks()::contains).toList();
            for (String t : members) {
                double truth = HigherOrderSurrogateTest.truth(members, t);
                assertEquals(truth, c.loss(t), 1e-12, c.name() + " " + t);
                assertEquals(1.01 * truth, test.candidate(c.name()).loss(t), 1e-12);
            }
        }
        // the written file is what mtl group reads: same tables, and it solves
        r.write(dir.resolve("out"));
        MeasuredLosses read = MeasuredLosses.read(dir.resolve("out").resolve(SampledHigherOrderAffinity.LOSSES_FILE));
        assertEquals(val, read.split("val"));
        assertEquals(test, read.split("test"));
        List<BudgetSweep.Row> rows = BudgetSweep.run(read, SelectionMethod.VAL, "test", List.of(1.0, 2.0, 5.0),
                Groupings.exact());
        assertEquals(3, rows.size());
        assertTrue(rows.get(2).reportTotal() <= rows.get(0).reportTotal());
        assertEquals(11, Files.readAllLines(dir.resolve("out").resolve(SampledHigherOrderAffinity.SUBSETS_FILE))
                .size(), "a header and 10 subsets");
        assertEquals(r.affinity().toCsv(), Files.readString(dir.resolve("out").resolve(
                SampledHigherOrderAffinity.AFFINITY_FILE)));

        // a second run reuses every network from the candidate folder
        LinearModelExecutor again = new LinearModelExecutor();
        SampledHigherOrderAffinity.Result second = estimator(again).keepMeasured(false)
                .candidateDirectory(dir.resolve("c")).build().run();
        assertEquals(0, again.executed.size());
        assertEquals(15, second.reused());
        assertEquals(r.losses(), second.losses());
    }

    @Test
    void specsAreTheStudysSoCandidatesAreSharedAndMeasuredLossesAreKept() {
        SampledHigherOrderAffinity est = estimator(new LinearModelExecutor()).subsets(4).halves(true).build();
        List<CandidateSpec> plan = est.plan();
        assertEquals(5 + 5 + 4, plan.size());
        GroupingStudy study = GroupingStudy.builder().tasks(TASKS).dataDescription("linear").architecture("formula")
                .directory(Path.of("unused")).executor(new LinearModelExecutor()).build();
        assertTrue(new HashSet<>(study.plan()).containsAll(plan), "every network is one of the full study's");
        assertEquals(est.sampledSubsets(), estimator(new LinearModelExecutor()).subsets(4).build().sampledSubsets(),
                "the draw depends on the sampling seed only");

        // with 4 of the 10 subsets the ridge fit (λ > 0) cannot be exact, but trained subsets keep their losses
        SampledHigherOrderAffinity.Result r = estimator(new LinearModelExecutor()).subsets(4).halves(true).ridge(1e-3)
                .build().run();
        LossTable val = r.losses().split("val");
        assertEquals(5 + 31, val.candidates().size(), "half-size singles first, then every subset");
        assertEquals(0.5, val.candidate("a(half)").cost());
        assertEquals(1.1 * HigherOrderSurrogateTest.base()[0], val.candidate("a(half)").loss("a"), 1e-12);
        for (List<String> s : r.sampled()) {
            String name = String.join("", s);
            for (String t : s) {
                assertEquals(HigherOrderSurrogateTest.truth(s, t), val.candidate(name).loss(t), 1e-15, name);
            }
        }
    }

    @Test
    void averagingSurrogateNeedsEveryPairAndBadSettingsAreNamed() {
        String m = assertThrows(IllegalArgumentException.class, () -> estimator(new LinearModelExecutor()).subsets(2)
                .surrogate(HigherOrderSurrogate.Kind.AVERAGE).build().run()).getMessage();
        assertTrue(m.contains("never trained together"), m);
        assertThrows(IllegalArgumentException.class, () -> SampledHigherOrderAffinity.builder().subsetSize(1));
        assertThrows(IllegalArgumentException.class, () -> estimator(new LinearModelExecutor()).subsetSize(6).build());
        assertThrows(IllegalStateException.class, () -> SampledHigherOrderAffinity.builder().tasks(TASKS).build());
    }

    @Test
    void aRealTinyRunTrainsWithTheLibrarysLoop() {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 6, 1, 0);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 6, 2, 0);
        InMemoryMultiTaskDataset test = TestData.dataset(8, 6, 3, 0);
        StudyData data = StudyData.of(TestData.tasks(), train, val, test, new Shape(3, 6, 6), "tiny");
        InProcessExecutor ex = new InProcessExecutor(data, TinyMultiTaskBlock.architecture(),
                w -> TinyMultiTaskBlock.encoderFactory());
        SampledHigherOrderAffinity.Result r = SampledHigherOrderAffinity.builder()
                .tasks(List.of("seg", "reg", "nrm")).dataDescription(data.describe()).architecture("tiny").epochs(1)
                .batchSize(8).subsetSize(2).subsets(2).samplingSeed(1).executor(ex).build().run();
        assertEquals(3 + 2, r.trained().size());
        LossTable t = r.losses().split("val");
        assertEquals(7, t.candidates().size());
        for (Candidate c : t.candidates()) {
            for (double l : c.losses().values()) {
                assertTrue(Double.isFinite(l) && l > 0, c.toString());
            }
        }
        assertEquals(r.trained().get(0).validationLoss().get("seg"), t.candidate("seg").loss("seg"),
                "measured single kept");
    }
}
