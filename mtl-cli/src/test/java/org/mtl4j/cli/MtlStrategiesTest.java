package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every strategy of the second wave trains one epoch through {@code mtl train} on the synthetic scenes. */
class MtlStrategiesTest {

    @ParameterizedTest(name = "--weighting {0}")
    @ValueSource(strings = {"aligned", "aligned:rmse", "upgrad", "dualproj", "config", "gradvac", "fairgrad", "moco",
        "moco:libmtl", "dbmtl", "excessmtl", "stch", "si-ls", "modo", "sdmgrad", "log-mgda", "log-cagrad",
        "log-imtl", "ema(pcgrad,0.9)", "groups(mgda,2)", "autol", "autol:1e-3,0.1,s"})
    void trainsOneEpochOnTheSyntheticScenes(String weighting, @TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        CliCapture c = CliCapture.run("train", "--tasks", "s,d,n", "--epochs", "1", "--size", "16",
                "--train-samples", "16", "--val-samples", "8", "--batch-size", "8", "--width", "2", "--weighting",
                weighting, "--no-baselines", "--no-progress", "--monitor", "--out", out.toString());
        assertEquals(0, c.status, c.err());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("results.json"))).getAsJsonObject();
        String name = weighting.contains("(") ? weighting : weighting.split(":")[0];
        assertEquals(name, json.get("weighting").getAsString());
        JsonObject epoch = json.getAsJsonArray("gradient_monitor").get(0).getAsJsonObject();
        for (String t : new String[] {"s", "d", "n"}) {
            double w = epoch.getAsJsonObject("mean_weights").get(t).getAsDouble();
            assertTrue(Double.isFinite(w), weighting + " weight of " + t + ": " + w);
        }
        assertTrue(!json.get("history").toString().contains("NaN"), weighting + ": " + json.get("history"));
        boolean gradientMode = !json.get("gradient_mode").getAsString().equals("none");
        assertEquals(gradientMode, epoch.has("mean_cosines"), weighting);
    }
}
