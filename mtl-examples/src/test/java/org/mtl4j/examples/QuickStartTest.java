package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QuickStart runs as written (one short epoch) and leaves its checkpoints. */
class QuickStartTest {

    @Test
    void trainsOneEpochAndWritesCheckpoints(@TempDir Path dir) {
        PrintStream before = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            QuickStart.main(new String[] {"1", "32", dir.toString()});
        } finally {
            System.setOut(before);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("s") && out.contains("d") && out.contains("n"), out);
        assertTrue(Files.isRegularFile(dir.resolve("last.ckpt")), "no last.ckpt in " + dir);
    }
}
