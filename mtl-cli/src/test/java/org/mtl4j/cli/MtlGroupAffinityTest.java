package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.affinity.AffinityGrouping;

/** {@code mtl group --affinity}: groups from an affinity matrix (mtl affinity's, or the transfer gains'). */
class MtlGroupAffinityTest {

    @Test
    void twoObviousPairsAreChosenFromAHandMadeMatrix(@TempDir Path dir) throws Exception {
        // a and b help each other, c and d help each other, across the pairs they hurt
        Path csv = dir.resolve("affinity.csv");
        Files.writeString(csv, "source,a,b,c,d\n" + "a,,0.5,-0.2,-0.2\n" + "b,0.5,,-0.2,-0.2\n"
                + "c,-0.2,-0.2,,0.4\n" + "d,-0.2,-0.2,0.4,\n");
        List<AffinityGrouping.Result> r = GroupRun.fromAffinity(csv, 2, new java.io.PrintStream(
                new java.io.ByteArrayOutputStream()));
        assertEquals(2, r.size());
        assertEquals("ab+cd", r.get(1).label());
        CliCapture c = CliCapture.run("group", "--affinity", csv.toString(), "--groups", "2");
        assertEquals(0, c.status, c.err());
        assertTrue(c.out().contains("ab+cd"), c.out());
        CliCapture both = CliCapture.run("group", "--affinity", csv.toString(), "--losses", csv.toString());
        assertEquals(2, both.status);
        assertTrue(both.err().contains("either --losses FILE or --affinity FILE"), both.err());
    }
}
