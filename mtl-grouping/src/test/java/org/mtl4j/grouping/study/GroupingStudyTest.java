package org.mtl4j.grouping.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.SelectionMethod;

/** The study runner: planning, resuming, the three approximations, and a real (tiny) training run. */
class GroupingStudyTest {

    private static final List<String> ABCD = List.of("a", "b", "c", "d");
    private static final List<Double> BUDGETS = List.of(1.0, 1.5, 2.0, 2.5, 3.0, 4.0);

    private static GroupingStudy.Builder study(Path dir, StudyApproximation approx, CandidateExecutor executor) {
        return GroupingStudy.builder().tasks(ABCD).dataDescription("formula").approximation(approx).epochs(10)
                .esaFraction(0.2).budgets(BUDGETS).directory(dir).executor(executor).architecture("formula");
    }

    private static long candidateFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(GroupingStudy.CANDIDATES_DIR))) {
            return s.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    /** What mtl group computes from the written file. */
    private static List<BudgetSweep.Row> regroup(Path losses, SelectionMethod method) throws Exception {
        return BudgetSweep.run(MeasuredLosses.read(losses), method, "test", BUDGETS, Groupings.exact());
    }

    @Test
    void fullStudyPlansEverySubsetAndHalfAndTheWrittenTableReproducesTheSelection(@TempDir Path dir)
            throws Exception {
        FormulaExecutor ex = new FormulaExecutor();
        StudyResult r = study(dir, StudyApproximation.NONE, ex).build().run();
        assertEquals(15 + 4, ex.executed.size(), "2^4 − 1 subsets and 4 half-size networks");
        assertEquals(List.of("a(half)", "b(half)", "c(half)", "d(half)", "a", "b", "c", "d", "ab", "ac"),
                ex.executed.subList(0, 10).stream().map(CandidateSpec::name).toList(), "the paper's row order");
        assertEquals(Set.of("val", "test"), r.losses().splits());
        assertEquals(regroup(r.lossesCsv(), SelectionMethod.VAL), r.rows());
        assertEquals(BudgetSweep.toCsv(r.rows()), Files.readString(dir.resolve(GroupingStudy.GROUPINGS_FILE)));
        assertEquals("abcd", r.allInOne().label());
        assertEquals(4.0, r.independent().cost());
        assertTrue(r.rows().get(r.rows().size() - 1).reportTotal() <= r.independent().objective() + 1e-12,
                "at budget 4 the choice is at least as good as independent networks");
        // pairwise table: a with b: effect (0+1)%3==1 → −0.08 + 0.003: a's loss falls by 7.7 %
        assertEquals(7.7, r.pairwise().percent()[0][1], 1e-9);
        assertEquals("test", r.pairwise().source());
        assertTrue(Files.readString(dir.resolve(GroupingStudy.SUMMARY_FILE)).contains("\"all_in_one\""));
        assertEquals(19, candidateFiles(dir));
    }

    @Test
    void restartSkipsFinishedCandidatesAfterAKillAndRetrainsOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
        assertThrows(IllegalStateException.class,
                () -> study(dir, StudyApproximation.NONE, new FormulaExecutor(7)).build().run(), "killed");
        assertEquals(7, candidateFiles(dir), "each finished candidate was written at once");
        FormulaExecutor resume = new FormulaExecutor();
        StudyResult first = study(dir, StudyApproximation.NONE, resume).build().run();
        assertEquals(12, resume.executed.size(), "only the 12 missing candidates are trained");
        assertEquals(12, first.trained());
        assertEquals(7, first.reused());

        FormulaExecutor again = new FormulaExecutor();
        StudyResult second = study(dir, StudyApproximation.NONE, again).build().run();
        assertEquals(0, again.executed.size(), "a finished study trains nothing");
        assertEquals(first.rows(), second.rows());

        try (Stream<Path> s = Files.list(dir.resolve(GroupingStudy.CANDIDATES_DIR))) {
            Path victim = s.filter(p -> p.getFileName().toString().startsWith("bd-")).findFirst().orElseThrow();
            Files.delete(victim);
        }
        FormulaExecutor one = new FormulaExecutor();
        study(dir, StudyApproximation.NONE, one).build().run();
        assertEquals(List.of("bd"), one.executed.stream().map(CandidateSpec::name).toList());

        // a corrupt file is retrained; a changed recipe retrains everything
        try (Stream<Path> s = Files.list(dir.resolve(GroupingStudy.CANDIDATES_DIR))) {
            Files.writeString(s.filter(p -> p.getFileName().toString().startsWith("ac-")).findFirst().orElseThrow(),
                    "{ not json");
        }
        FormulaExecutor corrupt = new FormulaExecutor();
        study(dir, StudyApproximation.NONE, corrupt).build().run();
        assertEquals(List.of("ac"), corrupt.executed.stream().map(CandidateSpec::name).toList());
        FormulaExecutor changed = new FormulaExecutor();
        study(dir, StudyApproximation.NONE, changed).learningRate(1e-3f).build().run();
        assertEquals(19, changed.executed.size());
    }

    @Test
    void hoaTrainsSinglesPairsAndHalvesThenTheChosenNetworksAndShareCandidatesWithAFullStudy(@TempDir Path dir)
            throws Exception {
        Path shared = dir.resolve("shared");
        FormulaExecutor ex = new FormulaExecutor();
        StudyResult r = study(dir.resolve("hoa"), StudyApproximation.HOA, ex).candidateDirectory(shared).build().run();
        Set<String> first = ex.executed.subList(0, 14).stream().map(CandidateSpec::name).collect(Collectors.toSet());
        assertEquals(14, first.size(), "4 singles, 6 pairs, 4 halves");
        assertTrue(first.stream().noneMatch(n -> n.replace("(half)", "").length() > 2), first.toString());
        Set<String> chosen = r.rows().stream().flatMap(row -> Stream.of(row.networks().split("\\+")))
                .collect(Collectors.toSet());
        Set<String> finals = ex.executed.subList(14, ex.executed.size()).stream().map(CandidateSpec::name)
                .collect(Collectors.toSet());
        assertTrue(finals.contains("abcd"), "the all-in-one baseline is trained: " + finals);
        for (String c : chosen) {
            assertTrue(first.contains(c) || finals.contains(c), c + " was chosen but not trained");
        }
        assertEquals(regroup(r.lossesCsv(), SelectionMethod.HOA), r.rows(), "mtl group --select hoa agrees");
        assertFalse(r.losses().split("val").contains("abc"), "the val split holds only measured singles and pairs");

        FormulaExecutor full = new FormulaExecutor();
        study(dir.resolve("none"), StudyApproximation.NONE, full).candidateDirectory(shared).build().run();
        assertEquals(19 - 14 - finals.size(), full.executed.size(),
                "a full study after it reuses every network the HOA study trained");
    }

    @Test
    void esaTrainsEveryCandidateForAFractionThenTheChosenOnesFully(@TempDir Path dir) throws Exception {
        FormulaExecutor ex = new FormulaExecutor();
        GroupingStudy s = study(dir, StudyApproximation.ESA, ex).build();
        assertEquals("esa_20pct", s.esaSplit());
        StudyResult r = s.run();
        List<CandidateSpec> early = ex.executed.subList(0, 19);
        assertTrue(early.stream().allMatch(c -> c.epochs() == 2), "20 % of 10 epochs");
        assertTrue(ex.executed.subList(19, ex.executed.size()).stream().allMatch(c -> c.epochs() == 10));
        assertEquals(Set.of("esa_20pct", "test"), r.losses().splits());
        assertEquals(regroup(r.lossesCsv(), SelectionMethod.ESA), r.rows(), "mtl group --select esa agrees");
        assertEquals(4, r.independent().networks().size());
        assertEquals(2, GroupingStudy.esaEpochs(0.2, 10));
        assertEquals(1, GroupingStudy.esaEpochs(0.2, 2));
        assertEquals(11, GroupingStudy.halfWidth(16));
    }

    @Test
    void aRealTinyStudyTrainsWithTheLibrarysLoop(@TempDir Path dir) throws Exception {
        InMemoryMultiTaskDataset train = TestData.dataset(16, 6, 1, 0);
        InMemoryMultiTaskDataset val = TestData.dataset(8, 6, 2, 0);
        InMemoryMultiTaskDataset test = TestData.dataset(8, 6, 3, 0);
        StudyData data = StudyData.of(TestData.tasks(), train, val, test, new Shape(3, 6, 6), "tiny");
        InProcessExecutor ex = new InProcessExecutor(data, TinyMultiTaskBlock.architecture(),
                w -> TinyMultiTaskBlock.encoderFactory());
        int[] finished = {0};
        StudyResult r = GroupingStudy.builder().tasks(List.of("seg", "reg", "nrm")).dataDescription(data.describe())
                .architecture("tiny").epochs(1).batchSize(8).budgets(List.of(1.0, 2.0, 3.0)).directory(dir)
                .executor(ex).listener(new StudyListener() {
                    @Override
                    public void candidateFinished(CandidateResult result, int done, int toTrain) {
                        finished[0] = done;
                        assertEquals(10, toTrain);
                    }
                }).build().run();
        assertEquals(10, finished[0]);
        assertEquals("seg&reg&nrm", r.allInOne().label());
        assertEquals(BudgetSweep.run(MeasuredLosses.read(r.lossesCsv()), SelectionMethod.VAL, "test",
                List.of(1.0, 2.0, 3.0), Groupings.exact()), r.rows());
        CandidateResult seg = r.candidates().stream().filter(c -> c.spec().name().equals("seg")).findFirst()
                .orElseThrow();
        assertTrue(seg.testMetrics().get("seg").containsKey("mIoU"), seg.testMetrics().toString());
        assertTrue(seg.validationLoss().get("seg") > 0);
        assertThrows(IllegalArgumentException.class, () -> ex.execute(new CandidateSpec("tiny", "x", List.of("x"),
                false, 1, "tiny", 1, 1, 8, 1e-3f, 1)));
    }

    @Test
    void specsAndResultsSurviveTheStoreAndBadSettingsAreNamed(@TempDir Path dir) {
        CandidateSpec spec = new CandidateSpec("d", "a(half)", List.of("a"), true, 0.5, "hps", 11, 6, 16, 2e-3f, 42);
        assertEquals("a-half-e6-" + spec.id() + ".json", spec.fileName());
        CandidateStore store = new CandidateStore(dir);
        CandidateResult result = new CandidateResult(spec, Map.of("a", 0.125), Map.of("a", 0.25),
                Map.of("a", Map.of("mIoU", 0.5)), 3.5, 2);
        store.save(result);
        assertEquals(result, store.load(spec).orElseThrow());
        assertTrue(store.load(spec.withEpochs(7)).isEmpty());
        assertFalse(spec.id().equals(spec.withEpochs(7).id()));
        String m = assertThrows(IllegalArgumentException.class, () -> new CandidateSpec("d", "ab(half)",
                List.of("a", "b"), true, 0.5, "hps", 11, 6, 16, 2e-3f, 42)).getMessage();
        assertTrue(m.contains("ab(half)"), m);
        String missing = assertThrows(IllegalArgumentException.class, () -> new CandidateResult(spec, Map.of(),
                Map.of(), Map.of(), 1, 1)).getMessage();
        assertTrue(missing.contains("no loss for task a"), missing);
        assertThrows(IllegalArgumentException.class, () -> GroupingStudy.builder().budgets(List.of(0.5)));
        assertThrows(IllegalArgumentException.class, () -> GroupingStudy.builder().tasks(List.of("a", "a")));
        assertThrows(IllegalStateException.class, () -> GroupingStudy.builder().tasks(ABCD).build());
        assertEquals(StudyApproximation.ESA, StudyApproximation.fromFlag("esa"));
        assertThrows(IllegalArgumentException.class, () -> StudyApproximation.fromFlag("magic"));
    }
}
