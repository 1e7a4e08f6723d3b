package org.mtl4j.benchmarks;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.google.gson.GsonBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.TrainingHistory;

/**
 * Memory over a long run: resident set size (from /proc/self/status) and the number of live native arrays under
 * the trainer's and the model's managers, sampled every {@code every} steps; peak and steady state are written as
 * JSON.
 *
 * <p>Run: {@code java -Dai.djl.offline=true -cp benchmarks/target/benchmarks.jar org.mtl4j.benchmarks.MemoryHarness
 * [steps=1000] [arch=hps] [weighting=equal] [out=benchmarks/results/memory.json]}
 */
public final class MemoryHarness {

    private MemoryHarness() {}

    /**
     * Runs the harness.
     *
     * @param args {@code key=value} pairs: steps, arch, weighting, mode, every, out
     * @throws IOException when the result cannot be written
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> a = new LinkedHashMap<>(Map.of("steps", "1000", "arch", "hps", "weighting", "equal",
                "mode", "auto", "every", "50", "out", "benchmarks/results/memory.json"));
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            if (kv.length != 2 || !a.containsKey(kv[0])) {
                throw new IllegalArgumentException("unknown argument '" + arg + "'; use key=value with keys "
                        + a.keySet());
            }
            a.put(kv[0], kv[1]);
        }
        int steps = Integer.parseInt(a.get("steps"));
        int every = Integer.parseInt(a.get("every"));
        List<String> letters = BenchmarkModels.letters(5);
        InMemoryMultiTaskDataset data = BenchmarkModels.data(letters, 64, 256);
        int perEpoch = 256 / 16;
        List<Map<String, Object>> samples = new ArrayList<>();
        long[] counter = {0};
        try (MultiTaskModel model = BenchmarkModels.model(a.get("arch"), a.get("weighting"), a.get("mode"),
                letters, 64, 16, 0, "cpu")) {
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            int epochs = (steps + perEpoch - 1) / perEpoch;
            MultiTaskModel m = model;
            var trainer = new org.mtl4j.core.training.MultiTaskTrainer(m.djlModel(), m.trainingBlock(), m.tasks(),
                    m.weighting(), m.settings().toBuilder().epochs(epochs).build(), m.inputShape());
            trainer.output(quiet, quiet).addListeners(new TrainingListenerAdapter() {
                @Override
                public void onTrainingBatch(Trainer t, BatchData batchData) {
                    counter[0]++;
                    if (counter[0] % every == 0 || counter[0] == 1) {
                        Map<String, Object> s = new LinkedHashMap<>();
                        s.put("step", counter[0]);
                        s.put("rss_mb", rssBytes() / (1024.0 * 1024.0));
                        s.put("arrays", resources(t.getManager()) + resources(m.djlModel().getNDManager()));
                        Runtime rt = Runtime.getRuntime();
                        s.put("heap_committed_mb", rt.totalMemory() / (1024.0 * 1024.0));
                        s.put("heap_used_mb", (rt.totalMemory() - rt.freeMemory()) / (1024.0 * 1024.0));
                        samples.add(s);
                        System.out.printf("step %d rss %.1f MB arrays %s heap committed %.1f MB used %.1f MB%n",
                                counter[0], (double) s.get("rss_mb"), s.get("arrays"),
                                (double) s.get("heap_committed_mb"), (double) s.get("heap_used_mb"));
                    }
                }
            });
            TrainingHistory h = trainer.fit(data, null);
            System.out.println("epochs " + h.epochs().size());
        }
        double peak = samples.stream().mapToDouble(s -> (double) s.get("rss_mb")).max().orElse(Double.NaN);
        int half = samples.size() / 2;
        double first = (double) samples.get(half).get("rss_mb");
        double last = (double) samples.get(samples.size() - 1).get("rss_mb");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("settings", a);
        result.put("peak_rss_mb", peak);
        result.put("steady_rss_mb_mid", first);
        result.put("steady_rss_mb_end", last);
        result.put("samples", samples);
        Path out = Path.of(a.get("out"));
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        Files.writeString(out, new GsonBuilder().setPrettyPrinting().create().toJson(result));
        System.out.printf("peak RSS %.1f MB; RSS at mid-run %.1f MB, at end %.1f MB; wrote %s%n", peak, first, last,
                out);
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static int resources(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, AutoCloseable> res = (Map<String, AutoCloseable>) f.get(manager);
            int n = 0;
            for (AutoCloseable r : res.values()) {
                n++;
                if (r instanceof NDManager) {
                    n += resources((NDManager) r);
                }
            }
            return n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
