package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How dissimilar the tasks are at each encoder stage: symmetric {@code K × K} matrices {@code D^j} with a zero
 * diagonal, lower for tasks that should share stage {@code j}; the input of {@link BranchedTrees}.
 *
 * <p>Three sources, all read by {@link #read(Path)}, which tells them apart by the first header cell:
 * <ul>
 *   <li>{@code stage,task,<task>…} — dissimilarities per stage, as {@link #toCsv()} writes them, for example those
 *       {@link Rsa} measures ({@code D^j_{kl} = 1 − ρ(RDM_k^j, RDM_l^j)}, Vandenhende et al.'s measure);
 *   <li>{@code source,<task>…} — the lookahead affinities {@code Z(i→j)} that {@code mtl affinity} writes
 *       ({@code affinity.csv}: rows the source task, columns the target, empty where never measured);
 *   <li>{@code task,<partner>…} — a grouping study's pairwise table ({@code pairwise.csv},
 *       {@code R(a, b)}: percent change of {@code a}'s loss when trained with {@code b}; empty on the diagonal).
 * </ul>
 * An affinity {@code A} (higher: better together) becomes one dissimilarity for every stage (neither measure says
 * at which depth tasks part) by {@link #fromAffinity}: symmetrise {@code s_{kl} = (A_{kl} + A_{lk}) / 2} (the known
 * one if the other is missing; the diagonal is ignored), then {@code d_{kl} = (s_max − s_{kl}) / (s_max − s_min)}
 * over the pairs {@code k ≠ l} — {@code 1 −} the affinity normalised to {@code [0, 1]}: 0 for the most affine pair,
 * 1 for the least, all 0 when every pair is equally affine. The normalisation makes the two affinity scales (TAG's
 * {@code ~10⁻³}, the study's percent) interchangeable; a tree's score then counts in units of the affinity range.
 *
 * @param tasks the tasks, row and column order
 * @param stages one matrix per encoder stage, or a single matrix that applies to every stage
 * @param source where the values come from, for reports
 */
public record TaskDissimilarity(ImmutableList<String> tasks, ImmutableList<double[][]> stages, String source) {

    /** Checks the shapes and values, symmetrises every matrix by the mean and zeroes its diagonal. */
    public TaskDissimilarity {
        checkNotNull(tasks, "tasks");
        checkNotNull(stages, "stages");
        checkNotNull(source, "source");
        checkArgument(!tasks.isEmpty(), "task dissimilarity needs at least one task");
        checkArgument(!stages.isEmpty(), "task dissimilarity needs at least one matrix");
        checkArgument(tasks.stream().distinct().count() == tasks.size(), "duplicate task in %s", tasks);
        int k = tasks.size();
        ImmutableList.Builder<double[][]> copies = ImmutableList.builder();
        for (int j = 0; j < stages.size(); j++) {
            double[][] d = stages.get(j);
            checkArgument(d.length == k, "dissimilarity matrix %s has %s rows for %s tasks", j, d.length, k);
            double[][] c = new double[k][k];
            for (int a = 0; a < k; a++) {
                checkArgument(d[a].length == k, "dissimilarity matrix %s row %s has %s entries for %s tasks", j, a,
                        d[a].length, k);
                for (int b = 0; b < k; b++) {
                    if (a != b) {
                        checkArgument(Double.isFinite(d[a][b]), "dissimilarity of %s and %s at stage %s is %s",
                                tasks.get(a), tasks.get(b), j, d[a][b]);
                        c[a][b] = (d[a][b] + d[b][a]) / 2;
                    }
                }
            }
            copies.add(c);
        }
        stages = copies.build();
    }

    /**
     * One dissimilarity matrix for every stage.
     *
     * @param tasks the tasks
     * @param d {@code d[k][l]}
     * @param source where it comes from
     * @return the dissimilarity
     */
    public static TaskDissimilarity of(List<String> tasks, double[][] d, String source) {
        return new TaskDissimilarity(ImmutableList.copyOf(tasks), ImmutableList.of(d), source);
    }

    /**
     * Converts an affinity matrix (higher: better together) into one dissimilarity for every stage, as the class
     * description says.
     *
     * @param tasks the tasks
     * @param affinity {@code A[k][l]}; NaN where unknown; the diagonal is ignored
     * @param source where it comes from
     * @return the dissimilarity
     * @throws IllegalArgumentException naming a pair with neither {@code A_{kl}} nor {@code A_{lk}}
     */
    public static TaskDissimilarity fromAffinity(List<String> tasks, double[][] affinity, String source) {
        int k = tasks.size();
        checkArgument(affinity.length == k, "affinity matrix has %s rows for %s tasks", affinity.length, k);
        double[][] s = new double[k][k];
        double max = Double.NEGATIVE_INFINITY;
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            checkArgument(affinity[a].length == k, "affinity row %s has %s entries for %s tasks", a,
                    affinity[a].length, k);
            for (int b = a + 1; b < k; b++) {
                double ab = affinity[a][b];
                double ba = affinity[b][a];
                checkArgument(Double.isFinite(ab) || Double.isFinite(ba), "%s: the affinity of %s and %s is "
                        + "unknown in both directions", source, tasks.get(a), tasks.get(b));
                double v = !Double.isFinite(ab) ? ba : !Double.isFinite(ba) ? ab : (ab + ba) / 2;
                s[a][b] = v;
                s[b][a] = v;
                max = Math.max(max, v);
                min = Math.min(min, v);
            }
        }
        double[][] d = new double[k][k];
        double range = max - min;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                d[a][b] = a == b || !(range > 0) ? 0 : (max - s[a][b]) / range;
            }
        }
        return of(tasks, d, source);
    }

    /**
     * The matrices for an encoder of {@code stageCount} stages: these when there are that many, the single matrix
     * repeated when there is one.
     *
     * @param stageCount the encoder's number of stages
     * @return one matrix per stage
     * @throws IllegalArgumentException when there are several matrices but not {@code stageCount}
     */
    public ImmutableList<double[][]> forStages(int stageCount) {
        if (stages.size() == stageCount) {
            return stages;
        }
        checkArgument(stages.size() == 1, "%s has dissimilarities for %s stages but the encoder has %s", source,
                stages.size(), stageCount);
        ImmutableList.Builder<double[][]> out = ImmutableList.builder();
        for (int j = 0; j < stageCount; j++) {
            out.add(stages.get(0));
        }
        return out.build();
    }

    /**
     * The same dissimilarities with rows and columns in another task order.
     *
     * @param order the network's tasks: the same set as {@link #tasks()}
     * @return the reordered dissimilarity
     * @throws IllegalArgumentException naming a task of one side that the other lacks
     */
    public TaskDissimilarity reorder(List<String> order) {
        for (String t : order) {
            checkArgument(tasks.contains(t), "%s has no task '%s' (it has %s)", source, t, String.join(", ", tasks));
        }
        for (String t : tasks) {
            checkArgument(order.contains(t), "%s has task '%s', which the network does not have (it has %s)",
                    source, t, String.join(", ", order));
        }
        int k = order.size();
        int[] at = order.stream().mapToInt(tasks::indexOf).toArray();
        ImmutableList.Builder<double[][]> out = ImmutableList.builder();
        for (double[][] d : stages) {
            double[][] r = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    r[a][b] = d[at[a]][at[b]];
                }
            }
            out.add(r);
        }
        return new TaskDissimilarity(ImmutableList.copyOf(order), out.build(), source);
    }

    /**
     * The dissimilarities as CSV: header {@code stage,task,<task>…}, then one row per stage and task, full
     * precision.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("stage,task");
        for (String t : tasks) {
            sb.append(',').append(t);
        }
        sb.append('\n');
        for (int j = 0; j < stages.size(); j++) {
            for (int a = 0; a < tasks.size(); a++) {
                sb.append(j).append(',').append(tasks.get(a));
                for (int b = 0; b < tasks.size(); b++) {
                    sb.append(',').append(Double.toString(stages.get(j)[a][b]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Reads dissimilarities or affinities from a CSV file in one of the three layouts of the class description.
     *
     * @param file the file
     * @return the dissimilarity, its source the file name and layout
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException naming the file, the line and the problem
     */
    public static TaskDissimilarity read(Path file) throws IOException {
        checkNotNull(file, "file");
        checkArgument(Files.isRegularFile(file), "affinity file %s does not exist or is not a file", file);
        List<String> lines = new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        lines.removeIf(String::isBlank);
        checkArgument(!lines.isEmpty(), "%s: empty file", file);
        String[] header = cells(lines.get(0));
        switch (header[0]) {
            case "stage":
                return readStages(file, lines, header);
            case "source":
                return fromAffinity(names(file, header, 1), square(file, lines, header, 1, true),
                        file + " (lookahead affinity, 1 − normalised)");
            case "task":
                return fromAffinity(names(file, header, 1), square(file, lines, header, 1, true),
                        file + " (pairwise loss change, 1 − normalised)");
            default:
                throw new IllegalArgumentException(file + " line 1: header must start with 'stage,task,' "
                        + "(dissimilarity per stage), 'source,' (mtl affinity's affinity.csv) or 'task,' (a study's "
                        + "pairwise.csv), got '" + lines.get(0).strip() + "'");
        }
    }

    private static String[] cells(String line) {
        String[] c = line.strip().split(",", -1);
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i].strip();
        }
        return c;
    }

    private static ImmutableList<String> names(Path file, String[] header, int from) {
        checkArgument(header.length > from, "%s line 1: no task names in the header", file);
        ImmutableList<String> tasks = ImmutableList.copyOf(Arrays.asList(header).subList(from, header.length));
        checkArgument(tasks.stream().distinct().count() == tasks.size(), "%s line 1: a task appears twice in %s",
                file, tasks);
        return tasks;
    }

    /** Reads K rows {@code name,v…} after the header; empty cells are NaN when allowed. */
    private static double[][] square(Path file, List<String> lines, String[] header, int from, boolean allowEmpty) {
        List<String> tasks = names(file, header, from);
        int k = tasks.size();
        checkArgument(lines.size() == k + 1, "%s: %s tasks in the header but %s rows", file, k, lines.size() - 1);
        double[][] m = new double[k][k];
        for (int a = 0; a < k; a++) {
            m[a] = row(file, a + 2, cells(lines.get(a + 1)), header, tasks, a, allowEmpty);
        }
        return m;
    }

    private static double[] row(Path file, int lineNumber, String[] f, String[] header, List<String> tasks, int a,
            boolean allowEmpty) {
        int k = tasks.size();
        int from = header.length - k;
        checkArgument(f.length == header.length, "%s line %s: expected %s fields, got %s", file, lineNumber,
                header.length, f.length);
        checkArgument(f[from - 1].equals(tasks.get(a)), "%s line %s: row '%s' should be task '%s'", file,
                lineNumber, f[from - 1], tasks.get(a));
        double[] out = new double[k];
        for (int b = 0; b < k; b++) {
            String cell = f[from + b];
            if (cell.isEmpty()) {
                checkArgument(allowEmpty || a == b, "%s line %s: the value for %s and %s is empty", file,
                        lineNumber, tasks.get(a), tasks.get(b));
                out[b] = a == b ? 0 : Double.NaN;
                continue;
            }
            try {
                out[b] = Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s line %d: the value for %s and %s "
                        + "is not a number: '%s'", file, lineNumber, tasks.get(a), tasks.get(b), cell), e);
            }
        }
        return out;
    }

    private static TaskDissimilarity readStages(Path file, List<String> lines, String[] header) {
        checkArgument(header.length >= 3 && header[1].equals("task"), "%s line 1: header must be "
                + "stage,task,<task>,…", file);
        List<String> tasks = names(file, header, 2);
        int k = tasks.size();
        checkArgument((lines.size() - 1) % k == 0 && lines.size() > 1, "%s: %s rows is not a whole number of "
                + "stages of %s tasks", file, lines.size() - 1, k);
        int stageCount = (lines.size() - 1) / k;
        ImmutableList.Builder<double[][]> stages = ImmutableList.builder();
        for (int j = 0; j < stageCount; j++) {
            double[][] d = new double[k][];
            for (int a = 0; a < k; a++) {
                int line = 1 + j * k + a;
                String[] f = cells(lines.get(line));
                checkArgument(f[0].equals(Integer.toString(j)), "%s line %s: stage should be %s, got '%s'", file,
                        line + 1, j, f[0]);
                d[a] = row(file, line + 1, f, header, tasks, a, false);
            }
            stages.add(d);
        }
        return new TaskDissimilarity(ImmutableList.copyOf(tasks), stages.build(), file + " (dissimilarity)");
    }

    /** @return the matrices as aligned text, one block per stage */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("task dissimilarity from ").append(source).append('\n');
        for (int j = 0; j < stages.size(); j++) {
            sb.append(stages.size() == 1 ? "every stage" : "stage " + j).append('\n');
            sb.append(String.format(Locale.ROOT, "%-12s", ""));
            for (String t : tasks) {
                sb.append(String.format(Locale.ROOT, "%10s", t));
            }
            sb.append('\n');
            for (int a = 0; a < tasks.size(); a++) {
                sb.append(String.format(Locale.ROOT, "%-12s", tasks.get(a)));
                for (int b = 0; b < tasks.size(); b++) {
                    sb.append(String.format(Locale.ROOT, "%10.4f", stages.get(j)[a][b]));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }
}
