package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.affinity.AffinityGrouping;
import org.mtl4j.grouping.affinity.AffinityMatrix;

/** {@code mtl affinity} on tiny synthetic scenes, and on a given matrix. */
class MtlAffinityTest {

    @Test
    void measuresAffinityWritesMatrixAndGroupsAndReusesAGivenMatrix(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("aff");
        CliCapture c = CliCapture.run("affinity", "--tasks", "s,d,n", "--size", "16", "--train-samples", "24",
                "--val-samples", "8", "--epochs", "1", "--width", "2", "--batch-size", "8", "--every", "1", "--groups",
                "3", "--out", out.toString(), "--threads", "2");
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("3 lookahead measurements"), "24 samples / batch 8, every step: " + c.out());
        AffinityMatrix m = AffinityMatrix.read(out.resolve("affinity.csv"));
        assertEquals(List.of("s", "d", "n"), m.tasks());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertTrue(Double.isFinite(m.z()[i][j]), "Z measured for every pair");
            }
        }
        List<String> groups = Files.readAllLines(out.resolve("groups.csv"));
        assertEquals("max_groups,groups,total_affinity", groups.get(0));
        assertEquals(4, groups.size());
        assertTrue(groups.get(1).startsWith("1,sdn,"), groups.get(1));
        for (int n = 1; n <= 3; n++) {
            assertEquals(AffinityGrouping.select(m, n).label(), groups.get(n).split(",")[1], "N = " + n);
        }
        assertTrue(Files.size(out.resolve("affinity.png")) > 1000);

        // the written matrix, read back: same groups without training
        Path again = dir.resolve("again");
        CliCapture read = CliCapture.run("affinity", "--affinity", out.resolve("affinity.csv").toString(), "--groups",
                "3", "--out", again.toString());
        assertEquals(0, read.status, read.both());
        assertEquals(groups, Files.readAllLines(again.resolve("groups.csv")));
    }

    @Test
    void badInputGivesOneLine(@TempDir Path dir) {
        CliCapture c = CliCapture.run("affinity", "--groups", "0", "--out", dir.toString());
        assertEquals(2, c.status, c.both());
        assertTrue(c.err().contains("--groups must be at least 1"), c.err());
        CliCapture missing = CliCapture.run("affinity", "--affinity", dir.resolve("none.csv").toString(), "--out",
                dir.toString());
        assertEquals(2, missing.status, missing.both());
        assertTrue(missing.err().contains("none.csv does not exist"), missing.err());
    }
}
