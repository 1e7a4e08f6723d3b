package org.mtl4j.grouping.affinity;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Inter-task affinities {@code Z(i→j)}: how much a step on the shared parameters with task {@code i}'s gradient alone
 * changes task {@code j}'s loss, after Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning"
 * (TAG, NeurIPS 2021):
 *
 * <pre>
 *   Z(i→j) = 1 − L_j(θ_s − η·∇_{θ_s} L_i, θ_j) / L_j(θ_s, θ_j),   averaged over the measurements of a training run.
 * </pre>
 * Positive: task {@code i}'s update lowers task {@code j}'s loss (i helps j); negative: it raises it. The matrix is
 * not symmetric. Rows are the source {@code i}, columns the target {@code j}; the diagonal is each task's own
 * lookahead gain. Produced by {@link LookaheadAffinity}; turned into groups by {@link AffinityGrouping}.
 *
 * @param tasks the tasks, row and column order
 * @param z {@code z[i][j] = Z(i→j)}; NaN where never measured
 * @param measurements the number of lookahead measurements averaged (per pair, at most)
 */
public record AffinityMatrix(ImmutableList<String> tasks, double[][] z, int measurements) {

    /**
     * Validates the shape.
     *
     * @throws IllegalArgumentException if the matrix is not {@code n × n}
     */
    public AffinityMatrix {
        checkNotNull(tasks, "tasks");
        checkNotNull(z, "z");
        checkArgument(!tasks.isEmpty(), "an affinity matrix needs at least one task");
        checkArgument(z.length == tasks.size(), "affinity matrix has %s rows for %s tasks", z.length, tasks.size());
        for (int i = 0; i < z.length; i++) {
            checkArgument(z[i] != null && z[i].length == tasks.size(),
                    "affinity row %s (%s) has %s entries for %s tasks",
                    i, tasks.get(i), z[i] == null ? 0 : z[i].length, tasks.size());
        }
        double[][] copy = new double[z.length][];
        for (int i = 0; i < z.length; i++) {
            copy[i] = z[i].clone();
        }
        z = copy;
    }

    /**
     * A matrix from values.
     *
     * @param tasks the tasks
     * @param z {@code z[i][j] = Z(i→j)}
     * @return the matrix
     */
    public static AffinityMatrix of(List<String> tasks, double[][] z) {
        return new AffinityMatrix(ImmutableList.copyOf(tasks), z, 0);
    }

    /**
     * One affinity.
     *
     * @param source the task whose gradient takes the step
     * @param target the task whose loss is measured
     * @return {@code Z(source→target)}
     * @throws IllegalArgumentException for an unknown task
     */
    public double get(String source, String target) {
        return z[index(source)][index(target)];
    }

    int index(String task) {
        int i = tasks.indexOf(task);
        checkArgument(i >= 0, "unknown task %s (the tasks are %s)", task, tasks);
        return i;
    }

    /**
     * The matrix as CSV: header {@code source,<target>...}, one row per source task, full precision.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("source");
        for (String t : tasks) {
            sb.append(',').append(t);
        }
        sb.append('\n');
        for (int i = 0; i < tasks.size(); i++) {
            sb.append(tasks.get(i));
            for (int j = 0; j < tasks.size(); j++) {
                sb.append(',');
                if (!Double.isNaN(z[i][j])) {
                    sb.append(Double.toString(z[i][j]));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * Reads a matrix written by {@link #toCsv()} (or by hand in that layout).
     *
     * @param csv the file
     * @return the matrix
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException naming the file and line of a layout error
     */
    public static AffinityMatrix read(Path csv) throws IOException {
        List<String> lines = new ArrayList<>(org.mtl4j.grouping.TextFiles.readLines(checkNotNull(csv, "csv")));
        lines.removeIf(String::isBlank);
        checkArgument(!lines.isEmpty(), "%s: empty file", csv);
        String[] header = lines.get(0).strip().split(",", -1);
        checkArgument(header.length >= 2 && header[0].equals("source"),
                "%s line 1: header must be source,<task>,..., got %s", csv, lines.get(0));
        List<String> tasks = Arrays.asList(header).subList(1, header.length);
        checkArgument(lines.size() == tasks.size() + 1, "%s: %s tasks in the header but %s rows", csv, tasks.size(),
                lines.size() - 1);
        double[][] z = new double[tasks.size()][tasks.size()];
        for (int i = 0; i < tasks.size(); i++) {
            String[] f = lines.get(i + 1).strip().split(",", -1);
            checkArgument(f.length == header.length, "%s line %s: expected %s fields, got %s", csv, i + 2,
                    header.length, f.length);
            checkArgument(f[0].equals(tasks.get(i)), "%s line %s: row %s should be task %s", csv, i + 2, f[0],
                    tasks.get(i));
            for (int j = 0; j < tasks.size(); j++) {
                String cell = f[j + 1].strip();
                try {
                    z[i][j] = cell.isEmpty() ? Double.NaN : Double.parseDouble(cell);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(String.format(Locale.ROOT,
                            "%s line %d: Z(%s→%s) is not a number: '%s'", csv, i + 2, tasks.get(i), tasks.get(j),
                            cell), e);
                }
            }
        }
        return of(tasks, z);
    }

    /**
     * The matrix for the terminal, rows = source, columns = target.
     *
     * @return aligned text
     */
    public String toTable() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s", "source\\target"));
        for (String t : tasks) {
            sb.append(String.format(Locale.ROOT, "%11s", t));
        }
        sb.append('\n');
        for (int i = 0; i < tasks.size(); i++) {
            sb.append(String.format(Locale.ROOT, "%-13s", tasks.get(i)));
            for (int j = 0; j < tasks.size(); j++) {
                sb.append(String.format(Locale.ROOT, "%11.3e", z[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
