package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.affinity.AffinityMatrix;

/** {@code mtl estimate} on tiny synthetic scenes: both estimators write a table that mtl group solves identically. */
class MtlEstimateTest {

    private static final String BUDGETS = "1,2,3";

    private static String[] args(Path out, String method, String... more) {
        List<String> a = new ArrayList<>(List.of("estimate", "--method", method, "--tasks", "s,d,n", "--size", "16",
                "--train-samples", "16", "--val-samples", "8", "--test-samples", "8", "--epochs", "1", "--width", "2",
                "--batch-size", "8", "--budgets", BUDGETS, "--out", out.toString(), "--no-progress", "--threads",
                "2"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    /** Checks the written table and that mtl group on it reproduces groupings.csv byte for byte. */
    private static void checkTableAndRegroup(Path out, Path dir) throws Exception {
        MeasuredLosses losses = MeasuredLosses.read(out.resolve("losses.csv"));
        assertEquals(List.of("s", "d", "n"), losses.tasks());
        for (String split : List.of("val", "test")) {
            LossTable t = losses.split(split);
            assertEquals(List.of("s", "d", "n", "sd", "sn", "dn", "sdn"), t.candidates().stream()
                    .map(c -> c.name()).toList(), "every subset of the three tasks");
            t.candidates().forEach(c -> c.losses().values().forEach(l -> assertTrue(Double.isFinite(l))));
        }
        Path regrouped = dir.resolve("regrouped-" + out.getFileName() + ".csv");
        CliCapture group = CliCapture.run("group", "--losses", out.resolve("losses.csv").toString(), "--select", "val",
                "--report", "test", "--budgets", BUDGETS, "--out", regrouped.toString());
        assertEquals(0, group.status, group.both());
        assertEquals(Files.readString(out.resolve("groupings.csv")), Files.readString(regrouped));
    }

    @Test
    void sampledAffinityTrainsSinglesAndSubsetsSharesNetworksWithAStudyAndMtlGroupAgrees(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("sampled");
        CliCapture c = CliCapture.run(args(out, "sampled", "--subset-size", "2", "--subsets", "2"));
        assertEquals(0, c.status, c.both());
        assertTrue(c.err().contains("subsets: 5 to train, 0 reused"), "3 singles and 2 pairs: " + c.err());
        assertTrue(c.out().contains("affinity of the validation surrogate"), c.out());
        checkTableAndRegroup(out, dir);
        AffinityMatrix z = AffinityMatrix.read(out.resolve("affinity.csv"));
        assertEquals(List.of("s", "d", "n"), z.tasks());
        assertEquals(3, Files.readAllLines(out.resolve("subsets.csv")).size(), "a header and two pairs");

        // a restart trains nothing; a full study on the same candidate folder reuses the 5 networks, and the
        // estimate is scored against it
        CliCapture again = CliCapture.run(args(out, "sampled", "--subset-size", "2", "--subsets", "2"));
        assertEquals(0, again.status, again.both());
        assertTrue(again.err().contains("subsets: 0 to train, 5 reused"), again.err());
        Path study = dir.resolve("study");
        CliCapture full = CliCapture.run("study", "--tasks", "s,d,n", "--approx", "none", "--size", "16",
                "--train-samples", "16", "--val-samples", "8", "--test-samples", "8", "--epochs", "1", "--width", "2",
                "--batch-size", "8", "--budgets", BUDGETS, "--out", study.toString(), "--candidates",
                out.resolve("candidates").toString(), "--no-progress", "--threads", "2");
        assertEquals(0, full.status, full.both());
        assertTrue(full.err().contains("candidates: 5 to train, 5 reused"), full.err());
        CliCapture scored = CliCapture.run(args(out, "sampled", "--subset-size", "2", "--subsets", "2",
                "--reference", study.resolve("losses.csv").toString()));
        assertEquals(0, scored.status, scored.both());
        assertTrue(scored.out().contains("scored on the reference") && scored.out().contains("regret"), scored.out());
    }

    @Test
    void gradTaeTrainsOneNetworkAndMtlGroupAgrees(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tae");
        CliCapture c = CliCapture.run(args(out, "grad-tae", "--projection-dim", "8", "--max-samples", "8"));
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("Grad-TAE") && c.out().contains("projected to 8"), c.out());
        checkTableAndRegroup(out, dir);
        assertTrue(c.out().contains("linearised evaluation"), c.out());
        Path net = dir.resolve("net");
        CliCapture network = CliCapture.run(args(net, "grad-tae", "--projection-dim", "8", "--max-samples", "8",
                "--evaluation", "network", "--ridge", "10"));
        assertEquals(0, network.status, network.both());
        assertTrue(network.out().contains("network evaluation"), network.out());
        checkTableAndRegroup(net, dir);
    }

    @Test
    void metaLearnedGainsChooseSubsetsActivelyResumeAndMtlGroupAgrees(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("meta");
        String[] meta = args(out, "meta", "--subsets", "2", "--predictor-width", "8", "--predictor-epochs", "150");
        CliCapture c = CliCapture.run(meta);
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("MTG-Net") && c.out().contains("2 actively chosen subsets"), c.out());
        assertTrue(c.err().contains("initial: 4 to train, 0 reused"), "3 singles and sdn: " + c.err());
        List<String> subsets = Files.readAllLines(out.resolve("subsets.csv"));
        assertEquals(3, subsets.size(), "a header and two pairs: " + subsets);
        assertTrue(subsets.get(1).startsWith("0,s,") && subsets.get(2).startsWith("1,d,"), subsets.toString());
        checkTableAndRegroup(out, dir);

        // a restart trains nothing and chooses the same subsets
        CliCapture again = CliCapture.run(meta);
        assertEquals(0, again.status, again.both());
        assertTrue(again.err().contains("initial: 0 to train, 4 reused"), again.err());
        assertEquals(subsets, Files.readAllLines(out.resolve("subsets.csv")));
    }

    @Test
    void badInputGivesOneLine(@TempDir Path dir) {
        CliCapture method = CliCapture.run(args(dir.resolve("x"), "magic"));
        assertEquals(2, method.status, method.both());
        assertTrue(method.err().contains("--method must be sampled, grad-tae or meta, got magic"), method.err());
        CliCapture size = CliCapture.run(args(dir.resolve("y"), "sampled", "--subset-size", "4"));
        assertEquals(2, size.status, size.both());
        assertTrue(size.err().contains("subset size 4 exceeds the 3 tasks"), size.err());
        CliCapture spark = CliCapture.run(args(dir.resolve("z"), "grad-tae", "--spark", "local[1]"));
        assertEquals(2, spark.status, spark.both());
        assertTrue(spark.err().contains("--spark distributes the networks of --method sampled or meta"), spark.err());
        CliCapture halves = CliCapture.run(args(dir.resolve("h"), "grad-tae", "--halves"));
        assertEquals(2, halves.status, halves.both());
        assertTrue(halves.err().contains("--halves trains half-size networks"), halves.err());
    }
}
