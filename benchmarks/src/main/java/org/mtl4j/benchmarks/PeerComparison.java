package org.mtl4j.benchmarks;

import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Pair;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.MultiTaskTrainer;

/**
 * mtl4j against its PyTorch peer, side by side in one run: the hard-sharing network with equal weights, timed step
 * by step through mtl4j's own training loop — data batching included — and {@code benchmarks/peer/hps_step.py} (the
 * same network, losses and optimiser in Python PyTorch, kept running in a child process) with the same thread count,
 * in interleaved rounds (a block of mtl4j steps, then a block of PyTorch steps), so that drift of a shared machine
 * hits both alike. Prints both medians, the parameter counts (which must agree) and the median over rounds of the
 * per-round ratio mtl4j / PyTorch with its interquartile range, and writes JSON.
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
        Map<String, String> a = new LinkedHashMap<>(Map.of("threads", "2", "rounds", "8", "block", "10", "warmup",
                "10", "python", "/usr/bin/python3", "script", "benchmarks/peer/hps_step.py",
                "out", "benchmarks/results/peer.json"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; keys: " + a.keySet());
            }
            a.put(kv[0], kv[1]);
        }
        int threads = Integer.parseInt(a.get("threads"));
        int rounds = Integer.parseInt(a.get("rounds"));
        int block = Integer.parseInt(a.get("block"));
        int warmup = Integer.parseInt(a.get("warmup"));
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", String.valueOf(threads));
        List<String> letters = BenchmarkModels.letters(5);
        InMemoryMultiTaskDataset data = BenchmarkModels.data(letters, 64, 16 * Math.max(block, warmup));

        Process peer = new ProcessBuilder(a.get("python"), a.get("script"), "--serve", "--threads",
                String.valueOf(threads), "--warmup", String.valueOf(warmup), "--width",
                String.valueOf(BenchmarkModels.WIDTH)).redirectErrorStream(true).start();
        BufferedReader fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                StandardCharsets.UTF_8));
        PrintStream toPeer = new PrintStream(peer.getOutputStream(), true, StandardCharsets.UTF_8);
        JsonObject header = readJson(fromPeer, peer);

        List<Double> mine = new ArrayList<>();
        List<Double> theirs = new ArrayList<>();
        double[] ratios = new double[rounds];
        long parameters;
        try (MultiTaskModel model = BenchmarkModels.model("hps", "equal", "auto", letters, 64, 16, block, "cpu")) {
            parameters = 0;
            for (Pair<String, Parameter> p : model.network().getParameters()) {
                if (p.getValue().getType() != Parameter.Type.RUNNING_MEAN
                        && p.getValue().getType() != Parameter.Type.RUNNING_VAR) {
                    parameters += p.getValue().getArray().size();
                }
            }
            for (int w = 0; w < Math.max(1, warmup / block); w++) {
                block(model, data);
            }
            for (int r = 0; r < rounds; r++) {
                List<Double> m = block(model, data);
                toPeer.println(block);
                JsonArray t = readJson(fromPeer, peer).getAsJsonArray("times_ms");
                List<Double> p = new ArrayList<>();
                t.forEach(e -> p.add(e.getAsDouble()));
                mine.addAll(m);
                theirs.addAll(p);
                ratios[r] = quartiles(m)[1] / quartiles(p)[1];
            }
        } finally {
            toPeer.println("quit");
            peer.waitFor();
        }
        double[] q = quartiles(mine);
        double[] pq = quartiles(theirs);
        List<Double> ratioList = new ArrayList<>();
        for (double v : ratios) {
            ratioList.add(v);
        }
        double[] rq = quartiles(ratioList);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("network", "hps, resnet width " + BenchmarkModels.WIDTH + ", tasks s,d,n,k,e, batch 16, 64x64, "
                + "Adam, equal weights");
        result.put("threads", threads);
        result.put("rounds", rounds);
        result.put("steps_per_block", block);
        result.put("mtl4j_parameters", parameters);
        result.put("pytorch_parameters", header.get("parameters").getAsLong());
        result.put("mtl4j_median_ms", q[1]);
        result.put("mtl4j_p25_ms", q[0]);
        result.put("mtl4j_p75_ms", q[2]);
        result.put("pytorch_median_ms", pq[1]);
        result.put("pytorch_p25_ms", pq[0]);
        result.put("pytorch_p75_ms", pq[2]);
        result.put("pytorch_version", header.get("torch_version").getAsString());
        result.put("ratio_per_round", ratios);
        result.put("ratio_median", rq[1]);
        result.put("ratio_iqr", new double[] {rq[0], rq[2]});
        result.put("provenance", RunProvenance.describe());
        Path out = Path.of(a.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result));
        System.out.printf("parameters: mtl4j %d, PyTorch %d%n", parameters, header.get("parameters").getAsLong());
        System.out.printf("step time (median, IQR): mtl4j %.1f ms (%.1f-%.1f), PyTorch %s %.1f ms (%.1f-%.1f)%n",
                q[1], q[0], q[2], header.get("torch_version").getAsString(), pq[1], pq[0], pq[2]);
        System.out.printf("ratio mtl4j / PyTorch, median over %d interleaved rounds of %d steps = %.2f (IQR %.2f-%.2f);"
                + " wrote %s%n", rounds, block, rq[1], rq[0], rq[2], out);
        if (parameters != header.get("parameters").getAsLong()) {
            System.out.println("WARNING: the parameter counts differ: the networks are not the same");
        }
    }

    /** One block of steps through mtl4j's own loop; each step's time runs from one batch's end to the next. */
    private static List<Double> block(MultiTaskModel model, InMemoryMultiTaskDataset data) {
        List<Double> times = new ArrayList<>();
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
        return times;
    }

    private static JsonObject readJson(BufferedReader in, Process peer) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.startsWith("{")) {
                return JsonParser.parseString(line).getAsJsonObject();
            }
            seen.append(line).append('\n');
        }
        throw new IllegalStateException("the PyTorch peer ended (is Debian's python3-torch installed?):\n" + seen);
    }

    private static double[] quartiles(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        return StrategyOverheadHarness.quartiles(v);
    }
}
