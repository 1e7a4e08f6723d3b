package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.architectures.BranchedTrees.Budget;
import org.mtl4j.architectures.BranchedTrees.ColumnCost;
import org.mtl4j.architectures.BranchedTrees.Limit;
import org.mtl4j.architectures.BranchedTrees.Plan;

/**
 * The tree builder: the paper's score, the exact search against brute force, budgets, affinity conversion and the
 * three input files.
 */
class BranchedTreesTest {

    private static final List<String> ABCD = List.of("a", "b", "c", "d");
    /** Two stages: 100 then 300 parameters, 1000 then 500 multiply-adds. */
    private static final ColumnCost TOY = new ColumnCost("toy", new long[] {100, 300}, new long[] {1000, 500});

    /** Two obvious pairs: a with b, c with d. */
    private static TaskDissimilarity pairs() {
        double[][] affinity = {
            {Double.NaN, 0.9, 0.1, 0.0},
            {0.9, Double.NaN, 0.0, 0.1},
            {0.1, 0.0, Double.NaN, 0.9},
            {0.0, 0.1, 0.9, Double.NaN}};
        return TaskDissimilarity.fromAffinity(ABCD, affinity, "hand-made");
    }

    @Test
    void aBudgetForTwoLastStageBranchesSharesThePairs() {
        Plan plan = BranchedTrees.best(pairs(), TOY, new Budget(Limit.parse("700"), Limit.NONE));
        assertEquals("a+b+c+d|a+b/c+d", plan.tree().toString());
        assertEquals(100 + 2 * 300, plan.parameters());
        assertEquals(1000 + 2 * 500, plan.multiplyAdds());
        assertEquals(1.0, plan.score(), 1e-12); // stage 0: the largest dissimilarity is 1; stage 1: 0 in both pairs
        assertArrayEquals(new double[] {1, 0}, plan.stageScores(), 1e-12);
        String report = plan.toString();
        assertTrue(report.contains("a+b+c+d|a+b/c+d") && report.contains("700 parameters (1.75x one toy)")
                && report.contains("700 parameters") && report.contains("hand-made"), report);
    }

    @Test
    void aTighterBudgetSharesEverything() {
        Plan plan = BranchedTrees.best(pairs(), TOY, new Budget(Limit.parse("699"), Limit.NONE));
        assertEquals("a+b+c+d|a+b+c+d", plan.tree().toString());
        assertEquals(400, plan.parameters());
        assertEquals(2.0, plan.score(), 1e-12);
        assertEquals("a+b+c+d|a+b+c+d", BranchedTrees.best(pairs(), TOY, Budget.parameters("1x")).tree().toString());
    }

    @Test
    void aRelativeBudgetOfTwoEncodersSplitsThePairsFromTheStart() {
        Plan plan = BranchedTrees.best(pairs(), TOY, Budget.parameters("2x"));
        assertEquals("a+b/c+d|a+b/c+d", plan.tree().toString());
        assertEquals(800, plan.parameters());
        assertEquals(0.0, plan.score(), 1e-12);
        assertEquals(2.0, plan.parameterRatio(), 1e-12);
    }

    @Test
    void tiesGoToTheCheaperTree() {
        // a+b/c/d at stage 1 scores 0 too, but three branches cost more than two; two at stage 0 do not fit
        ColumnCost column = new ColumnCost("toy2", new long[] {300, 100}, new long[] {1, 1});
        Plan plan = BranchedTrees.best(pairs(), column, new Budget(Limit.parse("600"), Limit.NONE));
        assertEquals("a+b+c+d|a+b/c+d", plan.tree().toString());
    }

    @Test
    void aMultiplyAddBudgetBinds() {
        Plan plan = BranchedTrees.best(pairs(), TOY, new Budget(Limit.NONE, Limit.parse("1.2x")));
        // one more stage-1 branch costs 500 of the 1500 multiply-adds: 2000 > 1800
        assertEquals("a+b+c+d|a+b+c+d", plan.tree().toString());
        Plan wider = BranchedTrees.best(pairs(), TOY, new Budget(Limit.NONE, Limit.parse("2000")));
        assertEquals("a+b+c+d|a+b/c+d", wider.tree().toString());
    }

