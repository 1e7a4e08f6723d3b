package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.grouping.TextFiles;

/**
 * Optimiser-aware lookahead transfer gains, after Wang, Pan and Yu, "Towards Principled Task Grouping for Multi-Task
 * Learning" (arXiv 2402.15328, 2024): for an update source {@code S} — one task {@code {i}}, a pair {@code {i, j}} or a
 * task paired with itself {@code {i, i}} — and a target task {@code t},
 *
 * <pre>
 *   G(S → t) = 1 − L_t(θ_s + Δ_S) / L_t(θ_s),     Δ_S = the optimiser's next update from ∇_{θ_s} Σ_{k ∈ S} L_k,
 * </pre>
 * averaged over the measurements of one joint training run ({@link OptimizerLookahead}); {@code {i, i}} steps with
 * {@code ∇(2·L_i)}. Positive: the update lowers {@code t}'s loss. Unlike TAG's {@code Z(i→t)} (a plain SGD step
 * on {@code i} alone), {@code Δ_S} is the update the run's optimiser would really make (Adam's moments, step count
 * and bias correction, SGD's momentum), and a pair's update always contains the target's own gradient, as it would in
 * any group that trains the target.
 *
 * <p><b>Transfer between tasks.</b> What a partner {@code i} does for task {@code t} is measured against {@code t}
 * trained alone with the same loss weight — {@code {t, t}}, which is why the paper's code measures pairs "with
 * replacement" — giving the transfer matrix
 *
 * <pre>
 *   S[i][t] = 1 − L̄_t(θ + Δ_{i,t}) / L̄_t(θ + Δ_{t,t}) = (G({i,t}→t) − G({t,t}→t)) / (1 − G({t,t}→t)),   S[t][t] = 0,
 * </pre>
 * from the mean gains ({@code L̄} = the mean of {@code L_t(·)/L_t(θ)} over the measurements; {@code {t}} replaces
 * {@code {t, t}} when self-pairs were not measured). Positive: training {@code t} with {@code i} lowers
 * {@code t}'s loss more than training it alone. The gain of task {@code t} in any group {@code G ∋ t} is predicted
 * from pairs ({@link Estimate}):
 *
 * <pre>
 *   PAPER:      a(G, t) = (1/|G|) Σ_{i ∈ G} S[i][t]          (the weights of the released grouping program)
 *   PAIR_MEAN:  a(G, t) = (1/(|G|−1)) Σ_{i ∈ G, i ≠ t} S[i][t],   a({t}, t) = 0
 * </pre>
 * so a group's total under PAPER is {@code (1/|G|) Σ_{i, k ∈ G} S[i][k]}, the objective of the paper's program
 * ({@code celeba-grouping.ipynb} of the authors' code, LOGO-CUHKSZ/Principled-Task-Grouping), whose argument that the
 * mean of pairwise gains approximates a group's gain assumes bounded, Lipschitz losses. PAIR_MEAN is the higher-order
 * approximation of Standley et al. (ICML 2020) and TAG's {@code a(G, t)} applied to {@code S}; on a pair it is the
 * measured transfer itself. A task alone gains 0 under both. Choose groups with {@link OverlappingGroups} on
 * {@link #groupValues}. (The released code records the losses after each lookahead but not the step from them to
 * {@code S}; the baseline {@code {t, t}} above is mtl4j's reading of it. {@link #pairGains()} gives the raw gains.)
 *
 * <p><b>Files.</b> {@link #toCsv()} writes one row per source and target, {@code first,second,target,gain,count}
 * ({@code second} empty for a single task, equal to {@code first} for a self-pair; {@code gain} empty when never
 * measured), full precision; {@link #read} reads it back exactly. {@link #singles()} is TAG's matrix, readable by
 * {@code mtl affinity --affinity}.
 */
public final class TransferGains {

    /** How a task's gain in a group is predicted from the transfer matrix {@code S} ({@link #transferMatrix()}). */
    public enum Estimate {
        /** {@code a(G, t) = (1/|G|) Σ_{i ∈ G} S[i][t]} with {@code S[t][t] = 0} (the paper's program). */
        PAPER,
        /** {@code a(G, t) = (1/(|G|−1)) Σ_{i ∈ G, i ≠ t} S[i][t]}, {@code a({t}, t) = 0} (HOA- and TAG-style). */
        PAIR_MEAN
    }

    /**
     * An update source: one task ({@code second = −1}), two tasks ({@code first < second}) or a task with itself
     * ({@code first == second}, its loss counted twice).
     *
     * @param first the first task's index
     * @param second the second task's index, or −1 for a single task
     */
    public record Source(int first, int second) {

