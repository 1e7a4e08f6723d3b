package org.mtl4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * mtl-spark on a real Spark standalone cluster (a master and two one-core workers, separate JVMs on loopback, started
 * from the build's jars): a sweep and a study through {@code mtl-spark/bin/mtl-spark} with no hand-added options give
 * the same tables as in-process runs with the same PyTorch thread count (one); and a sweep during which one worker
 * and its executor are killed completes with every run stored once, equal to the in-process values.
 */
class StandaloneClusterTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String[] SWEEP = {"sweep", "--archs", "hps,mtan", "--weightings", "equal,uw", "--seeds",
        "1,2", "--tasks", "s,d", "--size", "32", "--train-samples", "128", "--val-samples", "16", "--epochs", "3",
        "--width", "4"};
    private static final String[] STUDY = {"study", "--tasks", "s,d", "--size", "16", "--train-samples", "16",
        "--val-samples", "8", "--test-samples", "8", "--epochs", "1", "--width", "2", "--budgets", "1,2",
        "--no-progress"};

    private static Process launch(Path log, List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().remove("MKL_CBWR");
        return pb.start();
    }

    /** {@code mtl-spark/bin/mtl-spark ARGS --spark URL --out OUT}. */
    private static Process onCluster(StandaloneCluster c, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("mtl-spark/bin/mtl-spark").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--spark", c.url(), "--out", out.toString()));
        return launch(out.resolveSibling(out.getFileName() + ".log"), cmd);
    }

    /** The same command in one JVM with one PyTorch thread, as each one-core executor has. */
    private static void inProcess(Path out, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
                "-jar", ROOT.resolve("mtl-cli/target/mtl.jar").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--out", out.toString()));
        finish(launch(out.resolveSibling(out.getFileName() + ".log"), cmd), out);
    }

    private static void finish(Process p, Path out) throws Exception {
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "still running after 10 minutes: " + out);
        Path log = out.resolveSibling(out.getFileName() + ".log");
        assertEquals(0, p.exitValue(), () -> "failed: " + read(log));
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The results table without the timing column (the last). */
    private static String withoutSeconds(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(0, l.lastIndexOf(',')))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void sweepsAndStudiesMatchInProcessAndALostWorkerLosesNothing(@TempDir Path dir) throws Exception {
        Path sparkLib = ROOT.resolve("mtl-spark/target/lib/spark");
        assumeTrue(Files.isDirectory(sparkLib) && Files.isRegularFile(ROOT.resolve("mtl-cli/target/mtl.jar")),
                "run from the root build (mvn verify): needs mtl-cli/target/mtl.jar and mtl-spark/target/lib");
        inProcess(dir.resolve("sweep-here"), SWEEP);
        inProcess(dir.resolve("study-here"), STUDY);
        try (StandaloneCluster c = StandaloneCluster.start(dir.resolve("cluster"), sparkLib,
                ROOT.resolve("mtl-spark/target/lib/app"), 2)) {
            Path study = dir.resolve("study-cluster");
            finish(onCluster(c, study, STUDY), study);
            assertEquals(Files.readString(dir.resolve("study-here/losses.csv")),
                    Files.readString(study.resolve("losses.csv")));
            assertEquals(Files.readString(dir.resolve("study-here/groupings.csv")),
                    Files.readString(study.resolve("groupings.csv")));

            Path sweep = dir.resolve("sweep-cluster");
            Process p = onCluster(c, sweep, SWEEP);
            Path runs = sweep.resolve("runs");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (stored(runs) < 1 && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(p.isAlive() && stored(runs) < 8, "the sweep ended before a worker could be lost");
            c.killWorker(0); // with its executor, in the middle of the sweep
            finish(p, sweep);
            assertTrue(read(dir.resolve("cluster/master.log")).contains("Removing worker"),
                    "the master saw the worker go");
            assertEquals(8, stored(runs), "every run stored");
            List<String> rows = Files.readAllLines(sweep.resolve("results.csv"));
            assertEquals(1 + 8, rows.size(), "8 runs, none twice");
            assertEquals(withoutSeconds(dir.resolve("sweep-here/results.csv")),
                    withoutSeconds(sweep.resolve("results.csv")));
        }
    }

    private static long stored(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }
}