    @Test
    void perStageDissimilaritiesDecideWhereTasksPart() {
        // alike at stage 0, pairs at stage 1, all different at stage 2
        double[][] alike = new double[4][4];
        double[][] pairs = pairs().stages().get(0);
        double[][] apart = {{0, 1, 1, 1}, {1, 0, 1, 1}, {1, 1, 0, 1}, {1, 1, 1, 0}};
        TaskDissimilarity d = new TaskDissimilarity(ImmutableList.copyOf(ABCD), ImmutableList.of(alike, pairs,
                apart), "per stage");
        ColumnCost column = new ColumnCost("toy3", new long[] {10, 10, 10}, new long[] {1, 1, 1});
        Plan plan = BranchedTrees.best(d, column, new Budget(Limit.parse("70"), Limit.NONE));
        assertEquals("a+b+c+d|a+b/c+d|a/b/c/d", plan.tree().toString());
        assertEquals(0.0, plan.score(), 1e-12);
        assertEquals(154, plan.trees()); // nested 3-stage trees of 4 tasks: OEIS A000307
        Plan tighter = BranchedTrees.best(d, column, new Budget(Limit.parse("69"), Limit.NONE));
        assertEquals("a+b+c+d|a+b/c+d|a+b/c/d", tighter.tree().toString());
        assertEquals(1.0 / 3, tighter.score(), 1e-12); // stage 2: (1 + 0 + 0) / 3
    }

