package org.mtl4j.grouping.taxonomy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.hash.Hashing;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.data.TaskSubsetDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.TextFiles;

/**
 * Produces the transfer results of a Taskonomy study (Zamir et al., "Taskonomy: Disentangling Task Transfer Learning",
 * CVPR 2018) on the caller's data with the library's training loop:
 *
 * <ol>
 *   <li>a fully supervised single-task network per task on the whole training split (the sources; each is also its
 *       own target's "self" contender);
 *   <li>per target, a network trained from scratch on the small transfer split (the first {@code transferSamples}
 *       training samples — Taskonomy trains transfers on far less data than the sources);
 *   <li>per target and source (first order) or set of sources (higher order, up to {@code maxOrder}), a readout — the
 *       architecture's task head — trained on the transfer split on top of the {@link FrozenEncoder} of the sources.
 * </ol>
 * Every contender is scored per test sample, which is what {@link Ahp} compares. Networks are trained one at a time
 * (one gradient collector per JVM). The result feeds {@link TaxonomyProblem}.
 */
public final class TransferTrainer {

    /** Receives progress. */
    @FunctionalInterface
    public interface Progress {
        /**
         * One network finished.
         *
         * @param label what it was, e.g. {@code source s}, {@code d from s+n}
         * @param done networks finished
         * @param total networks in all
         * @param seconds its wall time
         */
        void finished(String label, int done, int total, double seconds);
    }

    private static final Gson GSON = new Gson();

    private final StudyData data;
    private final Architecture architecture;
    private final IntFunction<EncoderFactory> encoders;
    private int width = 16;
    private int epochs = 6;
    private int readoutEpochs = 6;
    private int transferSamples = 200;
    private int batchSize = 16;
    private float learningRate = 2e-3f;
    private long seed = 42;
    private int maxOrder = 1;
    private Progress progress = (l, d, t, s) -> { };
    private Path directory;

    /**
     * Creates the trainer with the defaults: width 16, 6 epochs for sources, scratch networks and readouts, 200
     * transfer samples, batch 16, Adam at 2e-3, seed 42, first order.
     *
     * @param data the study data (train, validation unused, test)
     * @param architecture the architecture of sources and readouts (its head is the readout)
     * @param encoders the encoder design for a width
     */
    public TransferTrainer(StudyData data, Architecture architecture, IntFunction<EncoderFactory> encoders) {
        this.data = checkNotNull(data, "data");
        this.architecture = checkNotNull(architecture, "architecture");
        this.encoders = checkNotNull(encoders, "encoders");
    }

    /**
     * @param value the encoder width of the sources and scratch networks
     * @return this trainer
     */
    public TransferTrainer width(int value) {
        checkArgument(value > 0, "width must be positive, got %s", value);
        this.width = value;
        return this;
    }

    /**
     * @param value the epochs of the source networks
     * @return this trainer
     */
    public TransferTrainer epochs(int value) {
        checkArgument(value > 0, "epochs must be positive, got %s", value);
        this.epochs = value;
        return this;
    }

    /**
     * @param value the epochs of readouts and scratch networks (on the transfer split)
     * @return this trainer
     */
    public TransferTrainer readoutEpochs(int value) {
        checkArgument(value > 0, "readout epochs must be positive, got %s", value);
        this.readoutEpochs = value;
        return this;
    }

    /**
     * @param value the training samples readouts and scratch networks see (the first ones of the training split)
     * @return this trainer
     */
    public TransferTrainer transferSamples(int value) {
        checkArgument(value > 0, "transfer samples must be positive, got %s", value);
        this.transferSamples = value;
        return this;
    }

    /**
     * @param value the batch size
     * @return this trainer
     */
    public TransferTrainer batchSize(int value) {
        checkArgument(value > 0, "batch size must be positive, got %s", value);
        this.batchSize = value;
        return this;
    }

    /**
     * @param value the Adam learning rate
     * @return this trainer
     */
    public TransferTrainer learningRate(float value) {
        checkArgument(value > 0 && Float.isFinite(value), "learning rate must be positive, got %s", value);
        this.learningRate = value;
        return this;
    }

    /**
     * @param value the seed
     * @return this trainer
     */
    public TransferTrainer seed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * @param value the largest source set of a readout (1: first order; 2 adds every pair of sources)
     * @return this trainer
     */
    public TransferTrainer maxOrder(int value) {
        checkArgument(value >= 1, "maximum order must be at least 1, got %s", value);
        this.maxOrder = value;
        return this;
    }

    /**
     * @param value receives progress
     * @return this trainer
     */
    public TransferTrainer progress(Progress value) {
        this.progress = checkNotNull(value, "progress");
        return this;
    }

