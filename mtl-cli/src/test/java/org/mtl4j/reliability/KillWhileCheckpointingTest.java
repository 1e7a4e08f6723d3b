package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;

/**
 * Crash safety of checkpoints: a second JVM writes the same checkpoint file in a loop and is killed (SIGKILL) at
 * random moments, nearly always in the middle of a write; every time, the file left behind loads completely, with
 * its optimiser moments, into a fresh model.
 */
class KillWhileCheckpointingTest {

    @Test
    void aKillAtAnyMomentLeavesTheLastCheckpointLoadable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("last.ckpt");
        Random random = new Random(3);
        for (int round = 0; round < 3; round++) {
            long step;
            long base = 1_000_000L * (round + 1);
            try (ChildJvm child = ChildJvm.start(dir, CheckpointLoop.class, file.toString(), String.valueOf(base))) {
                String first = child.awaitLine("saved " + (base + 2), 180);
                assertNotNull(first, "the child wrote no checkpoints:\n" + child.transcript());
                Thread.sleep(random.nextInt(40));
                assertTrue(child.isAlive(), "the child ended by itself:\n" + child.transcript());
                child.kill();
                step = -1;
                for (String line : child.transcript().split("\n")) {
                    if (line.matches("saved \\d+")) {
                        step = Long.parseLong(line.substring("saved ".length()));
                    }
                }
            }
            try (MultiTaskModel m = CheckpointLoop.model()) {
                CheckpointState state = m.loadCheckpoint(file);
                // the file holds the last completed write (or, if the kill came between the rename and the print,
                // the one after it), never a torn one
                assertTrue(state.step() == step || state.step() == step + 1,
                        "round " + round + ": the child had finished step " + step + ", the file holds "
                                + state.step());
                assertEquals(m.trainingBlock().getParameters().size(), state.optimizerState().moments().size(),
                        "the optimiser moments load too");
            }
            // a torn temporary file may be left beside it; the next writer simply replaces it
            assertTrue(Files.exists(file));
        }
    }
}
