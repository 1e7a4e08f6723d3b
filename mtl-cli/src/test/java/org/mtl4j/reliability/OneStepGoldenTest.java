package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.Weightings;

/**
 * Pins the training loop's behaviour, one step per architecture × gradient mode (loss only with equal weights and
 * with uncertainty weighting, parameters with PCGrad, representation with MGDA-UB where the architecture has a shared
 * representation): each task's loss and the sum and L2 norm of every parameter group after one Adam step, against
 * values recorded from the loop before its redesign ({@code golden/one-step.csv}).
 *
 * <p>Values are compared to a relative 1e-4 rather than bit for bit, so that the pin holds on other processors too;
 * a change of behaviour (a wrong weight, a missing gradient, a step of the wrong size) moves them by far more.
 * Regenerate with {@code -Dgolden.write=true} only for an intended change, and say why in the commit.
 */
class OneStepGoldenTest {

    private static final String RESOURCE = "/golden/one-step.csv";
    private static final double TOLERANCE = 1e-4;
    private static final String[][] STRATEGIES = {{"equal", "NONE"}, {"uw", "NONE"}, {"pcgrad", "PARAMETERS"},
        {"mgda", "REPRESENTATION"}};

    static Map<String, Double> measure() {
        InMemoryMultiTaskDataset data = TestData.dataset(8, 8, 23, 0.25);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Map<String, Double> out = new LinkedHashMap<>();
        for (String arch : DeterminismMatrix.ARCHS) {
            for (String[] s : STRATEGIES) {
                GradientMode mode = GradientMode.valueOf(s[1]);
                String key = arch + "/" + s[0] + "/" + mode.name().toLowerCase(Locale.ROOT);
                if (!DeterminismMatrix.supports(arch, mode)) {
                    continue;
                }
                TrainingSettings settings = TrainingSettings.builder().epochs(1).batchSize(4).maxBatchesPerEpoch(1)
                        .learningRate(0.01f).seed(5).gradientMode(mode).progressBar(false).verbose(false).build();
                try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(Encoders.resNet(4))
                        .sharing(Architectures.byName(arch)).tasks(TestData.tasks())
                        .weighting(Weightings.byName(s[0], 3)).settings(settings).build()) {
                    EpochRecord e = model.trainer().output(quiet, quiet).fit(data, null).last();
                    for (Map.Entry<String, Double> l : e.trainLoss().entrySet()) {
                        out.put(key + "/loss/" + l.getKey(), l.getValue());
                    }
                    double sum = 0;
                    double squares = 0;
                    for (Pair<String, Parameter> p : model.djlModel().getBlock().getParameters()) {
                        NDArray a = p.getValue().getArray();
                        sum += a.sum().getFloat();
                        squares += a.square().sum().getFloat();
                    }
                    out.put(key + "/params/sum", sum);
                    out.put(key + "/params/l2", Math.sqrt(squares));
                }
            }
        }
        return out;
    }

    @Test
    void oneStepOfEveryArchitectureAndModeMatchesTheRecordedValues() throws IOException {
        Map<String, Double> now = measure();
        if (Boolean.getBoolean("golden.write")) {
            StringBuilder csv = new StringBuilder("key,value\n");
            now.forEach((k, v) -> csv.append(k).append(',').append(v).append('\n'));
            Path file = Path.of("src/test/resources" + RESOURCE);
            Files.createDirectories(file.getParent());
            Files.writeString(file, csv.toString());
        }
        Map<String, Double> golden = new LinkedHashMap<>();
        try (InputStream in = OneStepGoldenTest.class.getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, "missing " + RESOURCE + ": run once with -Dgolden.write=true");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("key,")) {
                    String[] kv = line.split(",");
                    golden.put(kv[0], Double.parseDouble(kv[1]));
                }
            }
        }
        assertEquals(golden.keySet(), now.keySet());
        List<String> moved = new ArrayList<>();
        for (Map.Entry<String, Double> g : golden.entrySet()) {
            double v = now.get(g.getKey());
            if (!(Math.abs(v - g.getValue()) <= TOLERANCE * Math.max(1, Math.abs(g.getValue())))) {
                moved.add(g.getKey() + ": recorded " + g.getValue() + ", now " + v);
            }
        }
        assertTrue(moved.isEmpty(), moved.size() + " values moved:\n" + String.join("\n", moved));
    }
}
