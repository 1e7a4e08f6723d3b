package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QuickStart runs as written (one short epoch) and leaves its checkpoints. */
class QuickStartTest {

    @Test
    void trainsOneEpochAndWritesCheckpoints(@TempDir Path dir) throws Exception {
        String out = StdOut.of(() -> QuickStart.main(new String[] {"1", "32", dir.toString()}));
        assertTrue(out.contains("s") && out.contains("d") && out.contains("n"), out);
        assertTrue(Files.isRegularFile(dir.resolve("last.ckpt")), "no last.ckpt in " + dir);
    }
}
