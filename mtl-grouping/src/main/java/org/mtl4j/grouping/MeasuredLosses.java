package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The measured losses of one task-grouping study, read from the CSV layout in which the losses of Standley et al.,
 * "Which Tasks Should Be Learned Together in Multi-task Learning?" (ICML 2020) are distributed: one table
 * ({@link LossTable}) per split.
 *
 * <p>Layout: a header {@code setting,split,tasks,network_size,cost,<task>...} with one loss column per task (the
 * column order is the task order), then one row per network and split. {@code tasks} lists the network's trained tasks
 * (as letters, e.g. {@code sdn}, when every task name is one character; otherwise joined with {@code &}),
 * {@code network_size} is {@code full} or {@code half}, {@code cost} is the inference cost, and an empty loss cell
 * means the network does not decode that task (a trained task with an empty cell is auxiliary). Networks are named by
 * their tasks in column order, with {@code (half)} appended for half-size ones ({@code s(half)}). Typical splits are
 * {@code val} (selection), {@code test} (report) and {@code esa_20pct} (early-stopped). One setting per file.
 */
public final class MeasuredLosses {

    private static final List<String> FIXED = List.of("setting", "split", "tasks", "network_size", "cost");

    private final String setting;
    private final ImmutableList<String> tasks;
    private final ImmutableMap<String, LossTable> splits;

    private MeasuredLosses(String setting, ImmutableList<String> tasks, ImmutableMap<String, LossTable> splits) {
        this.setting = setting;
        this.tasks = tasks;
        this.splits = splits;
    }

    /**
     * Reads a losses CSV.
     *
     * @param csv the file
     * @return the tables
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if the layout is violated (the message names the file and line)
     */
    public static MeasuredLosses read(Path csv) throws IOException {
        checkNotNull(csv, "csv");
        return parse(TextFiles.readLines(csv), csv.toString());
    }

    /**
     * Parses the lines of a losses CSV.
     *
     * @param lines the lines, header first
     * @param source the name used in error messages
     * @return the tables
     * @throws IllegalArgumentException if the layout is violated
     */
    public static MeasuredLosses parse(List<String> lines, String source) {
        checkArgument(!lines.isEmpty() && !lines.get(0).isBlank(), "%s: empty file, expected a header", source);
        String[] header = lines.get(0).strip().split(",", -1);
        checkArgument(header.length > FIXED.size() && Arrays.asList(header).subList(0, FIXED.size()).equals(FIXED),
                "%s line 1: header must be %s followed by one column per task, got %s", source,
                String.join(",", FIXED), lines.get(0));
        ImmutableList<String> tasks = ImmutableList.copyOf(Arrays.asList(header).subList(FIXED.size(),
                header.length));
        boolean letters = tasks.stream().allMatch(t -> t.length() == 1);
        String setting = null;
        Map<String, List<Candidate>> bySplit = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            int no = i + 1;
            String[] f = line.split(",", -1);
            checkArgument(f.length == header.length, "%s line %s: expected %s fields, got %s", source, no,
                    header.length, f.length);
            if (setting == null) {
                setting = f[0];
            }
            checkArgument(setting.equals(f[0]), "%s line %s: setting %s differs from %s (one setting per file)", source,
                    no, f[0], setting);
            String split = f[1];
            checkArgument(!split.isBlank(), "%s line %s: empty split", source, no);
            Set<String> members = members(f[2], letters, tasks, source, no);
            String size = f[3];
            checkArgument(size.equals("full") || size.equals("half"),
                    "%s line %s: network_size must be full or half, got %s", source, no, size);
            double cost = number(f[4], "cost", source, no);
            Map<String, Double> losses = new LinkedHashMap<>();
            List<String> ordered = new ArrayList<>();
            for (int t = 0; t < tasks.size(); t++) {
                String task = tasks.get(t);
                if (members.contains(task)) {
                    ordered.add(task);
                }
                String cell = f[FIXED.size() + t].strip();
                if (cell.isEmpty()) {
                    continue;
                }
                checkArgument(members.contains(task), "%s line %s: network %s has a loss for task %s it is not trained on",
                        source, no, f[2], task);
                losses.put(task, number(cell, "loss of " + task, source, no));
            }
            String name = Names.network(ordered) + (size.equals("half") ? "(half)" : "");
            try {
                bySplit.computeIfAbsent(split, k -> new ArrayList<>())
                        .add(Candidate.withAuxiliary(name, cost, members, losses));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + " line " + no + ": " + e.getMessage(), e);
            }
        }
        checkArgument(!bySplit.isEmpty(), "%s: no data rows", source);
        ImmutableMap.Builder<String, LossTable> splits = ImmutableMap.builder();
        for (Map.Entry<String, List<Candidate>> e : bySplit.entrySet()) {
            try {
                splits.put(e.getKey(), LossTable.of(tasks, e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(source + " split " + e.getKey() + ": " + ex.getMessage(), ex);
            }
        }
        return new MeasuredLosses(setting, tasks, splits.build());
    }

    private static Set<String> members(String cell, boolean letters, List<String> tasks, String source, int no) {
        checkArgument(!cell.isBlank(), "%s line %s: empty tasks cell", source, no);
        List<String> parts = letters ? cell.chars().mapToObj(ch -> String.valueOf((char) ch)).toList()
                : Arrays.asList(cell.split("&", -1));
        Set<String> out = new LinkedHashSet<>();
        for (String p : parts) {
            checkArgument(tasks.contains(p), "%s line %s: unknown task %s in network %s (the tasks are %s)", source, no,
                    p, cell, tasks);
            checkArgument(out.add(p), "%s line %s: task %s repeated in network %s", source, no, p, cell);
        }
        return out;
    }

    private static double number(String cell, String what, String source, int no) {
        try {
            return Double.parseDouble(cell.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    String.format("%s line %s: %s is not a number: '%s'", source, no, what, cell), e);
        }
    }

    /**
     * The setting column's value.
     *
     * @return the setting
     */
    public String setting() {
        return setting;
    }

    /**
     * The tasks, in column order.
     *
     * @return the tasks
     */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /**
     * The splits, in file order.
     *
     * @return the split names
     */
    public ImmutableSet<String> splits() {
        return splits.keySet();
    }

    /**
     * One split's table.
     *
     * @param name a split, e.g. {@code val} or {@code test}
     * @return its table
     * @throws IllegalArgumentException if the file has no such split
     */
    public LossTable split(String name) {
        LossTable t = splits.get(name);
        checkArgument(t != null, "no split %s (the splits are %s)", name, splits.keySet());
        return t;
    }

    /**
     * The early-stopped split: the one whose name starts with {@code esa}.
     *
     * @return its table
     * @throws IllegalArgumentException if there is none or more than one
     */
    public LossTable earlyStoppingSplit() {
        List<String> esa = splits.keySet().stream().filter(s -> s.startsWith("esa")).toList();
        checkArgument(esa.size() == 1, "expected exactly one early-stopped split (name starting with esa), found %s in %s",
                esa, splits.keySet());
        return splits.get(esa.get(0));
    }
}
