package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.study.LossesCsv;

/**
 * Estimated losses of every candidate network, one {@link LossTable} per split, in the CSV layout of Standley et al.
 * (ICML 2020) that {@link MeasuredLosses} reads and {@code mtl group --losses} solves. The estimators of this package
 * write two splits: {@value #VAL} (estimated from validation losses; select on it with {@code --select val}) and
 * {@value #TEST} (the same estimate from test losses; {@code --report test}). Both are estimates: to report real
 * losses, train the chosen networks (as {@code mtl study} does after an approximation).
 *
 * @param setting the {@code setting} column
 * @param tasks the tasks, the column order
 * @param splits split name → table, in file order
 */
public record EstimatedLosses(String setting, ImmutableList<String> tasks, ImmutableMap<String, LossTable> splits) {

    /** The split estimated from validation losses (select on it). */
    public static final String VAL = "val";
    /** The split estimated from test losses (report on it). */
    public static final String TEST = "test";

    /**
     * Validates.
     *
     * @throws IllegalArgumentException when a split's tasks differ from {@code tasks} or a split name is unusable
     */
    public EstimatedLosses {
        checkNotNull(setting, "setting");
        tasks = ImmutableList.copyOf(checkNotNull(tasks, "tasks"));
        splits = ImmutableMap.copyOf(checkNotNull(splits, "splits"));
        checkArgument(!splits.isEmpty(), "no splits");
        for (var e : splits.entrySet()) {
            checkArgument(!e.getKey().isBlank() && !e.getKey().contains(","), "bad split name '%s'", e.getKey());
            checkArgument(e.getValue().tasks().equals(tasks), "split %s has tasks %s, expected %s", e.getKey(),
                    e.getValue().tasks(), tasks);
        }
    }

    /**
     * One split.
     *
     * @param name the split
     * @return its table
     */
    public LossTable split(String name) {
        LossTable t = splits.get(name);
        checkArgument(t != null, "no split %s (the splits are %s)", name, splits.keySet());
        return t;
    }

    /**
     * The CSV text: header {@code setting,split,tasks,network_size,cost,<task>...}, one row per network and split;
     * a network whose name ends in {@code (half)} is written as half-size. Losses are written with
     * {@link Double#toString}, so the table read back is equal.
     *
     * @return the text
     */
    public String toCsv() {
        StringBuilder sb = new StringBuilder(LossesCsv.FIXED_HEADER);
        for (String t : tasks) {
            sb.append(',').append(t);
        }
        sb.append('\n');
        String s = setting.replace(',', ';').strip();
        boolean letters = tasks.stream().allMatch(t -> t.length() == 1);
        for (var e : splits.entrySet()) {
            for (Candidate c : e.getValue().candidates()) {
                List<String> members = tasks.stream().filter(c.tasks()::contains).toList();
                sb.append(s.isEmpty() ? "study" : s).append(',').append(e.getKey()).append(',')
                        .append(String.join(letters ? "" : "&", members)).append(',')
                        .append(c.name().endsWith("(half)") ? "half" : "full").append(',')
                        .append(c.cost() == Math.rint(c.cost()) && Math.abs(c.cost()) < 1e15
                                ? Long.toString((long) c.cost()) : Double.toString(c.cost()));
                for (String t : tasks) {
                    sb.append(',');
                    Double v = c.losses().get(t);
                    if (v != null) {
                        sb.append(Double.toString(v));
                    }
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * The tables as {@code mtl group} reads them back from {@link #toCsv()}.
     *
     * @return the parsed file
     */
    public MeasuredLosses toMeasuredLosses() {
        return MeasuredLosses.parse(List.of(toCsv().split("\n")), "estimated losses");
    }

    /**
     * Writes {@link #toCsv()} atomically.
     *
     * @param file the file
     * @throws IOException when it cannot be written
     */
    public void write(Path file) throws IOException {
        TextFiles.writeAtomically(file, toCsv());
    }
}