        /**
         * Validates.
         *
         * @throws IllegalArgumentException on a negative index or {@code second < first} (other than −1)
         */
        public Source {
            checkArgument(first >= 0, "task index must be non-negative, got %s", first);
            checkArgument(second == -1 || second >= first, "a pair is written (smaller, larger), got (%s, %s)", first,
                    second);
        }

        /**
         * One task.
         *
         * @param i the task
         * @return the source
         */
        public static Source single(int i) {
            return new Source(i, -1);
        }

        /**
         * Two tasks, in any order, or a task with itself.
         *
         * @param i a task
         * @param j a task
         * @return the source
         */
        public static Source pair(int i, int j) {
            return new Source(Math.min(i, j), Math.max(i, j));
        }

        /** @return whether this is one task */
        public boolean isSingle() {
            return second == -1;
        }

        /** @return the task indices whose losses are summed, with multiplicity ({@code {i, i}} gives two) */
        public int[] members() {
            return isSingle() ? new int[] {first} : new int[] {first, second};
        }

        String label(List<String> tasks) {
            return isSingle() ? tasks.get(first) : tasks.get(first) + "+" + tasks.get(second);
        }
    }

    private final ImmutableList<String> tasks;
    private final ImmutableList<Source> sources;
    private final Map<Source, Integer> index = new HashMap<>();
    private final double[][] gains;
    private final long[][] counts;
    private final int measurements;

    private TransferGains(List<String> tasks, List<Source> sources, double[][] gains, long[][] counts,
            int measurements) {
        this.tasks = ImmutableList.copyOf(checkNotNull(tasks, "tasks"));
        this.sources = ImmutableList.copyOf(checkNotNull(sources, "sources"));
        checkArgument(!this.tasks.isEmpty(), "transfer gains need at least one task");
        checkArgument(this.tasks.stream().distinct().count() == this.tasks.size(), "duplicate task in %s", tasks);
        checkArgument(gains.length == this.sources.size() && counts.length == this.sources.size(),
                "%s sources but %s gain rows and %s count rows", this.sources.size(), gains.length, counts.length);
        checkArgument(measurements >= 0, "negative measurement count %s", measurements);
        int k = this.tasks.size();
        this.gains = new double[gains.length][];
        this.counts = new long[counts.length][];
        for (int s = 0; s < gains.length; s++) {
            Source src = this.sources.get(s);
            checkArgument(src.first() < k && src.second() < k, "source %s names a task beyond the %s tasks", src, k);
            checkArgument(index.put(src, s) == null, "source %s is listed twice", src.label(this.tasks));
            checkArgument(gains[s].length == k && counts[s].length == k, "row %s has %s gains and %s counts for %s "
                    + "tasks", s, gains[s].length, counts[s].length, k);
            this.gains[s] = gains[s].clone();
            this.counts[s] = counts[s].clone();
        }
        this.measurements = measurements;
    }

    /**
     * Mean gains.
     *
     * @param tasks the tasks
     * @param sources the update sources, in row order
     * @param gains {@code gains[s][t] = G(source s → t)}, NaN where never measured
     * @param counts the number of measurements averaged in each entry
     * @param measurements the number of lookahead measurements of the run
     * @return the gains
     * @throws IllegalArgumentException on a shape mismatch or a repeated source
     */
    public static TransferGains of(List<String> tasks, List<Source> sources, double[][] gains, long[][] counts,
            int measurements) {
        return new TransferGains(tasks, sources, gains, counts, measurements);
    }

    /**
     * The sources a measurement covers: every task alone, every pair, and with {@code selfPairs} every task paired
     * with itself (as the paper's code does, {@code combinations_with_replacement} of size 1 and 2).
     *
     * @param k the number of tasks
     * @param selfPairs whether to include {@code {i, i}}
     * @return singles in task order, then pairs in lexicographic order
     */
    public static ImmutableList<Source> sources(int k, boolean selfPairs) {
        ImmutableList.Builder<Source> b = ImmutableList.builder();
        for (int i = 0; i < k; i++) {
            b.add(Source.single(i));
        }
        for (int i = 0; i < k; i++) {
            for (int j = selfPairs ? i : i + 1; j < k; j++) {
                b.add(Source.pair(i, j));
            }
        }
        return b.build();
    }

    /** @return the tasks */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /** @return the update sources, in row order */
    public ImmutableList<Source> sources() {
        return sources;
    }

    /** @return the number of lookahead measurements of the run */
    public int measurements() {
        return measurements;
    }

    /**
     * One mean gain.
     *
     * @param source the update source
     * @param target the target task's index
     * @return {@code G(source → target)}, NaN when the source was not measured or the target never had a label
     */
    public double gain(Source source, int target) {
        Integer s = index.get(source);
        return s == null ? Double.NaN : gains[s][target];
    }

