package org.mtl4j.grouping.taxonomy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The transfer results of a Taskonomy study (Zamir et al., "Taskonomy: Disentangling Task Transfer Learning",
 * CVPR 2018): for every target task, the per-sample test losses of each contender — a small readout trained on the
 * frozen encoder(s) of a set of source tasks (one source: first order; several: higher order), the target's own
 * fully supervised network (source set = the target itself), and the target trained from scratch on the readouts'
 * small data (empty source set). Losses are lower-is-better; all contenders of one target are scored on the same
 * samples, in the same order, which is what the win-rate tournament of {@link Ahp} compares.
 *
 * <p>CSV layout ({@link #toCsv}, {@link #read}): header {@code target,sources,sample,loss}, one row per target,
 * contender and sample; {@code sources} is {@value #SCRATCH} or the source tasks joined with {@code +}. A matrix of
 * aggregate results is the special case of one sample per cell.
 */
public final class TransferResults {

    /** The {@code sources} value of the network trained from scratch. */
    public static final String SCRATCH = "scratch";

    /** The CSV header. */
    public static final String HEADER = "target,sources,sample,loss";

    /**
     * One contender of one target.
     *
     * @param sources the source tasks (empty: from scratch)
     * @param losses the per-sample test losses
     */
    public record Transfer(ImmutableSet<String> sources, double[] losses) {

        /** Checks the components. */
        public Transfer {
            checkNotNull(sources, "sources");
            checkNotNull(losses, "losses");
        }

        /**
         * The label: {@value TransferResults#SCRATCH} or the sources joined with {@code +}.
         *
         * @return the label
         */
        public String label() {
            return sources.isEmpty() ? SCRATCH : String.join("+", sources);
        }

        /** @return the number of sources, 0 for scratch */
        public int order() {
            return sources.size();
        }

        /** @return the mean loss over samples */
        public double meanLoss() {
            double s = 0;
            for (double v : losses) {
                s += v;
            }
            return s / losses.length;
        }
    }

    private final ImmutableList<String> tasks;
    private final ImmutableMap<String, ImmutableList<Transfer>> byTarget;

    private TransferResults(ImmutableList<String> tasks, ImmutableMap<String, ImmutableList<Transfer>> byTarget) {
        this.tasks = tasks;
        this.byTarget = byTarget;
    }

    /**
     * Starts a set of results.
     *
     * @param tasks every task (targets and sources), in display order
     * @return a builder
     */
    public static Builder builder(List<String> tasks) {
        return new Builder(tasks);
    }

    /** @return every task, in display order */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /** @return the targets that have results, in task order */
    public ImmutableList<String> targets() {
        return tasks.stream().filter(byTarget::containsKey).collect(ImmutableList.toImmutableList());
    }

    /**
     * The contenders of one target.
     *
     * @param target a target
     * @return its contenders, in insertion order
     * @throws IllegalArgumentException if it has none
     */
    public ImmutableList<Transfer> transfers(String target) {
        ImmutableList<Transfer> t = byTarget.get(target);
        checkArgument(t != null, "no transfer results for target %s (targets %s)", target, targets());
        return t;
    }

    /**
     * The results as CSV ({@value #HEADER}), losses in full precision.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (String t : targets()) {
            for (Transfer tr : byTarget.get(t)) {
                for (int x = 0; x < tr.losses().length; x++) {
                    sb.append(t).append(',').append(tr.label()).append(',').append(x).append(',')
                            .append(Double.toString(tr.losses()[x])).append('\n');
                }
            }
        }
        return sb.toString();
    }

    /**
     * Reads results written by {@link #toCsv()}; the tasks are those named as targets or sources, in order of first
     * appearance.
     *
     * @param csv the file
     * @return the results
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and line of a layout error
     */
    public static TransferResults read(Path csv) throws IOException {
        checkNotNull(csv, "csv");
        return parse(org.mtl4j.grouping.TextFiles.readLines(csv), csv.toString());
    }

    /**
     * Parses the lines of a transfer CSV.
     *
     * @param lines the lines, header first
     * @param source the name used in messages
     * @return the results
     */
    public static TransferResults parse(List<String> lines, String source) {
        checkArgument(!lines.isEmpty() && lines.get(0).strip().equals(HEADER), "%s line 1: header must be %s", source,
                HEADER);
        Map<String, Map<String, List<Double>>> cells = new LinkedHashMap<>();
        Map<String, Integer> expectedSample = new LinkedHashMap<>();
        List<String> tasks = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            checkArgument(f.length == 4, "%s line %s: expected 4 fields, got %s", source, i + 1, f.length);
            String target = f[0].strip();
            String sources = f[1].strip();
            checkArgument(!target.isEmpty() && !sources.isEmpty(), "%s line %s: empty target or sources", source,
                    i + 1);
            addTask(tasks, target);
            if (!sources.equals(SCRATCH)) {
                for (String s : sources.split("\\+", -1)) {
                    checkArgument(!s.isBlank(), "%s line %s: empty source in %s", source, i + 1, sources);
                    addTask(tasks, s);
                }
            }
            int sample;
            double loss;
            try {
                sample = Integer.parseInt(f[2].strip());
                loss = Double.parseDouble(f[3].strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " line " + (i + 1) + ": sample or loss is not a number: "
                        + line, e);
            }
            String key = target + "|" + sources;
            int expected = expectedSample.getOrDefault(key, 0);
            checkArgument(sample == expected, "%s line %s: sample %s of %s from %s, expected sample %s (samples in "
                    + "order from 0)", source, i + 1, sample, target, sources, expected);
            expectedSample.put(key, expected + 1);
            cells.computeIfAbsent(target, k -> new LinkedHashMap<>()).computeIfAbsent(sources, k -> new ArrayList<>())
                    .add(loss);
        }
        Builder b = builder(tasks);
        for (Map.Entry<String, Map<String, List<Double>>> t : cells.entrySet()) {
            for (Map.Entry<String, List<Double>> c : t.getValue().entrySet()) {
                List<String> src = c.getKey().equals(SCRATCH) ? List.of() : List.of(c.getKey().split("\\+"));
                try {
                    b.add(t.getKey(), src, c.getValue().stream().mapToDouble(Double::doubleValue).toArray());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
                }
            }
        }
        return b.build();
    }

    private static void addTask(List<String> tasks, String t) {
        if (!tasks.contains(t)) {
            tasks.add(t);
        }
    }

    /** Builder of {@link TransferResults}. */
    public static final class Builder {
        private final ImmutableList<String> tasks;
        private final Map<String, List<Transfer>> byTarget = new LinkedHashMap<>();

        private Builder(List<String> tasks) {
            checkNotNull(tasks, "tasks");
            checkArgument(!tasks.isEmpty(), "no tasks");
            checkArgument(new HashSet<>(tasks).size() == tasks.size(), "a task is listed twice in %s", tasks);
            for (String t : tasks) {
                checkArgument(t != null && !t.isBlank() && !t.contains(",") && !t.contains("+")
                        && !t.equals(SCRATCH), "bad task name '%s' (no commas, no '+', not '%s')", t, SCRATCH);
            }
            this.tasks = ImmutableList.copyOf(tasks);
        }

        /**
         * Adds one contender of a target.
         *
         * @param target the target task
         * @param sources the source tasks (empty: trained from scratch; the target alone: its own fully supervised
         *     network)
         * @param losses per-sample test losses, the same samples for every contender of this target
         * @return this builder
         * @throws IllegalArgumentException on an unknown task, a repeated contender, a sample-count mismatch or a
         *     non-finite loss
         */
        public Builder add(String target, Collection<String> sources, double[] losses) {
            checkArgument(tasks.contains(target), "unknown target %s (tasks %s)", target, tasks);
            ImmutableSet<String> src = ImmutableSet.copyOf(tasks.stream().filter(sources::contains).toList());
            checkArgument(src.size() == sources.size() && new HashSet<>(sources).size() == sources.size(),
                    "target %s: sources %s must be distinct tasks among %s", target, sources, tasks);
            checkArgument(losses.length > 0, "target %s from %s: no samples", target, src);
            for (double v : losses) {
                checkArgument(Double.isFinite(v), "target %s from %s: non-finite loss %s", target, src, v);
            }
            List<Transfer> list = byTarget.computeIfAbsent(target, k -> new ArrayList<>());
            for (Transfer t : list) {
                checkArgument(!t.sources().equals(src), "target %s: contender %s given twice", target,
                        src.isEmpty() ? SCRATCH : src);
                checkArgument(t.losses().length == losses.length,
                        "target %s: contender %s has %s samples but %s has %s", target, src, losses.length,
                        t.label(), t.losses().length);
            }
            list.add(new Transfer(src, losses.clone()));
            return this;
        }

        /**
         * @return the results
         * @throws IllegalStateException if no contender was added
         */
        public TransferResults build() {
            com.google.common.base.Preconditions.checkState(!byTarget.isEmpty(), "no transfer results added");
            ImmutableMap.Builder<String, ImmutableList<Transfer>> b = ImmutableMap.builder();
            for (Map.Entry<String, List<Transfer>> e : byTarget.entrySet()) {
                b.put(e.getKey(), ImmutableList.copyOf(e.getValue()));
            }
            return new TransferResults(tasks, b.build());
        }
    }

    /**
     * The sources a target may draw from, without duplicates.
     *
     * @param target a target
     * @return the union of its contenders' sources
     */
    public Set<String> sourcesOf(String target) {
        Set<String> s = new java.util.LinkedHashSet<>();
        for (Transfer t : transfers(target)) {
            s.addAll(t.sources());
        }
        return s;
    }
}
