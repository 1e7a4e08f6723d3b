package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtl study} on tiny synthetic scenes: the study completes, mtl group agrees, and a restart resumes. */
class MtlStudyTest {

    private static String[] args(Path out, String approx, String... more) {
        List<String> a = new ArrayList<>(List.of("study", "--tasks", "s,d,n", "--approx", approx, "--size", "16",
                "--train-samples", "16", "--val-samples", "8", "--test-samples", "8", "--epochs", "2", "--width", "2",
                "--batch-size", "8", "--budgets", "1,1.5,2,...,3", "--out", out.toString(), "--no-progress",
                "--threads", "2"));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    private static int lines(String text, String prefix) {
        return (int) text.lines().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void studyCompletesMtlGroupAgreesAndARestartSkipsFinishedCandidates(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        CliCapture first = CliCapture.run(args(out, "none"));
        assertEquals(0, first.status, first.both());
        assertTrue(first.err().contains("candidates: 10 to train, 0 reused"), first.err());
        assertEquals(10, lines(first.err(), "candidates "), "one progress line per candidate: " + first.err());
        assertTrue(first.out().contains("baseline all-in-one") && first.out().contains("baseline independent"),
                first.out());
        for (String f : List.of("losses.csv", "groupings.csv", "pairwise.csv", "study.json", "loss_vs_budget.png",
                "pairwise.png")) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertTrue(Files.size(out.resolve("pairwise.png")) > 1000);

        // mtl group on the written losses: identical selections, byte for byte
        Path regrouped = dir.resolve("regrouped.csv");
        CliCapture group = CliCapture.run("group", "--losses", out.resolve("losses.csv").toString(), "--select", "val",
                "--report", "test", "--budgets", "1,1.5,2,...,3", "--out", regrouped.toString());
        assertEquals(0, group.status, group.both());
        assertEquals(Files.readString(out.resolve("groupings.csv")), Files.readString(regrouped));
        assertEquals(1 + 10 + 10, Files.readAllLines(out.resolve("losses.csv")).size(),
                "a header and 10 networks on each of val and test");

        // a second run trains nothing
        CliCapture again = CliCapture.run(args(out, "none"));
        assertEquals(0, again.status, again.both());
        assertTrue(again.err().contains("candidates: 0 to train, 10 reused"), again.err());
        assertEquals(Files.readString(regrouped), Files.readString(out.resolve("groupings.csv")));

        // a partial study (one candidate file gone, as after a kill) retrains exactly that one
        Path victim;
        try (Stream<Path> s = Files.list(out.resolve("candidates"))) {
            victim = s.filter(p -> p.getFileName().toString().startsWith("sn-")).findFirst().orElseThrow();
        }
        Files.delete(victim);
        CliCapture partial = CliCapture.run(args(out, "none"));
        assertEquals(0, partial.status, partial.both());
        assertTrue(partial.err().contains("candidates: 1 to train, 9 reused"), partial.err());
        assertTrue(partial.err().contains("candidates 1/1: sn "), partial.err());
        assertTrue(Files.exists(victim));
    }

    @Test
    void approximationsShareTheFullStudysNetworksAndAreScoredOnIt(@TempDir Path dir) throws Exception {
        Path shared = dir.resolve("candidates");
        CliCapture full = CliCapture.run(args(dir.resolve("none"), "none", "--candidates", shared.toString()));
        assertEquals(0, full.status, full.both());
        Path reference = dir.resolve("none/losses.csv");

        CliCapture hoa = CliCapture.run(args(dir.resolve("hoa"), "hoa", "--candidates", shared.toString(),
                "--reference", reference.toString()));
        assertEquals(0, hoa.status, hoa.both());
        assertTrue(hoa.err().contains("candidates: 0 to train, 9 reused"), "singles, pairs, halves: " + hoa.err());
        assertTrue(hoa.out().contains("scored on the reference"), hoa.out());
        Path hoaGroups = dir.resolve("hoa-regrouped.csv");
        assertEquals(0, CliCapture.run("group", "--losses", dir.resolve("hoa/losses.csv").toString(), "--select", "hoa",
                "--budgets", "1,1.5,2,...,3", "--out", hoaGroups.toString()).status);
        assertEquals(Files.readString(dir.resolve("hoa/groupings.csv")), Files.readString(hoaGroups));

        CliCapture esa = CliCapture.run(args(dir.resolve("esa"), "esa", "--fraction", "0.5", "--candidates",
                shared.toString(), "--reference", reference.toString()));
        assertEquals(0, esa.status, esa.both());
        assertTrue(esa.err().contains("candidates: 10 to train, 0 reused"), "1-epoch candidates are new: "
                + esa.err());
        assertTrue(esa.err().contains("final: 0 to train"), "the fully trained ones exist: " + esa.err());
        assertTrue(Files.readString(dir.resolve("esa/losses.csv")).contains(",esa_50pct,"));
        Path esaGroups = dir.resolve("esa-regrouped.csv");
        assertEquals(0, CliCapture.run("group", "--losses", dir.resolve("esa/losses.csv").toString(), "--select", "esa",
                "--budgets", "1,1.5,2,...,3", "--out", esaGroups.toString()).status);
        assertEquals(Files.readString(dir.resolve("esa/groupings.csv")), Files.readString(esaGroups));
    }

    @Test
    void badInputGivesOneLine(@TempDir Path dir) {
        String[][] cases = {
            args(dir.resolve("a"), "magic"),
            args(dir.resolve("b"), "esa", "--fraction", "1.5"),
            {"study", "--tasks", "s,q", "--out", dir.resolve("c").toString()},
            {"study", "--budgets", "0.5,1", "--out", dir.resolve("d").toString()},
            {"study", "--reference", dir.resolve("missing.csv").toString(), "--out", dir.resolve("e").toString()},
        };
        String[] expected = {"unknown approximation 'magic'", "--fraction must lie in (0, 1]", "unknown task 'q'",
            "budget 0.5 is below 1", "missing.csv do not exist"};
        for (int i = 0; i < cases.length; i++) {
            CliCapture c = CliCapture.run(cases[i]);
            assertEquals(2, c.status, c.both());
            assertTrue(c.err().contains("mtl: error: ") && c.err().contains(expected[i]), c.err());
            assertFalse(c.err().contains("\tat org."), c.err());
        }
    }
}
