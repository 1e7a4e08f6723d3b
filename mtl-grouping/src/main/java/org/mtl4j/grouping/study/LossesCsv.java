package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes measured losses in the CSV layout of the losses of Standley et al., "Which Tasks Should Be Learned Together
 * in Multi-task Learning?" (ICML 2020), which {@link org.mtl4j.grouping.MeasuredLosses} reads and {@code mtl group}
 * solves: header {@code setting,split,tasks,network_size,cost,<one loss column per task>}, one row per network and
 * split, an empty cell where a network has no decoder for a task. Losses are written with {@link Double#toString},
 * which reads back to the identical double, so a table read back selects exactly what the study selected.
 */
public final class LossesCsv {

    /** The fixed columns before the task columns. */
    public static final String FIXED_HEADER = "setting,split,tasks,network_size,cost";

    private LossesCsv() {}

    /**
     * One network's losses on one split.
     *
     * @param split the split name ({@code val}, {@code test}, {@code esa_20pct}, …)
     * @param spec the network
     * @param losses task → loss, for the network's tasks
     */
    public record Row(String split, CandidateSpec spec, Map<String, Double> losses) {

        /** Checks the components. */
        public Row {
            checkNotNull(split, "split");
            checkArgument(!split.isBlank() && !split.contains(","), "bad split name '%s'", split);
            checkNotNull(spec, "spec");
            checkNotNull(losses, "losses");
        }
    }

    /**
     * The CSV text.
     *
     * @param setting the setting column's value (commas are replaced by semicolons)
     * @param tasks the study's tasks, the column order
     * @param rows the rows, written in the given order
     * @return the text, newline-terminated
     * @throws IllegalArgumentException if a row names a task outside {@code tasks}
     */
    public static String write(String setting, List<String> tasks, List<Row> rows) {
        checkNotNull(setting, "setting");
        StringBuilder sb = new StringBuilder(FIXED_HEADER);
        for (String t : tasks) {
            sb.append(',').append(t);
        }
        sb.append('\n');
        String s = setting.replace(',', ';').strip();
        for (Row r : rows) {
            for (String t : r.spec().tasks()) {
                checkArgument(tasks.contains(t), "network %s: task %s is not a column (tasks %s)", r.spec().name(), t,
                        tasks);
            }
            sb.append(s.isEmpty() ? "study" : s).append(',').append(r.split()).append(',')
                    .append(tasksCell(tasks, r.spec().tasks())).append(',')
                    .append(r.spec().half() ? "half" : "full").append(',').append(number(r.spec().cost()));
            for (String t : tasks) {
                sb.append(',');
                Double v = r.losses().get(t);
                if (v != null) {
                    sb.append(Double.toString(v));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A network's name as {@link org.mtl4j.grouping.MeasuredLosses} gives it: its tasks in column order, concatenated
     * when every task name is one character ({@code sdn}) and joined with {@code &} otherwise, with {@code (half)}
     * appended for a half-size network.
     *
     * @param studyTasks the column order
     * @param members the network's tasks
     * @param half whether it is half-size
     * @return the name
     */
    public static String networkName(List<String> studyTasks, Collection<String> members, boolean half) {
        boolean letters = studyTasks.stream().allMatch(t -> t.length() == 1);
        List<String> ordered = studyTasks.stream().filter(members::contains).toList();
        checkArgument(ordered.size() == members.size(), "tasks %s are not all among %s", members, studyTasks);
        return String.join(letters ? "" : "&", ordered) + (half ? "(half)" : "");
    }

    /**
     * Orders networks as the paper's files do: half-size networks first (in task order), then full networks by size
     * and, within a size, in the lexicographic order of their task positions ({@code s, d, …, sd, sn, …, sdnke}).
     *
     * @param studyTasks the task order
     * @param specs the networks
     * @return the sorted copy
     */
    public static ImmutableList<CandidateSpec> canonicalOrder(List<String> studyTasks,
            Collection<CandidateSpec> specs) {
        List<CandidateSpec> out = new ArrayList<>(specs);
        Comparator<CandidateSpec> c = Comparator.comparing((CandidateSpec s) -> s.half() ? 0 : 1)
                .thenComparingInt(s -> s.tasks().size())
                .thenComparing((a, b) -> compareIndices(positions(studyTasks, a), positions(studyTasks, b)));
        out.sort(c);
        return ImmutableList.copyOf(out);
    }

    private static int[] positions(List<String> studyTasks, CandidateSpec s) {
        return s.tasks().stream().mapToInt(studyTasks::indexOf).sorted().toArray();
    }

    private static int compareIndices(int[] a, int[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static String tasksCell(List<String> studyTasks, List<String> members) {
        boolean letters = studyTasks.stream().allMatch(t -> t.length() == 1);
        return String.join(letters ? "" : "&", studyTasks.stream().filter(members::contains).toList());
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
