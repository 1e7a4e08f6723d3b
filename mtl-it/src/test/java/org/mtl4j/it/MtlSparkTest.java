package org.mtl4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.cli.MtlCommand;

/** {@code --spark local[2]} on {@code mtl study} and {@code mtl sweep}: the same tables as in-process (mtl-spark on
 * the test class path, as {@code mtl-spark/bin/mtl-spark} puts it there). */
class MtlSparkTest {

    private static String[] args(String command, Path out, String... more) {
        List<String> a = new ArrayList<>(List.of(command, "--tasks", "s,d", "--size", "16", "--train-samples", "16",
                "--val-samples", "8", "--epochs", "1", "--width", "2", "--batch-size", "8", "--threads", "2", "--out",
                out.toString()));
        a.addAll(Arrays.asList(more));
        return a.toArray(new String[0]);
    }

    private static int mtl(String... args) {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        return MtlCommand.execute(quiet, quiet, args);
    }

    /** The results table without the timing column. */
    private static String withoutSeconds(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void theCommandLineRunsStudiesAndSweepsOnSparkWithTheSameResults(@TempDir Path dir) throws Exception {
        assertEquals(0, mtl(args("study", dir.resolve("study-here"), "--test-samples", "8", "--budgets", "1,2",
                "--no-progress")));
        assertEquals(0, mtl(args("study", dir.resolve("study-spark"), "--test-samples", "8", "--budgets", "1,2",
                "--no-progress", "--spark", "local[2]")));
        assertEquals(Files.readString(dir.resolve("study-here/losses.csv")),
                Files.readString(dir.resolve("study-spark/losses.csv")));
        assertEquals(Files.readString(dir.resolve("study-here/groupings.csv")),
                Files.readString(dir.resolve("study-spark/groupings.csv")));

        String[] sweep = {"--archs", "hps,mtan", "--weightings", "equal,uw", "--seeds", "1,2"};
        List<String> here = new ArrayList<>(Arrays.asList(args("sweep", dir.resolve("sweep-here"), sweep)));
        assertEquals(0, mtl(here.toArray(String[]::new)));
        List<String> there = new ArrayList<>(Arrays.asList(args("sweep", dir.resolve("sweep-spark"), sweep)));
        there.addAll(List.of("--spark", "local[2]"));
        assertEquals(0, mtl(there.toArray(String[]::new)));
        assertEquals(withoutSeconds(dir.resolve("sweep-here/results.csv")),
                withoutSeconds(dir.resolve("sweep-spark/results.csv")));
        assertEquals(1 + 8, Files.readAllLines(dir.resolve("sweep-spark/results.csv")).size(), "8 runs");
        assertEquals(Files.readString(dir.resolve("sweep-here/summary.csv")),
                Files.readString(dir.resolve("sweep-spark/summary.csv")));
    }
}