    @Test
    void theExactSearchMatchesBruteForce() {
        Random r = new Random(17);
        ColumnCost column = new ColumnCost("toy3", new long[] {7, 11, 13}, new long[] {5, 3, 2});
        for (int trial = 0; trial < 20; trial++) {
            int k = 2 + r.nextInt(3);
            List<String> tasks = ABCD.subList(0, k);
            List<double[][]> stages = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                double[][] m = new double[k][k];
                for (int a = 0; a < k; a++) {
                    for (int b = a + 1; b < k; b++) {
                        m[a][b] = m[b][a] = r.nextInt(4) / 3.0;
                    }
                }
                stages.add(m);
            }
            TaskDissimilarity d = new TaskDissimilarity(ImmutableList.copyOf(tasks), ImmutableList.copyOf(stages),
                    "random");
            long maxParams = 31 + r.nextInt(31 * (k - 1) + 1);
            long maxMacs = r.nextBoolean() ? Long.MAX_VALUE : 10 + r.nextInt(10 * (k - 1) + 1);
            Budget budget = new Budget(Limit.parse(Long.toString(maxParams)),
                    maxMacs == Long.MAX_VALUE ? Limit.NONE : Limit.parse(Long.toString(maxMacs)));
            Plan plan = BranchedTrees.best(d, column, budget);
            double[] bestBrute = null;
            long count = 0;
            Partitions partitions = new Partitions(k);
            for (int p0 = 0; p0 < partitions.size(); p0++) {
                for (int p1 : refinements(partitions, p0)) {
                    for (int p2 : refinements(partitions, p1)) {
                        count++;
                        BranchTree tree = BranchTree.of(tasks, List.of(partitions.labels(p0), partitions.labels(p1),
                                partitions.labels(p2)));
                        long params = column.parameters(tree);
                        long macs = column.multiplyAdds(tree);
                        if (params > maxParams || macs > maxMacs) {
                            continue;
                        }
                        double score = 0;
                        for (int j = 0; j < 3; j++) {
                            score += BranchedTrees.stageScore(tree, j, stages.get(j));
                        }
                        double[] candidate = {score, params, macs};
                        if (bestBrute == null || better(candidate, bestBrute)) {
                            bestBrute = candidate;
                        }
                    }
                }
            }
            assertEquals(count, plan.trees(), "trial " + trial);
            assertEquals(bestBrute[0], plan.score(), 1e-9, "trial " + trial);
            assertEquals((long) bestBrute[1], plan.parameters(), "trial " + trial);
            assertEquals((long) bestBrute[2], plan.multiplyAdds(), "trial " + trial);
            assertEquals(plan.score(), BranchedTrees.describe(plan.tree(), column, d).score(), 1e-12);
        }
    }

    private static boolean better(double[] a, double[] b) {
        if (Math.abs(a[0] - b[0]) > 1e-9) {
            return a[0] < b[0];
        }
        return a[1] != b[1] ? a[1] < b[1] : a[2] < b[2];
    }

    private static List<Integer> refinements(Partitions partitions, int q) {
        List<Integer> out = new ArrayList<>();
        for (int p = 0; p < partitions.size(); p++) {
            if (Arrays.stream(partitions.coarsenings(p)).anyMatch(c -> c == q)) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void partitionsAndTheirCoarseningsAreComplete() {
        int[] bell = {1, 2, 5, 15, 52, 203, 877, 4140};
        int[] chains = {1, 3, 12, 60, 358}; // pairs q ≥ p of partitions: OEIS A000258
        for (int k = 1; k <= 8; k++) {
            Partitions p = new Partitions(k);
            assertEquals(bell[k - 1], p.size(), "Bell(" + k + ")");
            if (k <= chains.length) {
                long pairs = 0;
                for (int i = 0; i < p.size(); i++) {
                    pairs += p.coarsenings(i).length;
                }
                assertEquals(chains[k - 1], pairs, "k = " + k);
            }
        }
    }

    @Test
    void budgetsAndTaskCountsOutsideTheSearchAreRefused() {
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
                () -> BranchedTrees.best(pairs(), TOY, new Budget(Limit.parse("399"), Limit.NONE)));
        assertTrue(low.getMessage().contains("below the cost of the fully shared encoder (400 parameters"),
                low.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Limit.parse("0.5x"));
        IllegalArgumentException words = assertThrows(IllegalArgumentException.class, () -> Limit.parse("lots"));
        assertTrue(words.getMessage().contains("'lots'"), words.getMessage());
        List<String> nine = List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
        IllegalArgumentException many = assertThrows(IllegalArgumentException.class, () -> BranchedTrees.best(
                TaskDissimilarity.of(nine, new double[9][9], "zeros"), TOY, Budget.parameters("2x")));
        assertTrue(many.getMessage().contains("at most 8 tasks, got 9"), many.getMessage());
        assertEquals("2.5x", Limit.parse("2.5x").toString());
        assertEquals("120000", Limit.parse("1.2e5").toString());
        assertEquals("none", Limit.parse("none").toString());
        assertEquals(250.0, Limit.parse("2.5x").resolve(100), 1e-12);
    }

    @Test
    void affinityBecomesOneMinusTheNormalisedSymmetricAffinity() {
        double[][] a = {
            {5, 4, Double.NaN},
            {2, 7, 0},
            {1, 0, 9}};
        TaskDissimilarity d = TaskDissimilarity.fromAffinity(List.of("x", "y", "z"), a, "test");
        // symmetric affinities: xy = (4 + 2) / 2 = 3, xz = 1 (one side known), yz = 0; range 3
        double[][] m = d.stages().get(0);
        assertEquals(0.0, m[0][1], 1e-12);
        assertEquals(2.0 / 3, m[0][2], 1e-12);
        assertEquals(1.0, m[1][2], 1e-12);
        assertEquals(m[1][2], m[2][1], 0);
        assertEquals(0.0, m[1][1], 0);
        assertEquals(3, d.forStages(3).size());
        double[][] flat = {{0, 1}, {1, 0}};
        assertEquals(0.0, TaskDissimilarity.fromAffinity(List.of("x", "y"), flat, "t").stages().get(0)[0][1], 0,
                "equal affinities: no preference");
        double[][] unknown = {{0, Double.NaN}, {Double.NaN, 0}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TaskDissimilarity.fromAffinity(List.of("x", "y"), unknown, "f.csv"));
        assertTrue(e.getMessage().contains("x and y is unknown in both directions"), e.getMessage());
    }

    @Test
    void readsTheAffinityFileOfMtlAffinityThePairwiseTableOfAStudyAndPerStageDissimilarities(@TempDir Path dir)
            throws IOException {
        // the layout of AffinityMatrix.toCsv (mtl affinity's affinity.csv): rows are the source task
        Path affinity = dir.resolve("affinity.csv");
        Files.writeString(affinity, "source,a,b,c,d\n"
                + "a,0.002,0.0009,0.0001,\n"
                + "b,0.0009,0.003,0.0,0.0001\n"
                + "c,0.0001,0.0,0.001,0.0009\n"
                + "d,0.0,0.0001,0.0009,0.002\n");
        TaskDissimilarity tag = TaskDissimilarity.read(affinity);
        assertEquals(ABCD, tag.tasks());
        assertEquals(0.0, tag.stages().get(0)[0][1], 1e-12);
        assertEquals(1.0, tag.stages().get(0)[0][3], 1e-12);
        assertTrue(tag.source().contains("lookahead affinity"), tag.source());
        assertEquals("a+b+c+d|a+b/c+d", BranchedTrees.best(tag, TOY, Budget.parameters("700")).tree().toString());
        // the layout of PairwiseRelations.toCsv (a study's pairwise.csv): percent, empty diagonal
        Path pairwise = dir.resolve("pairwise.csv");
        Files.writeString(pairwise, "task,a,b,c,d\n"
                + "a,,12.50,-3.00,-4.00\n"
                + "b,11.00,,-5.00,-2.00\n"
                + "c,-1.00,-6.00,,9.00\n"
                + "d,-2.50,-3.50,8.00,\n");
        TaskDissimilarity study = TaskDissimilarity.read(pairwise);
        assertEquals("a+b+c+d|a+b/c+d", BranchedTrees.best(study, TOY, Budget.parameters("700")).tree().toString());
        // per-stage dissimilarities round trip through their CSV
        TaskDissimilarity stages = new TaskDissimilarity(ImmutableList.copyOf(ABCD), ImmutableList.of(
                new double[4][4], pairs().stages().get(0)), "rsa");
        Path csv = dir.resolve("dissimilarity.csv");
        Files.writeString(csv, stages.toCsv());
        TaskDissimilarity back = TaskDissimilarity.read(csv);
        assertEquals(2, back.stages().size());
        for (int j = 0; j < 2; j++) {
            for (int a = 0; a < 4; a++) {
                assertArrayEquals(stages.stages().get(j)[a], back.stages().get(j)[a], 0);
            }
        }
        IllegalArgumentException threeStages = assertThrows(IllegalArgumentException.class,
                () -> back.forStages(3));
        assertTrue(threeStages.getMessage().contains("for 2 stages but the encoder has 3"),
                threeStages.getMessage());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "name,a,b\na,0,1\nb,1,0\n");
        IllegalArgumentException header = assertThrows(IllegalArgumentException.class,
                () -> TaskDissimilarity.read(bad));
        assertTrue(header.getMessage().contains("line 1: header must start with"), header.getMessage());
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "source,a,b\na,0,x\nb,1,0\n");
        IllegalArgumentException cell = assertThrows(IllegalArgumentException.class,
                () -> TaskDissimilarity.read(broken));
        assertTrue(cell.getMessage().contains("line 2: the value for a and b is not a number: 'x'"),
                cell.getMessage());
    }

    @Test
    void dissimilaritiesFollowTheNetworksTaskOrder() {
        TaskDissimilarity d = pairs().reorder(List.of("d", "c", "b", "a"));
        assertEquals(List.of("d", "c", "b", "a"), d.tasks());
        assertEquals(0.0, d.stages().get(0)[0][1], 1e-12); // d–c
        assertEquals(1.0, d.stages().get(0)[0][3], 1e-12); // d–a
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> pairs().reorder(List.of("a", "b", "c", "e")));
        assertTrue(missing.getMessage().contains("has no task 'e'"), missing.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class,
                () -> pairs().reorder(List.of("a", "b", "c")));
        assertTrue(extra.getMessage().contains("has task 'd', which the network does not have"),
                extra.getMessage());
    }

    @Test
    void aRealEncoderBudgetAsAMultipleOfOneEncoder() {
        ColumnCost column = ColumnCost.of((StagedEncoderFactory) Encoders.resNet(4), new Shape(3, 8, 8));
        long c0 = column.parameters()[0];
        long c1 = column.parameters()[1];
        assertEquals(420, c0);
        assertEquals(1488, c1);
        double ratio = (c0 + 2.0 * c1) / (c0 + c1);
        Plan plan = BranchedTrees.best(pairs(), column, Budget.parameters(ratio + "x"));
        assertEquals("a+b+c+d|a+b/c+d", plan.tree().toString());
        assertEquals(c0 + 2 * c1, plan.parameters());
        Plan tight = BranchedTrees.best(pairs(), column, Budget.parameters((ratio - 0.01) + "x"));
        assertEquals("a+b+c+d|a+b+c+d", tight.tree().toString());
    }
}
