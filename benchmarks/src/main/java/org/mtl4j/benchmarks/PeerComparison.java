package org.mtl4j.benchmarks;

import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.MultiTaskTrainer;

/**
 * mtl4j against its PyTorch peer, side by side in one run: the hard-sharing network with equal weights, timed step
 * by step (warm-up, then the median of the rest) through mtl4j's own training loop — data batching included — and
 * then {@code benchmarks/peer/hps_step.py} (the same network, losses and optimiser in Python PyTorch) with the same
 * thread count. Prints both medians, the parameter counts (which must agree) and the ratio mtl4j / PyTorch, and
 * writes JSON.
 *
 * <p>Run: {@code benchmarks/peer/compare.sh} (it builds nothing; build with {@code mvn -DskipTests package} first).
 */
public final class PeerComparison {

    private PeerComparison() {}

    /**
     * Runs the comparison.
     *
     * @param args {@code key=value}: threads, steps, warmup, python, script, out
     * @throws Exception when the peer cannot be run
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>(Map.of("threads", "2", "steps", "60", "warmup", "10",
                "python", "/usr/bin/python3", "script", "benchmarks/peer/hps_step.py",
                "out", "benchmarks/results/peer.json"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; keys: " + a.keySet());
            }
            a.put(kv[0], kv[1]);
        }
        int threads = Integer.parseInt(a.get("threads"));
        int steps = Integer.parseInt(a.get("steps"));
        int warmup = Integer.parseInt(a.get("warmup"));
        // read by the engine at start, which has not happened yet
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", String.valueOf(threads));
        List<String> letters = BenchmarkModels.letters(5);
        int total = steps + warmup;
        InMemoryMultiTaskDataset data = BenchmarkModels.data(letters, 64, 16 * total);
        List<Double> times = new ArrayList<>();
        long parameters;
        try (MultiTaskModel model = BenchmarkModels.model("hps", "equal", "auto", letters, 64, 16, total, "cpu")) {
            parameters = 0;
            for (Pair<String, Parameter> p : model.network().getParameters()) {
                if (p.getValue().getType() != Parameter.Type.RUNNING_MEAN
                        && p.getValue().getType() != Parameter.Type.RUNNING_VAR) {
                    parameters += p.getValue().getArray().size();
                }
            }
            long[] last = {System.nanoTime()};
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            MultiTaskTrainer trainer = model.trainer().output(quiet, quiet);
            trainer.addListeners(new TrainingListenerAdapter() {
                @Override
                public void onTrainingBegin(Trainer t) {
                    last[0] = System.nanoTime();
                }

                @Override
                public void onTrainingBatch(Trainer t, BatchData b) {
                    long now = System.nanoTime();
                    times.add((now - last[0]) / 1e6);
                    last[0] = now;
                }
            });
            trainer.fit(data, null);
        }
        // a step's time runs from one batch's end to the next: the update of the previous step is in it
        List<Double> measured = new ArrayList<>(times.subList(warmup, times.size()));
        Collections.sort(measured);
        double median = measured.get(measured.size() / 2);
        double p25 = measured.get(measured.size() / 4);
        double p75 = measured.get(measured.size() * 3 / 4);

        Process peer = new ProcessBuilder(a.get("python"), a.get("script"), "--threads", String.valueOf(threads),
                "--steps", String.valueOf(steps), "--warmup", String.valueOf(warmup), "--width",
                String.valueOf(BenchmarkModels.WIDTH)).redirectErrorStream(true).start();
        String output = new String(peer.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (peer.waitFor() != 0) {
            throw new IllegalStateException("the PyTorch peer failed (is Debian's python3-torch installed?):\n"
                    + output);
        }
        String lastLine = output.substring(output.lastIndexOf('\n') + 1);
        JsonObject py = JsonParser.parseString(lastLine).getAsJsonObject();
        double pyMedian = py.get("median_ms").getAsDouble();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("network", "hps, resnet width " + BenchmarkModels.WIDTH + ", tasks s,d,n,k,e, batch 16, 64x64, "
                + "Adam, equal weights");
        result.put("threads", threads);
        result.put("mtl4j_parameters", parameters);
        result.put("pytorch_parameters", py.get("parameters").getAsLong());
        result.put("mtl4j_median_ms", median);
        result.put("mtl4j_p25_ms", p25);
        result.put("mtl4j_p75_ms", p75);
        result.put("pytorch_median_ms", pyMedian);
        result.put("pytorch_p25_ms", py.get("p25_ms").getAsDouble());
        result.put("pytorch_p75_ms", py.get("p75_ms").getAsDouble());
        result.put("pytorch_version", py.get("torch_version").getAsString());
        result.put("ratio_mtl4j_over_pytorch", median / pyMedian);
        result.put("provenance", RunProvenance.describe());
        Path out = Path.of(a.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result));
        System.out.printf("parameters: mtl4j %d, PyTorch %d%n", parameters, py.get("parameters").getAsLong());
        System.out.printf("step time (median, IQR): mtl4j %.1f ms (%.1f-%.1f), PyTorch %s %.1f ms (%.1f-%.1f)%n",
                median, p25, p75, py.get("torch_version").getAsString(), pyMedian, py.get("p25_ms").getAsDouble(),
                py.get("p75_ms").getAsDouble());
        System.out.printf("ratio mtl4j / PyTorch = %.2f; wrote %s%n", median / pyMedian, out);
        if (parameters != py.get("parameters").getAsLong()) {
            System.out.println("WARNING: the parameter counts differ: the networks are not the same");
        }
    }
}