    /**
     * How many measurements one mean gain averages.
     *
     * @param source the update source
     * @param target the target task's index
     * @return the count (0 when not measured)
     */
    public long count(Source source, int target) {
        Integer s = index.get(source);
        return s == null ? 0 : counts[s][target];
    }

    /**
     * TAG's layout of the single-task gains, {@code z[i][t] = G({i} → t)}: the optimiser-aware counterpart of
     * {@link LookaheadAffinity}'s matrix.
     *
     * @return the matrix
     */
    public AffinityMatrix singles() {
        int k = tasks.size();
        double[][] z = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < k; t++) {
                z[i][t] = gain(Source.single(i), t);
            }
        }
        return new AffinityMatrix(tasks, z, measurements);
    }

    /**
     * The raw pairwise gains {@code P[i][t] = G({i, t} → t)}; the diagonal is the self-pair gain
     * {@code G({t, t} → t)}, or the single gain {@code G({t} → t)} when self-pairs were not measured.
     *
     * @return {@code P}, NaN where unmeasured
     */
    public double[][] pairGains() {
        int k = tasks.size();
        double[][] p = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < k; t++) {
                p[i][t] = gain(Source.pair(i, t), t);
                if (i == t && Double.isNaN(p[i][t])) {
                    p[i][t] = gain(Source.single(t), t);
                }
            }
        }
        return p;
    }

    /**
     * The transfer matrix {@code S[i][t] = 1 − (1 − G({i,t}→t)) / (1 − G({t,t}→t))}: how much more {@code t}'s loss
     * falls when it is trained with {@code i} than when trained alone with the same loss weight; {@code S[t][t] = 0}.
     *
     * @return {@code S}, NaN where a gain it needs was never measured
     */
    public double[][] transferMatrix() {
        double[][] p = pairGains();
        int k = p.length;
        double[][] s = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int t = 0; t < k; t++) {
                s[i][t] = i == t ? (Double.isNaN(p[t][t]) ? Double.NaN : 0) : 1 - (1 - p[i][t]) / (1 - p[t][t]);
            }
        }
        return s;
    }

    /**
     * The predicted gain of task {@code t} in a group, {@code a(G, t)}.
     *
     * @param mask the group's bit mask (bit {@code i} for task {@code i})
     * @param task the task's index, a member
     * @param estimate the prediction rule
     * @return the gain (NaN when a pair it needs was never measured)
     */
    public double groupGain(int mask, int task, Estimate estimate) {
        return groupGain(transferMatrix(), mask, task, estimate);
    }

    /**
     * The predicted gain of a task in a group, by name.
     *
     * @param group the group's tasks
     * @param task a member
     * @param estimate the prediction rule
     * @return {@code a(G, t)}
     */
    public double groupGain(List<String> group, String task, Estimate estimate) {
        checkArgument(group.contains(task), "task %s is not in group %s", task, group);
        int mask = 0;
        for (String g : group) {
            int i = tasks.indexOf(g);
            checkArgument(i >= 0, "unknown task %s (the tasks are %s)", g, tasks);
            mask |= 1 << i;
        }
        return groupGain(mask, tasks.indexOf(task), estimate);
    }

    private static double groupGain(double[][] s, int mask, int t, Estimate estimate) {
        checkArgument((mask & (1 << t)) != 0, "task %s is not in group %s", t, mask);
        int size = Integer.bitCount(mask);
        if (size == 1) {
            return s[t][t];
        }
        double sum = 0;
        for (int i = 0; i < s.length; i++) {
            if ((mask & (1 << i)) != 0 && (estimate == Estimate.PAPER || i != t)) {
                sum += s[i][t];
            }
        }
        return sum / (estimate == Estimate.PAPER ? size : size - 1);
    }

    /**
     * Every group's predicted gains, for {@link OverlappingGroups}.
     *
     * @param estimate the prediction rule
     * @param maxGroupSize groups with more tasks are left out (the paper's group-size constraint); {@code K} for none
     * @return the values {@code a(G, t)} of every non-empty group of at most {@code maxGroupSize} tasks
     * @throws IllegalArgumentException when a task is left in no group (a never-measured gain)
     */
    public OverlappingGroups.GroupValues groupValues(Estimate estimate, int maxGroupSize) {
        checkNotNull(estimate, "estimate");
        checkArgument(maxGroupSize >= 1, "group size limit must be at least 1, got %s", maxGroupSize);
        checkArgument(tasks.size() <= OverlappingGroups.MAX_TASKS, "at most %s tasks, got %s",
                OverlappingGroups.MAX_TASKS, tasks.size());
        double[][] s = transferMatrix();
        return OverlappingGroups.GroupValues.of(tasks, (mask, t) -> Integer.bitCount(mask) > maxGroupSize ? Double.NaN
                : groupGain(s, mask, t, estimate));
    }

    /**
     * The gains as CSV: header {@code first,second,target,gain,count}, one row per source and target, in source
     * then task order, full precision.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("first,second,target,gain,count\n");
        for (int s = 0; s < sources.size(); s++) {
            Source src = sources.get(s);
            for (int t = 0; t < tasks.size(); t++) {
                sb.append(tasks.get(src.first())).append(',')
                        .append(src.isSingle() ? "" : tasks.get(src.second())).append(',')
                        .append(tasks.get(t)).append(',')
                        .append(Double.isNaN(gains[s][t]) ? "" : Double.toString(gains[s][t])).append(',')
                        .append(counts[s][t]).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Reads gains written by {@link #toCsv()}. The tasks are the targets in order of first appearance; the number
     * of measurements is the largest count.
     *
     * @param csv the file
     * @return the gains
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and line of a layout error
     */
    public static TransferGains read(Path csv) throws IOException {
        return parse(TextFiles.readLines(checkNotNull(csv, "csv")), csv.toString());
    }

    /**
     * Parses the CSV text of {@link #toCsv()}.
     *
     * @param lines the lines
     * @param where the name used in error messages
     * @return the gains
     */
    public static TransferGains parse(List<String> lines, String where) {
        List<String> rows = new ArrayList<>();
        for (String l : lines) {
            if (!l.isBlank()) {
                rows.add(l.strip());
            }
        }
        checkArgument(!rows.isEmpty() && rows.get(0).equals("first,second,target,gain,count"),
                "%s line 1: header must be first,second,target,gain,count", where);
        List<String> tasks = new ArrayList<>();
        List<String[]> fields = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            String[] f = rows.get(r).split(",", -1);
            checkArgument(f.length == 5, "%s line %s: expected 5 fields, got %s", where, r + 1, f.length);
            checkArgument(!f[0].isEmpty() && !f[2].isEmpty(), "%s line %s: empty task name", where, r + 1);
            if (!tasks.contains(f[2])) {
                tasks.add(f[2]);
            }
            fields.add(f);
        }
        Map<Source, Integer> rowOf = new HashMap<>();
        List<Source> sources = new ArrayList<>();
        List<double[]> gains = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        int measurements = 0;
        for (int r = 0; r < fields.size(); r++) {
            String[] f = fields.get(r);
            int line = r + 2;
            int a = tasks.indexOf(f[0]);
            int b = f[1].isEmpty() ? -1 : tasks.indexOf(f[1]);
            int t = tasks.indexOf(f[2]);
            checkArgument(a >= 0 && (f[1].isEmpty() || b >= 0), "%s line %s: unknown source task in %s,%s", where,
                    line, f[0], f[1]);
            Source src = b < 0 ? Source.single(a) : Source.pair(a, b);
            Integer s = rowOf.get(src);
            if (s == null) {
                s = sources.size();
                rowOf.put(src, s);
                sources.add(src);
                double[] g = new double[tasks.size()];
                Arrays.fill(g, Double.NaN);
                gains.add(g);
                counts.add(new long[tasks.size()]);
            }
            try {
                gains.get(s)[t] = f[3].isEmpty() ? Double.NaN : Double.parseDouble(f[3]);
                long c = Long.parseLong(f[4].strip());
                checkArgument(c >= 0, "%s line %s: negative count %s", where, line, c);
                counts.get(s)[t] = c;
                measurements = (int) Math.max(measurements, Math.min(Integer.MAX_VALUE, c));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d: gain or count is not a "
                        + "number: '%s'", where, line, rows.get(r + 1)), e);
            }
        }
        return of(tasks, sources, gains.toArray(new double[0][]), counts.toArray(new long[0][]), measurements);
    }

    /**
     * The gains for the terminal: the single-task gains {@code G({i}→t)}, the pair gains {@code G({i,t}→t)} and the
     * transfer matrix {@code S}.
     *
     * @return aligned text
     */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append("G({source} → target): the optimiser's update on one task\n").append(singles().toTable());
        sb.append("G({i, t} → t): the update on a pair (diagonal: {t, t})\n");
        sb.append(AffinityMatrix.of(tasks, pairGains()).toTable());
        sb.append("S[i][t] = 1 − L_t(after {i, t}) / L_t(after {t, t}): transfer from i to t\n");
        sb.append(AffinityMatrix.of(tasks, transferMatrix()).toTable());
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TransferGains other && tasks.equals(other.tasks) && sources.equals(other.sources)
                && Arrays.deepEquals(gains, other.gains) && Arrays.deepEquals(counts, other.counts)
                && measurements == other.measurements;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * tasks.hashCode() + sources.hashCode()) + Arrays.deepHashCode(gains);
    }

    @Override
    public String toString() {
        return "TransferGains{tasks=" + tasks + ", sources=" + sources.size() + ", measurements=" + measurements + "}";
    }
}
