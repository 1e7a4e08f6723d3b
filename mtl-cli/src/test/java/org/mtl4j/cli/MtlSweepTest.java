package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtl sweep} in process: the tables, the gradient mode each run used, and resuming after a lost run. */
class MtlSweepTest {

    private static String[] args(Path out) {
        return new String[] {"sweep", "--tasks", "s,d", "--archs", "hps", "--weightings", "equal,pcgrad", "--seeds",
            "1,2", "--size", "16", "--train-samples", "16", "--val-samples", "8", "--epochs", "1", "--width", "2",
            "--batch-size", "8", "--threads", "2", "--out", out.toString()};
    }

    @Test
    void sweepWritesBothTablesAndARestartTrainsOnlyWhatIsMissing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sweep");
        CliCapture first = CliCapture.run(args(out));
        assertEquals(0, first.status, first.both());
        assertTrue(first.out().contains("4 to train"), first.out());
        List<String> rows = Files.readAllLines(out.resolve("results.csv"));
        assertEquals("arch,weighting,gradient_mode,seed,s_mIoU,d_abs_err,total_val_loss,torch_threads,seconds", rows.get(0));
        assertEquals(5, rows.size(), "4 runs");
        assertTrue(rows.get(1).startsWith("hps,equal,none,1,"), rows.get(1));
        assertTrue(rows.get(3).startsWith("hps,pcgrad,parameters,1,"), rows.get(3));
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertEquals(3, summary.size());
        assertTrue(summary.get(1).startsWith("hps,equal,2,") && summary.get(1).endsWith(",+0.00"), summary.get(1));

        Path victim;
        try (Stream<Path> s = Files.list(out.resolve("runs"))) {
            victim = s.filter(p -> p.getFileName().toString().startsWith("hps-pcgrad-s2-")).findFirst()
                    .orElseThrow();
        }
        Files.delete(victim);
        CliCapture again = CliCapture.run(args(out));
        assertEquals(0, again.status, again.both());
        assertTrue(again.out().contains("3 finished earlier") && again.out().contains("1 to train"), again.out());
        assertEquals(rows.subList(0, 5).stream().map(MtlSweepTest::withoutSeconds).toList(),
                Files.readAllLines(out.resolve("results.csv")).stream().map(MtlSweepTest::withoutSeconds).toList(),
                "the retrained run gives the same numbers");

        CliCapture bad = CliCapture.run("sweep", "--weightings", "equal,nope", "--out", dir.resolve("x").toString());
        assertEquals(2, bad.status, bad.both());
        assertTrue(bad.err().contains("nope"), bad.err());

        // without the mtl-spark module on the class path, --spark says where to get it
        CliCapture noSpark = CliCapture.run("sweep", "--spark", "local[2]", "--out", dir.resolve("y").toString());
        assertEquals(2, noSpark.status, noSpark.both());
        assertTrue(noSpark.err().contains("mtl-spark/bin/mtl-spark"), noSpark.err());
    }

    private static String withoutSeconds(String line) {
        return line.substring(0, line.lastIndexOf(','));
    }
}
