package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.reliability.ChildJvm;

/**
 * {@code mtl train --resume}: a training process (a second JVM) is killed after its first checkpoint; the resumed
 * run ends with exactly the losses, loss for loss, of the same run left uninterrupted.
 */
class MtlTrainResumeTest {

    private static List<String> args(Path out) {
        return new ArrayList<>(List.of("train", "--tasks", "s,d,n", "--arch", "hps", "--weighting", "uw",
                "--epochs", "4", "--size", "24", "--train-samples", "96", "--val-samples", "16", "--batch-size", "8",
                "--width", "4", "--no-baselines", "--no-progress", "--threads", "1", "--out", out.toString()));
    }

    private static JsonObject results(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve("results.json"))).getAsJsonObject();
    }

    @Test
    void aKilledRunResumesAndMatchesTheUninterruptedRunLossForLoss(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        CliCapture a = CliCapture.run(args(whole).toArray(String[]::new));
        assertEquals(0, a.status, a.both());

        Path killed = dir.resolve("killed");
        Path last = killed.resolve("checkpoints").resolve("last.ckpt");
        int done = -1;
        try (ChildJvm child = ChildJvm.start(dir, MtlCommand.class, args(killed).toArray(String[]::new))) {
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (System.nanoTime() < deadline && child.isAlive()) {
                if (Files.exists(last)) {
                    CheckpointState state = Checkpoints.readState(last);
                    done = state.epochsCompleted();
                    if (done >= 1) {
                        child.kill();
                        break;
                    }
                }
                Thread.sleep(10);
            }
            if (done < 1 || done >= 4) {
                fail("could not kill the run between epochs 1 and 4 (epochs done: " + done + "):\n"
                        + child.transcript());
            }
        }
        assertFalse(Files.exists(killed.resolve("results.json")), "the killed run did not finish");

        CliCapture refused = CliCapture.run("train", "--resume", killed.toString(), "--epochs", "9");
        assertEquals(2, refused.status, refused.both());
        assertTrue(refused.err().contains("--epochs cannot be combined with --resume"), refused.err());

        CliCapture b = CliCapture.run("train", "--resume", killed.toString(), "--no-progress");
        assertEquals(0, b.status, b.both());
        assertTrue(b.out().contains("resuming from"), b.out());

        JsonObject ra = results(whole);
        JsonObject rb = results(killed);
        assertEquals(done, rb.get("resumed_after_epoch").getAsInt());
        JsonArray ha = ra.getAsJsonArray("history");
        JsonArray hb = rb.getAsJsonArray("history");
        assertEquals(4, ha.size());
        assertEquals(4, hb.size());
        for (int e = 0; e < 4; e++) {
            JsonObject ea = ha.get(e).getAsJsonObject();
            JsonObject eb = hb.get(e).getAsJsonObject();
            assertEquals(ea.get("train_loss").toString(), eb.get("train_loss").toString(),
                    "training losses of epoch " + (e + 1) + " (killed after " + done + ")");
            if (e >= done) {
                assertEquals(ea.get("validation").toString(), eb.get("validation").toString(),
                        "validation of epoch " + (e + 1));
                assertEquals(ea.get("mean_weights").toString(), eb.get("mean_weights").toString(),
                        "uncertainty weights of epoch " + (e + 1));
            }
        }
        assertEquals(ra.get("tasks").toString(), rb.get("tasks").toString(), "final metrics");

        // resuming a finished run trains nothing and reports the same model
        CliCapture c = CliCapture.run("train", "--resume", killed.toString(), "--no-progress");
        assertEquals(0, c.status, c.both());
        assertTrue(c.out().contains("4 of 4 epochs done"), c.out());
        assertEquals(ra.get("tasks").toString(), results(killed).get("tasks").toString());

        CliCapture missing = CliCapture.run("train", "--resume", dir.resolve("nothing").toString());
        assertEquals(2, missing.status, missing.both());
        assertTrue(missing.err().contains("run.json") && missing.err().contains("nothing"), missing.err());
    }
}
