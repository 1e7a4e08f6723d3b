package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every architecture of the second wave trains one epoch through {@code mtl train} on the synthetic scenes, with a
 * loss-only and a gradient strategy; the run reports the network's cost, and experts their gate usage.
 */
class MtlArchitecturesTest {

    @ParameterizedTest(name = "--arch {0} --weighting {1}")
    @CsvSource(delimiter = ';', value = {"cgc;uw", "cgc;pcgrad", "ple;equal", "ple;mgda", "dselect-k;dwa",
        "dselect-k;cagrad", "nddr-cnn;equal", "nddr-cnn;pcgrad", "mtinet;uw", "mtinet;imtl", "ltb;equal",
        "ltb:search=1,tau=5.0,head=32;pcgrad", "branched:tree=s+d+n|s+d/n;equal", "branched:tree=s+d+n|s+d/n;pcgrad"})
    void trainsOneEpochOnTheSyntheticScenes(String arch, String weighting, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliCapture c = CliCapture.run("train", "--tasks", "s,d,n", "--epochs", "1", "--size", "16",
                "--train-samples", "16", "--val-samples", "8", "--batch-size", "8", "--width", "2", "--arch", arch,
                "--weighting", weighting, "--no-baselines", "--no-progress", "--out", out.toString());
        assertEquals(0, c.status, c.err());
        assertTrue(c.out().contains("network cost: "), c.out());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        assertEquals(arch.split(":")[0], json.get("architecture").getAsString());
        JsonObject cost = json.getAsJsonObject("network_cost");
        assertTrue(cost.get("parameters").getAsLong() > 0 && cost.get("multiply_adds_per_sample").getAsLong() > 0,
                cost.toString());
        assertTrue(!json.get("history").toString().contains("NaN"), json.get("history").toString());
        boolean experts = arch.equals("cgc") || arch.equals("ple") || arch.equals("dselect-k");
        assertEquals(experts, json.has("gate_usage"), arch);
        if (experts) {
            JsonObject gates = json.getAsJsonArray("gate_usage").get(0).getAsJsonObject().getAsJsonObject("gates");
            for (String task : new String[] {"s", "d", "n"}) {
                double sum = gates.getAsJsonObject(task).entrySet().stream()
                        .mapToDouble(e -> e.getValue().getAsDouble()).sum();
                assertEquals(1, sum, 1e-5, arch + " gate of " + task + ": " + gates);
            }
        }
        if (arch.startsWith("branched")) {
            assertTrue(c.out().contains("branched tree") || c.out().contains("network cost"), c.out());
        }
    }
}