    /**
     * Keeps every finished network in {@code dir} and reuses it on the next run with the same data and recipe: the
     * per-sample test losses of every contender ({@code <target>-<sources>-<id>.json}) and the parameters of every
     * source network ({@code source-<task>-<id>.ckpt}, which the readouts need). A run that was killed continues
     * network by network; the id is a hash of the data description, the architecture, every setting and the
     * contender, so a changed recipe never reuses a stale result.
     *
     * @param dir the folder (created when needed)
     * @return this trainer
     */
    public TransferTrainer directory(Path dir) {
        this.directory = checkNotNull(dir, "dir");
        return this;
    }

    /**
     * The number of networks {@link #run()} trains: {@code K} sources, {@code K} scratch networks and
     * {@code K · Σ_{o=1..maxOrder} C(K−1, o)} readouts.
     *
     * @return the count
     */
    public int networkCount() {
        int k = data.tasks().size();
        int readouts = 0;
        for (int o = 1; o <= Math.min(maxOrder, k - 1); o++) {
            readouts += k * binomial(k - 1, o);
        }
        return 2 * k + readouts;
    }

    /**
     * Trains everything and scores every contender on every test sample.
     *
     * @return the transfer results
     */
    public TransferResults run() {
        List<Task> tasks = data.tasks();
        int k = tasks.size();
        List<String> names = tasks.stream().map(Task::name).toList();
        TransferResults.Builder out = TransferResults.builder(names);
        RandomAccessDataset small = data.train().subDataset(0, (int) Math.min(transferSamples, data.train().size()));
        EncoderFactory design = encoders.apply(width);
        int total = networkCount();
        int[] done = {0};
        Map<String, MultiTaskModel> sources = new LinkedHashMap<>();
        try {
            if (directory != null) {
                Files.createDirectories(directory);
            }
            for (int s = 0; s < k; s++) {
                long t0 = System.nanoTime();
                String name = names.get(s);
                MultiTaskModel model = model(tasks.get(s), design, epochs);
                sources.put(name, model);
                Path ckpt = directory == null ? null : directory.resolve("source-" + safe(name) + "-"
                        + id(name, List.of(name)) + ".ckpt");
                double[] losses = stored(name, List.of(name));
                boolean reused = ckpt != null && losses != null && Files.exists(ckpt);
                if (reused) {
                    model.loadCheckpoint(ckpt);
                } else {
                    model.trainer().fit(new TaskSubsetDataset(data.train(), k, s), null);
                    losses = perSample(model, s);
                    if (ckpt != null) {
                        model.saveCheckpoint(ckpt, new CheckpointState(epochs, 0, ImmutableList.of(name), ImmutableList.of(),
                                -1, 0, "equal", ImmutableMap.of(), ImmutableMap.of()));
                        store(name, List.of(name), losses);
                    }
                }
                out.add(name, List.of(name), losses);
                progress.finished("source " + name + (reused ? " (from disk)" : ""), ++done[0], total,
                        (System.nanoTime() - t0) / 1e9);
            }
            for (int t = 0; t < k; t++) {
                long t0 = System.nanoTime();
                int target = t;
                boolean reused = contender(out, names.get(t), List.of(), () -> {
                    try (MultiTaskModel model = model(tasks.get(target), design, readoutEpochs)) {
                        model.trainer().fit(new TaskSubsetDataset(small, k, target), null);
                        return perSample(model, target);
                    }
                });
                progress.finished(names.get(t) + " from scratch" + (reused ? " (from disk)" : ""), ++done[0], total,
                        (System.nanoTime() - t0) / 1e9);
            }
            for (int order = 1; order <= Math.min(maxOrder, k - 1); order++) {
                for (int t = 0; t < k; t++) {
                    for (List<Integer> set : subsets(k, order, t)) {
                        long t0 = System.nanoTime();
                        List<MultiTaskBlock> frozen = new ArrayList<>();
                        List<String> src = new ArrayList<>();
                        for (int s : set) {
                            frozen.add(sources.get(names.get(s)).network());
                            src.add(names.get(s));
                        }
                        int target = t;
                        boolean reused = contender(out, names.get(t), src, () -> {
                            EncoderFactory readoutEncoder = FrozenEncoder.factory(frozen,
                                    design.outputChannels() * set.size(), design.downsampling());
                            try (MultiTaskModel model = model(tasks.get(target), readoutEncoder, readoutEpochs)) {
                                model.trainer().fit(new TaskSubsetDataset(small, k, target), null);
                                return perSample(model, target);
                            }
                        });
                        progress.finished(names.get(t) + " from " + String.join("+", src)
                                + (reused ? " (from disk)" : ""), ++done[0], total, (System.nanoTime() - t0) / 1e9);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (MultiTaskModel m : sources.values()) {
                m.close();
            }
        }
        return out.build();
    }

    /** Adds one contender, from disk when a finished result is there; returns whether it was reused. */
    private boolean contender(TransferResults.Builder out, String target, List<String> sources,
            Supplier<double[]> train) throws IOException {
        double[] losses = stored(target, sources);
        boolean reused = losses != null;
        if (!reused) {
            losses = train.get();
            store(target, sources, losses);
        }
        out.add(target, sources, losses);
        return reused;
    }

    private String id(String target, List<String> sources) {
        String canonical = String.join("|", "data=" + data.describe(), "arch=" + architecture.name(),
                "width=" + width, "epochs=" + epochs, "readoutEpochs=" + readoutEpochs,
                "transferSamples=" + transferSamples, "batch=" + batchSize, "lr=" + learningRate, "seed=" + seed,
                "target=" + target, "sources=" + String.join("+", sources));
        return Hashing.sha256().hashString(canonical, StandardCharsets.UTF_8).toString().substring(0, 16);
    }

    private Path resultFile(String target, List<String> sources) {
        String label = sources.isEmpty() ? TransferResults.SCRATCH : String.join("+", sources);
        return directory.resolve(safe(target) + "-" + safe(label) + "-" + id(target, sources) + ".json");
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** The stored per-sample losses of a contender, or null when there are none (or they are unreadable). */
    private double[] stored(String target, List<String> sources) {
        if (directory == null) {
            return null;
        }
        Path f = resultFile(target, sources);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            double[] losses = GSON.fromJson(Files.readString(f), StoredContender.class).losses();
            return losses != null && losses.length == data.test().size() ? losses : null;
        } catch (IOException | RuntimeException e) {
            return null; // a torn or foreign file: train the contender again
        }
    }

    private void store(String target, List<String> sources, double[] losses) throws IOException {
        if (directory == null) {
            return;
        }
        TextFiles.writeAtomically(resultFile(target, sources),
                GSON.toJson(new StoredContender(target, sources, losses)));
    }

    /** What is kept on disk for one contender. */
    private record StoredContender(String target, List<String> sources, double[] losses) {}

    private MultiTaskModel model(Task task, EncoderFactory encoder, int e) {
        TrainingSettings settings = TrainingSettings.builder().epochs(e).batchSize(batchSize)
                .learningRate(learningRate).seed(seed).progressBar(false).verbose(false).build();
        return MultiTask.builder().input(data.inputShape().getShape()).encoder(encoder).sharing(architecture)
                .task(task).settings(settings).build();
    }

    private double[] perSample(MultiTaskModel model, int taskIndex) {
        return perSampleLosses(model.network(), model.tasks().get(0),
                new TaskSubsetDataset(data.test(), data.tasks().size(), taskIndex), batchSize,
                model.djlModel().getNDManager());
    }

    /**
     * The loss of a single-task network on every sample of a data set (inference mode), in sample order: the
     * per-sample scores that the AHP tournament compares. A sample without a label scores 0.
     *
     * @param network a network with one output
     * @param task its task
     * @param dataset a data set in the single-task layout ({@code labels = [label, presence (1)]})
     * @param batchSize the batch size
     * @param manager a manager; batches open sub-managers of it
     * @return the losses
     */
    public static double[] perSampleLosses(MultiTaskBlock network, Task task, RandomAccessDataset dataset,
            int batchSize, NDManager manager) {
        checkArgument(dataset.size() > 0, "cannot score an empty data set");
        double[] out = new double[Math.toIntExact(dataset.size())];
        int at = 0;
        ParameterStore ps = new ParameterStore(manager, false);
        try {
            for (Batch batch : dataset.getData(manager, new BatchSampler(new SequenceSampler(), batchSize, false))) {
                try (batch) {
                    NDList labels = batch.getLabels();
                    checkState(labels.size() == 2, "expected one task label and the presence mask, got %s arrays",
                            labels.size());
                    NDArray pred = network.forward(ps, batch.getData(), false).get(0);
                    long n = pred.getShape().get(0);
                    for (long i = 0; i < n; i++) {
                        String row = i + ":" + (i + 1);
                        try (NDArray l = task.loss().compute(pred.get(row), labels.get(0).get(row),
                                labels.get(1).get(row + ", 0"))) {
                            out[at++] = l.getFloat();
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (TranslateException e) {
            throw new IllegalStateException("could not read the test data: " + e.getMessage(), e);
        }
        checkState(at == out.length, "scored %s samples of %s", at, out.length);
        return out;
    }

    private static List<List<Integer>> subsets(int k, int order, int exclude) {
        List<List<Integer>> out = new ArrayList<>();
        for (int mask = 1; mask < 1 << k; mask++) {
            if (Integer.bitCount(mask) != order || (mask & (1 << exclude)) != 0) {
                continue;
            }
            List<Integer> s = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                if ((mask & (1 << i)) != 0) {
                    s.add(i);
                }
            }
            out.add(s);
        }
        out.sort((a, b) -> {
            for (int i = 0; i < a.size(); i++) {
                if (!a.get(i).equals(b.get(i))) {
                    return Integer.compare(a.get(i), b.get(i));
                }
            }
            return 0;
        });
        return out;
    }

    private static int binomial(int n, int r) {
        long c = 1;
        for (int i = 0; i < r; i++) {
            c = c * (n - i) / (i + 1);
        }
        return (int) c;
    }
}
