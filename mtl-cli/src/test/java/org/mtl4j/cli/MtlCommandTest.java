package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mtl program end to end on tiny settings, and its handling of bad input. */
class MtlCommandTest {

    @Test
    void mgdaRunsInRepresentationModeByDefaultAndPlainMgdaOnRequest(@TempDir Path dir) throws Exception {
        String[] common = {"train", "--tasks", "s,d", "--epochs", "1", "--size", "16", "--train-samples", "8",
            "--val-samples", "8", "--batch-size", "8", "--width", "2", "--weighting", "mgda", "--no-baselines",
            "--no-progress"};
        for (String[] mode : new String[][] {{"auto", "representation"}, {"parameters", "parameters"}}) {
            Path out = dir.resolve(mode[0]);
            String[] args = java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                    java.util.stream.Stream.of("--gradient-mode", mode[0], "--out", out.toString()))
                    .toArray(String[]::new);
            CliCapture c = CliCapture.run(args);
            assertEquals(0, c.status, c.err());
            JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
            assertEquals(mode[1], json.get("gradient_mode").getAsString(), "--gradient-mode " + mode[0]);
        }
    }

    @Test
    void aStrategyFromOutsideMtlLossesTrainsByName(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("largest");
        CliCapture c = CliCapture.run("train", "--tasks", "s,d", "--epochs", "2", "--size", "16", "--train-samples",
                "8", "--val-samples", "8", "--batch-size", "8", "--width", "2", "--weighting", "largest:3",
                "--no-baselines", "--no-progress", "--out", out.toString());
        assertEquals(0, c.status, c.err());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals("largest", json.get("weighting").getAsString());
        String history = json.get("history").toString();
        assertTrue(history.contains("3.0"), "the boosted weight 3 appears among the mean weights: " + history);
        CliCapture unknown = CliCapture.run("train", "--weighting", "nope", "--out", dir.resolve("x").toString());
        assertEquals(2, unknown.status);
        assertTrue(unknown.err().contains("largest[:boost]"), "the error lists the outside strategy: "
                + unknown.err());
    }

    @Test
    void checkNativesReportsBothBackendsAndPassesForTheOneTrainedWith() {
        CliCapture c = CliCapture.run("check-natives", "--quick");
        assertEquals(0, c.status, c.out() + c.err());
        assertTrue(c.out().contains("mtl4j trains with: REFERENCE_KERNELS"), c.out());
        assertTrue(c.out().contains("reference kernels: 5 of 5 cases right"), c.out());
        assertTrue(c.out().contains("result: the kernels mtl4j trains with are right"), c.out());
    }

    @Test
    void trainWritesResultsAndReusesCachedBaselines(@TempDir Path dir) throws Exception {
        String[] args = {"train", "--tasks", "s,d", "--epochs", "1", "--size", "16", "--train-samples", "16",
            "--val-samples", "8", "--batch-size", "8", "--width", "4", "--out", dir.resolve("run").toString(),
            "--baseline-cache", dir.resolve("cache").toString(), "--no-progress", "--threads", "2"};
        CliCapture first = CliCapture.run(args);
        assertEquals(0, first.status, first.err());
        assertTrue(first.out().contains("single-task baseline s: training"), first.out());
        assertTrue(first.out().contains("Δp (LibMTL"), first.out());
        Path results = dir.resolve("run/results.json");
        JsonObject json = JsonParser.parseString(Files.readString(results)).getAsJsonObject();
        assertEquals(42, json.get("seed").getAsLong());
        assertEquals("none", json.get("gradient_mode").getAsString(), "the mode that ran is recorded");
        assertEquals("auto", json.get("gradient_mode_option").getAsString());
        assertTrue(json.getAsJsonObject("provenance").get("djl_version").getAsString().startsWith("0.36"));
        assertTrue(json.getAsJsonObject("tasks").getAsJsonObject("s").getAsJsonObject("multi_task").has("mIoU"));
        assertTrue(json.getAsJsonObject("delta").has("delta_m_flat"));
        assertTrue(Files.size(dir.resolve("run/loss_curves.png")) > 1000);
        assertTrue(Files.exists(dir.resolve("run/checkpoints/last.ckpt")));

        CliCapture second = CliCapture.run(args);
        assertEquals(0, second.status, second.err());
        assertTrue(second.out().contains("single-task baseline s: reused"), second.out());
        JsonObject again = JsonParser.parseString(Files.readString(results)).getAsJsonObject();
        assertEquals(json.getAsJsonObject("tasks").toString(), again.getAsJsonObject("tasks").toString(),
                "same seed, same results");
    }

    @Test
    void badInputGivesOneLineAndStatusTwoWithoutStackTrace(@TempDir Path dir) {
        String out = dir.resolve("run").toString();
        String[][] cases = {
            {"train", "--tasks", "s,x", "--out", out},
            {"train", "--data", "nyu", "--out", out},
            {"train", "--arch", "mystery", "--out", out},
            {"train", "--weighting", "fixed:1,abc", "--tasks", "s,d", "--out", out},
            {"train", "--epochs", "0", "--out", out},
        };
        String[] expected = {"unknown task 'x'", "unknown data set 'nyu'", "unknown architecture 'mystery'",
            "'abc' is not a number", "--epochs must be positive"};
        for (int i = 0; i < cases.length; i++) {
            CliCapture c = CliCapture.run(cases[i]);
            assertEquals(2, c.status, c.err());
            assertTrue(c.err().contains("mtl: error: ") && c.err().contains(expected[i]), c.err());
            assertFalse(c.err().contains("\tat org."), c.err());
        }
        CliCapture unknownOption = CliCapture.run("train", "--frobnicate");
        assertEquals(2, unknownOption.status);
        assertTrue(unknownOption.err().contains("--frobnicate"), unknownOption.err());
    }
}
