package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.taxonomy.TaxonomyProblem;
import org.mtl4j.grouping.taxonomy.TaxonomySelection;
import org.mtl4j.grouping.taxonomy.TransferResults;

/** {@code mtl taxonomy} on tiny synthetic scenes, and on a given transfer matrix. */
class MtlTaxonomyTest {

    @Test
    void trainsTransfersChoosesSourcesAndReadsThemBack(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("tax");
        CliCapture c = CliCapture.run("taxonomy", "--tasks", "s,d,n", "--size", "16", "--train-samples", "16",
                "--test-samples", "6", "--transfer-samples", "8", "--epochs", "1", "--readout-epochs", "1", "--width",
                "2", "--batch-size", "8", "--budget", "1", "--max-order", "2", "--out", out.toString(), "--threads",
                "2");
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("15 networks"), "3 sources, 3 scratch, 6 first-order, 3 second-order: "
                + c.out());
        TransferResults r = TransferResults.read(out.resolve("transfers.csv"));
        assertEquals(5, r.transfers("s").size());
        assertEquals(6, r.transfers("d").get(0).losses().length);
        TaxonomySelection first = TaxonomyProblem.of(r, 1).solve(1);
        TaxonomySelection second = TaxonomyProblem.of(r, 2).solve(1);
        assertTrue(c.out().contains("budget 1: supervise " + (first.sources().isEmpty() ? "nothing"
                : String.join(",", first.sources()))), c.out());
        assertTrue(c.out().contains("order ≤ 2 transfers"), c.out());
        assertTrue(second.objective() >= 0 && second.sources().size() <= 1);
        for (String t : first.transfer().keySet()) {
            assertTrue(c.out().contains(t), t);
        }
        assertTrue(Files.size(out.resolve("quality.png")) > 1000);
        String selection = Files.readString(out.resolve("selection.txt"));

        CliCapture read = CliCapture.run("taxonomy", "--transfers", out.resolve("transfers.csv").toString(),
                "--budget", "1", "--max-order", "2", "--out", dir.resolve("again").toString());
        assertEquals(0, read.status, read.both());
        assertEquals(selection, Files.readString(dir.resolve("again/selection.txt")));
        assertEquals(Files.readString(out.resolve("quality.csv")),
                Files.readString(dir.resolve("again/quality.csv")));
    }

    @Test
    void badInputGivesOneLine(@TempDir Path dir) throws Exception {
        CliCapture c = CliCapture.run("taxonomy", "--budget", "-1", "--out", dir.toString());
        assertEquals(2, c.status, c.both());
        assertTrue(c.err().contains("--budget must be non-negative"), c.err());
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "target,sources,sample,loss\ns,d,0,abc\n");
        CliCapture b = CliCapture.run("taxonomy", "--transfers", bad.toString(), "--out", dir.toString());
        assertEquals(2, b.status, b.both());
        assertTrue(b.err().contains("line 2") && !b.err().contains("\tat org."), b.err());
        Path good = dir.resolve("good.csv");
        Files.writeString(good, "target,sources,sample,loss\ns,s,0,0.1\ns,scratch,0,0.2\n");
        CliCapture costs = CliCapture.run("taxonomy", "--transfers", good.toString(), "--costs", "s:1", "--out",
                dir.toString());
        assertEquals(2, costs.status, costs.both());
        assertTrue(costs.err().contains("must look like task=cost"), costs.err());
    }
}
