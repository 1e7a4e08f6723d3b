package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Branched multi-task networks ({@link BranchedBlock}) as an {@link Architecture}: with a tree given by hand, or
 * with the tree {@link BranchedTrees} chooses from task affinities under a budget when the network is created
 * (the tasks, the encoder and the input resolution are known then).
 *
 * <p>Specs ({@link #parse}; the options are {@code key=value} pairs separated by {@code ','}):
 * <ul>
 *   <li>{@code branched:tree=TREE[,head=H]} — the tree in {@link BranchTree}'s syntax, for example
 *       {@code branched:tree=seg+dep+nrm|seg+dep/nrm};
 *   <li>{@code branched:affinity=FILE,budget=B[,macs=M][,head=H]} — the tree of lowest task dissimilarity whose
 *       encoder has at most {@code B} parameters ({@code 2.5x}: 2.5 times one encoder; {@code 120000}: absolute) and
 *       at most {@code M} multiply-adds per sample; {@code FILE} is {@code mtl affinity}'s {@code affinity.csv}, a
 *       study's {@code pairwise.csv} or per-stage dissimilarities ({@link TaskDissimilarity#read}), its path
 *       without {@code ','}.
 * </ul>
 * {@code H} is the hidden width of the task heads (default {@value Architectures#DEFAULT_HEAD_WIDTH}). Once a
 * network is created, {@link #spec()} is the tree form with the tree that was used ({@code branched:tree=…}), so
 * that a saved model reloads without the affinity file, and {@link #lastPlan()} reports the tree and its cost.
 *
 * <p>The encoder must be built in stages ({@link StagedEncoderFactory}: {@code resnet}, {@code mlp}); any other
 * design is refused. Gradient modes: all when the tree shares the whole encoder, otherwise loss-only and parameter
 * mode (see {@link BranchedBlock}).
 */
public final class BranchedArchitecture implements Architecture {

    /** The command-line name. */
    public static final String NAME = "branched";

    private final BranchTree tree;
    private final Path affinityFile;
    private final TaskDissimilarity dissimilarity;
    private final BranchedTrees.Budget budget;
    private final int headWidth;
    private volatile BranchedTrees.Plan plan;

    private BranchedArchitecture(BranchTree tree, Path affinityFile, TaskDissimilarity dissimilarity,
            BranchedTrees.Budget budget, int headWidth) {
        BlockArchitecture.checkHeadWidth(headWidth);
        this.tree = tree;
        this.affinityFile = affinityFile;
        this.dissimilarity = dissimilarity;
        this.budget = budget;
        this.headWidth = headWidth;
    }

    /**
     * A branched network with a tree given by hand.
     *
     * @param tree the tree, in {@link BranchTree}'s syntax
     * @param headWidth the hidden width of every task head
     * @return the architecture
     * @throws IllegalArgumentException naming the culprit of a malformed tree
     */
    public static BranchedArchitecture withTree(String tree, int headWidth) {
        return new BranchedArchitecture(BranchTree.parse(tree), null, null, null, headWidth);
    }

    /**
     * A branched network whose tree is chosen from an affinity or dissimilarity file when the network is created.
     *
     * @param file the file ({@link TaskDissimilarity#read})
     * @param budget the budget
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static BranchedArchitecture fromAffinity(Path file, BranchedTrees.Budget budget, int headWidth) {
        return new BranchedArchitecture(null, checkNotNull(file, "file"), null, checkNotNull(budget, "budget"),
                headWidth);
    }

    /**
     * A branched network whose tree is chosen from measured dissimilarities (for example {@link Rsa#measure}) when
     * the network is created.
     *
     * @param dissimilarity the dissimilarities, over the network's tasks
     * @param budget the budget
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static BranchedArchitecture fromDissimilarity(TaskDissimilarity dissimilarity,
            BranchedTrees.Budget budget, int headWidth) {
        return new BranchedArchitecture(null, null, checkNotNull(dissimilarity, "dissimilarity"),
                checkNotNull(budget, "budget"), headWidth);
    }

    /**
     * Parses a spec of the class description.
     *
     * @param spec {@code branched:tree=…} or {@code branched:affinity=…,budget=…}, with optional {@code head=}
     * @return the architecture
     * @throws IllegalArgumentException naming the spec and the bad or missing option
     */
    public static BranchedArchitecture parse(String spec) {
        checkNotNull(spec, "spec");
        String[] parts = spec.split(":", 2);
        checkArgument(parts[0].equals(NAME), "'%s' is not a branched-network spec", spec);
        checkArgument(parts.length == 2 && !parts[1].isBlank(), "architecture '%s' needs tree=TREE (for example "
                + "branched:tree=a+b+c|a+b/c) or affinity=FILE,budget=B (for example "
                + "branched:affinity=affinity.csv,budget=2x)", spec);
        Map<String, String> o = new LinkedHashMap<>();
        for (String kv : parts[1].split(",")) {
            String[] p = kv.split("=", 2);
            checkArgument(p.length == 2, "architecture '%s': option '%s' is not key=value", spec, kv);
            checkArgument(o.put(p[0].strip(), p[1].strip()) == null, "architecture '%s': option '%s' is given "
                    + "twice", spec, p[0].strip());
        }
        int head = Architectures.DEFAULT_HEAD_WIDTH;
        String h = o.remove("head");
        if (h != null) {
            try {
                head = Integer.parseInt(h);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("architecture '" + spec + "': head=" + h + " is not a whole "
                        + "number", e);
            }
        }
        String t = o.remove("tree");
        String file = o.remove("affinity");
        String params = o.remove("budget");
        String macs = o.remove("macs");
        checkArgument(o.isEmpty(), "architecture '%s': unknown options %s (branched takes tree, affinity, budget, "
                + "macs, head)", spec, o.keySet());
        if (t != null) {
            checkArgument(file == null && params == null && macs == null, "architecture '%s': give either tree= or "
                    + "affinity= with budget=, not both", spec);
            return withTree(t, head);
        }
        checkArgument(file != null, "architecture '%s' needs tree=TREE or affinity=FILE,budget=B", spec);
        checkArgument(params != null || macs != null, "architecture '%s': affinity= needs a budget, budget=B "
                + "(parameters: 2.5x one encoder, or a number) and/or macs=M (multiply-adds)", spec);
        BranchedTrees.Budget b = new BranchedTrees.Budget(
                params == null ? BranchedTrees.Limit.NONE : BranchedTrees.Limit.parse(params),
                macs == null ? BranchedTrees.Limit.NONE : BranchedTrees.Limit.parse(macs));
        return fromAffinity(Path.of(file), b, head);
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * @return {@code branched:tree=…,head=H}: for a given tree the tree as given, for a tree to choose the tree of
     *     the network created last; before the first, {@code branched:affinity=FILE,budget=B[,macs=M],head=H}
     */
    @Override
    public String spec() {
        BranchedTrees.Plan p = plan;
        if (tree != null || p != null) {
            return NAME + ":tree=" + (tree != null ? tree : p.tree()) + ",head=" + headWidth;
        }
        StringBuilder sb = new StringBuilder(NAME + ":");
        sb.append(affinityFile != null ? "affinity=" + affinityFile : "dissimilarity=" + dissimilarity.source());
        if (!budget.parameters().equals(BranchedTrees.Limit.NONE)) {
            sb.append(",budget=").append(budget.parameters());
        }
        if (!budget.multiplyAdds().equals(BranchedTrees.Limit.NONE)) {
            sb.append(",macs=").append(budget.multiplyAdds());
        }
        return sb.append(",head=").append(headWidth).toString();
    }

    /** @return the tree and cost of the network created last, empty before the first */
    public Optional<BranchedTrees.Plan> lastPlan() {
        return Optional.ofNullable(plan);
    }

    @Override
    public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
        Stages.imageInput("branched", inputShape);
        checkArgument(!tasks.isEmpty(), "branched needs at least one task");
        if (!(encoder instanceof StagedEncoderFactory staged)) {
            throw new IllegalArgumentException("branched networks copy the encoder stage by stage and need a staged "
                    + "encoder (resnet, mlp: a StagedEncoderFactory); encoder " + encoder.describe() + " is not");
        }
        checkArgument(staged.stageCount() > 0, "encoder %s has no stages", staged.describe());
        ImmutableList<String> names = tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
        BranchedTrees.ColumnCost column = BranchedTrees.ColumnCost.of(staged, inputShape);
        BranchedTrees.Plan p;
        if (tree != null) {
            p = BranchedTrees.describe(tree.validate(names, staged.stageCount(), staged.describe()), column, null);
        } else {
            TaskDissimilarity d = dissimilarity;
            if (d == null) {
                try {
                    d = TaskDissimilarity.read(affinityFile);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the affinity file " + affinityFile, e);
                }
            }
            p = BranchedTrees.best(d.reorder(names), column, budget);
        }
        MultiTaskBlock block = new BranchedBlock(inputShape, tasks, staged, p.tree(), headWidth);
        plan = p;
        return block;
    }

    @Override
    public String toString() {
        return NAME;
    }
}
