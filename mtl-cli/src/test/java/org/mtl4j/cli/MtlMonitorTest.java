package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtl train --monitor}: weights, cosines and conflicts per step and epoch, in results.json, csv and plots. */
class MtlMonitorTest {

    private static CliCapture train(Path out, String weighting, boolean monitor) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--tasks", "s,d,e", "--epochs", "2", "--size",
                "16", "--train-samples", "16", "--val-samples", "8", "--batch-size", "8", "--width", "2",
                "--weighting", weighting, "--no-baselines", "--no-progress", "--out", out.toString()));
        if (monitor) {
            args.add("--monitor");
        }
        return CliCapture.run(args.toArray(String[]::new));
    }

    @Test
    void pcgradRunRecordsEveryStepAndSummarisesEachEpoch(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("pcgrad");
        CliCapture c = train(out, "pcgrad", true);
        assertEquals(0, c.status, c.err());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        JsonArray epochs = json.getAsJsonArray("gradient_monitor");
        assertEquals(2, epochs.size());
        JsonObject first = epochs.get(0).getAsJsonObject();
        assertEquals(2, first.get("steps").getAsInt()); // 16 samples / batch 8
        JsonObject cos = first.getAsJsonObject("mean_cosines");
        assertEquals(List.of("s", "d", "e"), List.copyOf(cos.keySet()));
        assertEquals(1.0, cos.getAsJsonObject("s").get("s").getAsDouble(), 1e-4);
        assertEquals(cos.getAsJsonObject("s").get("d").getAsDouble(), cos.getAsJsonObject("d").get("s").getAsDouble(),
                1e-12);
        double conflicts = first.get("conflicting_pairs_per_step").getAsDouble();
        assertTrue(conflicts >= 0 && conflicts <= 3, "three pairs at most: " + conflicts);
        List<String> csv = Files.readAllLines(out.resolve("monitor.csv"));
        assertEquals("step,epoch,loss_s,loss_d,loss_e,weight_s,weight_d,weight_e,conflicting_pairs,cos_s_d,cos_s_e,"
                + "cos_d_e", csv.get(0));
        assertEquals(1 + 4, csv.size());
        // the csv's conflict count agrees with its own cosines
        for (String row : csv.subList(1, csv.size())) {
            String[] f = row.split(",", -1);
            int negative = 0;
            for (int i = 9; i < 12; i++) {
                negative += !f[i].isEmpty() && Double.parseDouble(f[i]) < 0 ? 1 : 0;
            }
            assertEquals(Integer.parseInt(f[8]), negative, row);
        }
        for (String png : List.of("weights.png", "cosines_epoch_1.png", "cosines_epoch_2.png")) {
            assertTrue(Files.size(out.resolve(png)) > 1000, png);
        }
    }

    @Test
    void lossModeRecordsWeightsOnlyAndMonitoringChangesNoNumber(@TempDir Path dir) throws Exception {
        Path watched = dir.resolve("uw-monitored");
        Path plain = dir.resolve("uw");
        assertEquals(0, train(watched, "uw", true).status);
        assertEquals(0, train(plain, "uw", false).status);
        JsonObject a = JsonParser.parseString(Files.readString(watched.resolve("results.json"))).getAsJsonObject();
        JsonObject b = JsonParser.parseString(Files.readString(plain.resolve("results.json"))).getAsJsonObject();
        assertEquals(b.get("history").toString().replaceAll("\"seconds\":[^,}]*", "")
                .replaceAll("\"validation_seconds\":[^,}]*", ""), a.get("history").toString()
                .replaceAll("\"seconds\":[^,}]*", "").replaceAll("\"validation_seconds\":[^,}]*", ""));
        JsonObject first = a.getAsJsonArray("gradient_monitor").get(0).getAsJsonObject();
        assertTrue(first.has("mean_weights"));
        assertFalse(first.has("mean_cosines"), "no per-task gradients in loss mode");
        assertFalse(b.has("gradient_monitor"));
        assertFalse(Files.exists(plain.resolve("monitor.csv")));
        assertFalse(Files.exists(watched.resolve("cosines_epoch_1.png")));
    }
}
