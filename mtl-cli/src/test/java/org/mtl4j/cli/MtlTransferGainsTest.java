package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.affinity.TransferGainRun;
import org.mtl4j.grouping.affinity.TransferGains;

/** {@code mtl transfer-gains} on tiny synthetic scenes, on its own gains file, and on bad input. */
class MtlTransferGainsTest {

    @Test
    void measuresGainsChoosesGroupsAndItsFilesAreReadBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tg");
        CliCapture c = CliCapture.run("transfer-gains", "--tasks", "s,d,n", "--size", "16", "--train-samples", "24",
                "--val-samples", "8", "--epochs", "1", "--width", "2", "--batch-size", "8", "--every", "1",
                "--groups", "3", "--out", out.toString(), "--threads", "2");
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("3 lookahead measurements"), "24 samples / batch 8, every step: " + c.out());
        TransferGains gains = TransferGains.read(out.resolve(TransferGainRun.GAINS_FILE));
        assertEquals(List.of("s", "d", "n"), gains.tasks());
        // 3 singles, 3 pairs, 3 self-pairs
        assertEquals(9, gains.sources().size());
        for (TransferGains.Source s : gains.sources()) {
            for (int t = 0; t < 3; t++) {
                assertTrue(Double.isFinite(gains.gain(s, t)), s + " → " + t);
                assertEquals(3, gains.count(s, t), s + " → " + t);
            }
        }
        List<TransferGainRun.Choice> expected = TransferGainRun.chooseGroups(gains,
                TransferGainRun.Options.paper(1, 3));
        List<String> groups = Files.readAllLines(out.resolve(TransferGainRun.GROUPS_FILE));
        assertEquals("budget,groups,objective,received", groups.get(0));
        assertEquals(expected.size() + 1, groups.size());
        for (int i = 0; i < expected.size(); i++) {
            String[] f = groups.get(i + 1).split(",");
            assertEquals(expected.get(i).budget(), Integer.parseInt(f[0]));
            assertEquals(expected.get(i).groups().label(), f[1]);
            assertTrue(c.out().contains(expected.get(i).groups().label()), c.out());
        }
        assertTrue(java.util.Arrays.deepEquals(gains.singles().z(), AffinityMatrix.read(out.resolve(
                TransferGainRun.AFFINITY_FILE)).z()), "affinity.csv holds the single-task gains");

        // mtl group reads the single-task gains as an affinity matrix
        CliCapture group = CliCapture.run("group", "--affinity", out.resolve(TransferGainRun.AFFINITY_FILE)
                .toString(), "--groups", "2");
        assertEquals(0, group.status, group.both());

        // the gains read back: the same groups without training; other options re-solve them
        Path again = dir.resolve("again");
        CliCapture read = CliCapture.run("transfer-gains", "--gains", out.resolve(TransferGainRun.GAINS_FILE)
                .toString(), "--groups", "3", "--out", again.toString());
        assertEquals(0, read.status, read.both());
        assertEquals(groups, Files.readAllLines(again.resolve(TransferGainRun.GROUPS_FILE)));
        Path best = dir.resolve("best");
        CliCapture other = CliCapture.run("transfer-gains", "--gains", out.resolve(TransferGainRun.GAINS_FILE)
                .toString(), "--groups", "2", "--objective", "best-group", "--estimate", "pair-mean", "--at-most",
                "--max-group-size", "2", "--out", best.toString());
        assertEquals(0, other.status, other.both());
        List<TransferGainRun.Choice> bestChoices = TransferGainRun.chooseGroups(gains, new TransferGainRun.Options(
                1, true, TransferGains.Estimate.PAIR_MEAN,
                org.mtl4j.grouping.affinity.OverlappingGroups.Objective.BEST_GROUP, false, 2, 2));
        assertEquals(TransferGainRun.groupsCsv(bestChoices), Files.readString(best.resolve(
                TransferGainRun.GROUPS_FILE)));
        for (TransferGainRun.Choice ch : bestChoices) {
            for (List<String> g : ch.groups().groups()) {
                assertTrue(g.size() <= 2, "group size limit: " + ch.groups().label());
            }
        }
    }

    @Test
    void groupsAreScoredOnAReferenceStudy(@TempDir Path dir) throws Exception {
        // s and d help each other, n helps no one: the gains choose sd and n
        Path gains = dir.resolve("gains.csv");
        StringBuilder g = new StringBuilder("first,second,target,gain,count\n");
        String[] t = {"s", "d", "n"};
        double[][] single = {{0.10, 0.05, -0.05}, {0.05, 0.10, -0.05}, {-0.05, -0.05, 0.10}};
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                g.append(t[i]).append(",,").append(t[k]).append(',').append(single[i][k]).append(",4\n");
            }
        }
        for (int i = 0; i < 3; i++) {
            for (int j = i; j < 3; j++) {
                for (int k = 0; k < 3; k++) {
                    // self-pairs gain 0.1; the pair sd helps both, pairs with n help no one
                    double v = k != i && k != j ? 0.0 : i == j ? 0.1 : j <= 1 ? 0.2 : 0.0;
                    g.append(t[i]).append(',').append(t[j]).append(',').append(t[k]).append(',').append(v)
                            .append(",4\n");
                }
            }
        }
        Files.writeString(gains, g.toString());
        Path ref = dir.resolve("ref.csv");
        StringBuilder r = new StringBuilder("setting,split,tasks,network_size,cost,s,d,n\n");
        for (String split : List.of("val", "test")) {
            r.append("x,").append(split).append(",s,full,1,1.0,,\n");
            r.append("x,").append(split).append(",d,full,1,,1.0,\n");
            r.append("x,").append(split).append(",n,full,1,,,1.0\n");
            r.append("x,").append(split).append(",sd,full,1,0.8,0.8,\n");
            r.append("x,").append(split).append(",sn,full,1,1.1,,1.1\n");
            r.append("x,").append(split).append(",dn,full,1,,1.1,1.1\n");
            r.append("x,").append(split).append(",sdn,full,1,0.9,0.9,1.2\n");
        }
        Files.writeString(ref, r.toString());
        CliCapture c = CliCapture.run("transfer-gains", "--gains", gains.toString(), "--reference", ref.toString(),
                "--groups", "2", "--out", dir.resolve("out").toString());
        assertEquals(0, c.status, c.both());
        List<String> groups = Files.readAllLines(dir.resolve("out").resolve(TransferGainRun.GROUPS_FILE));
        assertTrue(groups.stream().anyMatch(l -> l.startsWith("2,n+sd,")), groups.toString());
        // at 2 networks n+sd is the reference's own choice: regret 0
        assertTrue(c.out().lines().anyMatch(l -> l.contains("n+sd") && l.endsWith("+0.00%")), c.out());
    }

    @Test
    void badInputGivesOneLine(@TempDir Path dir) throws Exception {
        CliCapture zero = CliCapture.run("transfer-gains", "--groups", "0", "--out", dir.toString());
        assertEquals(2, zero.status, zero.both());
        assertTrue(zero.err().contains("--groups must be at least 1"), zero.err());
        CliCapture missing = CliCapture.run("transfer-gains", "--gains", dir.resolve("none.csv").toString(),
                "--out", dir.toString());
        assertEquals(2, missing.status, missing.both());
        assertTrue(missing.err().contains("none.csv does not exist"), missing.err());
        CliCapture objective = CliCapture.run("transfer-gains", "--objective", "most", "--out", dir.toString());
        assertEquals(2, objective.status, objective.both());
        assertTrue(objective.err().contains("--objective must be group-sum or best-group, got most"),
                objective.err());
        Path broken = dir.resolve("broken.csv");
        Files.writeString(broken, "first,second,target,gain,count\ns,,s,oops,1\n");
        CliCapture bad = CliCapture.run("transfer-gains", "--gains", broken.toString(), "--out", dir.toString());
        assertEquals(2, bad.status, bad.both());
        assertTrue(bad.err().contains("broken.csv"), bad.err());
    }
}
