package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The layout of a branched multi-task network (Vandenhende, Georgoulis, De Brabandere and Van Gool, BMVC 2020,
 * "Branched Multi-Task Networks: Deciding What Layers to Share"): for every encoder stage, a partition of the tasks
 * into branches, each partition a refinement of the one before, so that the network is a tree whose root is the
 * input and whose leaves are the task heads. Stage {@code j}'s branch for a set of tasks {@code S} reads the output
 * of stage {@code j − 1}'s branch that contains {@code S}.
 *
 * <p><b>Syntax</b> (what {@code --arch branched:tree=…} takes), with stages numbered from 0:
 * <pre>
 *   tree   = stage ( "|" stage )*          one partition per encoder stage, the first stage first
 *   stage  = branch ( "/" branch )*         the branches of the stage
 *   branch = task ( "+" task )*             the tasks that share the branch
 *   task   = a task name                    letters, digits, '_', '.' or '-'
 * </pre>
 * For example, with five tasks {@code seg, dep, nrm, key, edge} and a four-stage encoder,
 * {@code seg+dep+nrm+key+edge|seg+dep/nrm+key+edge|seg/dep/nrm/key+edge|seg/dep/nrm/key/edge} shares stage 0 by
 * all tasks, splits into two branches at stage 1, four at stage 2 and one branch per task at stage 3. Spaces are
 * ignored; the syntax uses neither {@code ','} nor {@code '='}, so a tree fits into an architecture spec's
 * {@code key=value,…} options and a comma-separated list of architectures. Quote it on a shell command line
 * ({@code '|'} is a pipe there).
 *
 * <p>A tree is rejected, with one line that names the culprit, when a stage is empty or has an empty branch, a task
 * appears twice in a stage, a stage places other tasks than the first stage, a branch straddles two branches of
 * the stage before (the tree is not nested), or, against a network's tasks and encoder
 * ({@link #validate}), it names an unknown task, misses a task or has another number of stages than the encoder.
 */
public final class BranchTree {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    /** stages.get(j).get(b): the tasks of branch b at stage j. */
    private final ImmutableList<ImmutableList<ImmutableList<String>>> stages;
    private final ImmutableList<String> tasks;
    private final String text;

    private BranchTree(ImmutableList<ImmutableList<ImmutableList<String>>> stages, List<String> tasks) {
        this.stages = stages;
        this.tasks = ImmutableList.copyOf(tasks);
        List<String> parts = new ArrayList<>();
        for (List<ImmutableList<String>> stage : stages) {
            List<String> branches = new ArrayList<>();
            for (List<String> branch : stage) {
                branches.add(String.join("+", branch));
            }
            parts.add(String.join("/", branches));
        }
        this.text = String.join("|", parts);
    }

    /**
     * Parses a tree and checks that it is one: every stage places the tasks of the first stage once, and every branch
     * lies inside one branch of the stage before.
     *
     * @param text the tree, in the syntax of the class description
     * @return the tree, branches and tasks in the order written
     * @throws IllegalArgumentException naming the culprit
     */
    public static BranchTree parse(String text) {
        checkNotNull(text, "tree");
        String t = text.replaceAll("\\s+", "");
        checkArgument(!t.isEmpty(), "branched tree is empty: give one partition of the tasks per encoder stage, "
                + "for example a+b+c|a+b/c");
        ImmutableList.Builder<ImmutableList<ImmutableList<String>>> stages = ImmutableList.builder();
        String[] stageTexts = t.split("\\|", -1);
        for (int j = 0; j < stageTexts.length; j++) {
            checkArgument(!stageTexts[j].isEmpty(), "branched tree '%s': stage %s is empty", t, j);
            ImmutableList.Builder<ImmutableList<String>> branches = ImmutableList.builder();
            Set<String> seen = new LinkedHashSet<>();
            for (String branchText : stageTexts[j].split("/", -1)) {
                checkArgument(!branchText.isEmpty(), "branched tree '%s': stage %s has an empty branch", t, j);
                ImmutableList.Builder<String> branch = ImmutableList.builder();
                for (String task : branchText.split("\\+", -1)) {
                    checkArgument(!task.isEmpty(), "branched tree '%s': branch '%s' of stage %s has an empty task "
                            + "name", t, branchText, j);
                    checkArgument(NAME.matcher(task).matches(), "branched tree '%s': '%s' at stage %s is not a task "
                            + "name (letters, digits, '_', '.' or '-'; '+' joins tasks, '/' branches, '|' stages)",
                            t, task, j);
                    checkArgument(seen.add(task), "branched tree '%s': task '%s' appears twice at stage %s", t, task,
                            j);
                    branch.add(task);
                }
                branches.add(branch.build());
            }
            stages.add(branches.build());
        }
        ImmutableList<ImmutableList<ImmutableList<String>>> all = stages.build();
        List<String> order = new ArrayList<>();
        all.get(0).forEach(order::addAll);
        BranchTree tree = new BranchTree(all, order);
        tree.checkNested(t);
        return tree;
    }

    /**
     * Makes a tree from one branch label per task and stage.
     *
     * @param tasks the tasks
     * @param labels {@code labels.get(j)[k]}: the branch of task {@code k} at stage {@code j} (any integers; equal
     *     labels share a branch)
     * @return the tree, branches ordered by their first task, tasks in the given order
     * @throws IllegalArgumentException if the partitions are not nested
     */
    public static BranchTree of(List<String> tasks, List<int[]> labels) {
        checkArgument(!tasks.isEmpty(), "a branched tree needs at least one task");
        checkArgument(!labels.isEmpty(), "a branched tree needs at least one stage");
        ImmutableList.Builder<ImmutableList<ImmutableList<String>>> stages = ImmutableList.builder();
        for (int[] stage : labels) {
            checkArgument(stage.length == tasks.size(), "%s branch labels for %s tasks", stage.length, tasks.size());
            Map<Integer, List<String>> branches = new java.util.LinkedHashMap<>();
            for (int k = 0; k < stage.length; k++) {
                branches.computeIfAbsent(stage[k], x -> new ArrayList<>()).add(tasks.get(k));
            }
            stages.add(branches.values().stream().map(ImmutableList::copyOf)
                    .collect(ImmutableList.toImmutableList()));
        }
        BranchTree tree = new BranchTree(stages.build(), tasks);
        tree.checkNested(tree.text);
        return tree;
    }

    /**
     * The tree that shares every stage between all tasks: hard parameter sharing.
     *
     * @param tasks the tasks
     * @param stageCount the number of encoder stages
     * @return the tree
     */
    public static BranchTree shared(List<String> tasks, int stageCount) {
        List<int[]> labels = new ArrayList<>();
        for (int j = 0; j < stageCount; j++) {
            labels.add(new int[tasks.size()]);
        }
        return of(tasks, labels);
    }

    /**
     * The tree with one branch per task at every stage: independent single-task networks.
     *
     * @param tasks the tasks
     * @param stageCount the number of encoder stages
     * @return the tree
     */
    public static BranchTree independent(List<String> tasks, int stageCount) {
        List<int[]> labels = new ArrayList<>();
        for (int j = 0; j < stageCount; j++) {
            labels.add(java.util.stream.IntStream.range(0, tasks.size()).toArray());
        }
        return of(tasks, labels);
    }

    private void checkNested(String t) {
        Set<String> first = new LinkedHashSet<>(tasksOf(0));
        for (int j = 1; j < stages.size(); j++) {
            Set<String> here = new LinkedHashSet<>(tasksOf(j));
            for (String task : first) {
                checkArgument(here.contains(task), "branched tree '%s': stage %s does not place task '%s', which "
                        + "stage 0 places", t, j, task);
            }
            for (String task : here) {
                checkArgument(first.contains(task), "branched tree '%s': task '%s' is at stage %s but not at "
                        + "stage 0", t, task, j);
            }
            for (List<String> branch : stages.get(j)) {
                int parent = branchOf(j - 1, branch.get(0));
                for (String task : branch) {
                    int p = branchOf(j - 1, task);
                    checkArgument(p == parent, "branched tree '%s': branch '%s' of stage %s straddles branches "
                            + "'%s' and '%s' of stage %s (each branch must lie inside one branch of the stage "
                            + "before)", t, String.join("+", branch), j, String.join("+", stages.get(j - 1)
                            .get(parent)), String.join("+", stages.get(j - 1).get(p)), j - 1);
                }
            }
        }
    }

    private List<String> tasksOf(int stage) {
        List<String> out = new ArrayList<>();
        for (List<String> branch : stages.get(stage)) {
            out.addAll(branch);
        }
        return out;
    }

    /**
     * Checks the tree against a network: the tasks of the tree must be exactly the network's, and it must have one
     * partition per encoder stage.
     *
     * @param tasks the network's tasks, in output order
     * @param stageCount the encoder's number of stages
     * @param encoder the encoder's description, for the message
     * @return the same tree in canonical order: tasks in the network's order, branches by their first task
     * @throws IllegalArgumentException naming an unknown or missing task, or the numbers of stages
     */
    public BranchTree validate(List<String> tasks, int stageCount, String encoder) {
        for (String task : tasksOf(0)) {
            checkArgument(tasks.contains(task), "branched tree '%s': unknown task '%s' (the tasks are %s)", text,
                    task, String.join(", ", tasks));
        }
        for (String task : tasks) {
            checkArgument(tasksOf(0).contains(task), "branched tree '%s': task '%s' is missing (every stage must "
                    + "place every task)", text, task);
        }
        checkArgument(stages.size() == stageCount, "branched tree '%s' has %s stages but encoder %s has %s: give "
                + "one partition per stage, separated by '|'", text, stages.size(), encoder, stageCount);
        List<int[]> labels = new ArrayList<>();
        for (int j = 0; j < stages.size(); j++) {
            int[] l = new int[tasks.size()];
            for (int k = 0; k < tasks.size(); k++) {
                l[k] = branchOf(j, tasks.get(k));
            }
            labels.add(l);
        }
        return of(tasks, labels);
    }

    /** @return the number of stages */
    public int stageCount() {
        return stages.size();
    }

    /**
     * @param stage the stage
     * @return the branches of the stage, each the list of its tasks
     */
    public ImmutableList<ImmutableList<String>> branches(int stage) {
        checkArgument(stage >= 0 && stage < stages.size(), "stage %s out of range [0, %s)", stage, stages.size());
        return stages.get(stage);
    }

    /**
     * @return the tasks: in the network's order for a {@link #validate validated} tree or one made by {@link #of},
     *     in the order of the first stage for a parsed one
     */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /**
     * @param stage the stage
     * @param task a task of the tree
     * @return the index of the branch that serves the task at that stage
     */
    public int branchOf(int stage, String task) {
        List<ImmutableList<String>> branches = branches(stage);
        for (int b = 0; b < branches.size(); b++) {
            if (branches.get(b).contains(task)) {
                return b;
            }
        }
        throw new IllegalArgumentException("task '" + task + "' is not in branched tree '" + text + "'");
    }

    /**
     * @param stage a stage after the first
     * @param branch a branch of that stage
     * @return the index of the branch of the stage before that it reads
     */
    public int parentOf(int stage, int branch) {
        checkArgument(stage > 0, "the branches of stage 0 read the input");
        return branchOf(stage - 1, branches(stage).get(branch).get(0));
    }

    /**
     * @return the total number of branches over all stages: the encoder's size in columns, stage by stage
     */
    public int branchCount() {
        return stages.stream().mapToInt(List::size).sum();
    }

    /** @return whether every stage has a single branch (hard parameter sharing) */
    public boolean fullyShared() {
        return stages.stream().allMatch(s -> s.size() == 1);
    }

    /** @return the tree in the syntax {@link #parse} reads, for example {@code a+b+c|a+b/c} */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BranchTree other && other.stages.equals(stages);
    }

    @Override
    public int hashCode() {
        return stages.hashCode();
    }
}
