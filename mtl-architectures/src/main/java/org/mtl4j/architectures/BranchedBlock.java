package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * A branched multi-task network (Vandenhende, Georgoulis, De Brabandere and Van Gool, BMVC 2020, "Branched
 * Multi-Task Networks: Deciding What Layers to Share"): the encoder's stages are copied once per branch of a
 * {@link BranchTree}, so that tasks share the early stages and split into task groups, and finally single tasks,
 * deeper down.
 *
 * <p>With {@code P_j} the partition of the tasks at stage {@code j} and {@code B ∈ P_j} a branch,
 * {@code h_B^j = stage_j^B(h_{B'}^{j−1})} where {@code B'} is the branch of {@code P_{j−1}} that contains {@code B}
 * (and {@code h^{−1} = x}); head {@code k} reads {@code h_B^{L−1}} for the last-stage branch {@code B ∋ k}. Each
 * branch of stage {@code j} is a fresh copy of the encoder's stage {@code j} ({@code front_j → back_j} of a
 * {@link StagedEncoderFactory}); the tree with one branch per stage is hard parameter sharing (same parameter
 * count) and the tree with one branch per task is K independent single-task networks. Choose a tree by hand
 * ({@code branched:tree=…}) or from task affinities under a parameter budget with {@link BranchedTrees}.
 *
 * <p><b>Sharing and gradient modes.</b> A single representation that every head reads exists only when the whole
 * encoder is shared; then {@link #encode} gives it and every gradient mode works. Otherwise {@link #encode} gives
 * one feature map per task (the output of its last-stage branch) and representation mode is rejected, as for
 * cross-stitch networks. In parameter mode the shared parameters are those of the branches that serve more than one
 * task: a branch of a single task depends on that task's loss alone, so, like a task head, it keeps its own task's
 * gradient. When no branch serves two tasks (independent columns, or a single task) the shared parameters are all
 * branches, as for soft sharing, so that parameter-mode strategies still have something to combine.
 *
 * <p>Saved parameters carry the tree: loading parameters saved from a block with another tree fails with a
 * message naming both trees.
 */
public final class BranchedBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final BranchTree tree;
    /** branches.get(j).get(b): branch b of stage j. */
    private final List<List<Block>> branches = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();

    /**
     * Creates the block.
     *
     * @param inputShape one sample's shape, {@code (C, H, W)} or {@code (F)}
     * @param tasks the tasks
     * @param encoder the staged encoder design
     * @param tree the tree, already {@link BranchTree#validate validated} against the tasks and the encoder
     * @param headWidth the hidden width of the task heads
     */
    BranchedBlock(Shape inputShape, ImmutableList<Task> tasks, StagedEncoderFactory encoder, BranchTree tree,
            int headWidth) {
        super(VERSION);
        boolean image = Stages.imageInput("branched", inputShape);
        this.tasks = tasks;
        this.tree = tree;
        checkArgument(tree.stageCount() == encoder.stageCount(), "branched tree '%s' has %s stages but encoder %s "
                + "has %s", tree, tree.stageCount(), encoder.describe(), encoder.stageCount());
        for (int j = 0; j < tree.stageCount(); j++) {
            List<Block> stage = new ArrayList<>();
            for (List<String> branch : tree.branches(j)) {
                stage.add(addChildBlock("stage" + j + "_" + String.join("+", branch), new SequentialBlock()
                        .add(encoder.createStageFront(j)).add(encoder.createStageBack(j))));
            }
            branches.add(stage);
            channels.add(encoder.stageChannels(j));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the tree, in canonical order (tasks in output order, branches by their first task) */
    public BranchTree tree() {
        return tree;
    }

    /** @return the number of encoder stages */
    public int stageCount() {
        return branches.size();
    }

    /**
     * The block of one branch: a copy of the encoder's stage.
     *
     * @param stage the stage
     * @param branch the branch, an index into {@code tree().branches(stage)}
     * @return the block
     */
    public Block branch(int stage, int branch) {
        checkArgument(stage >= 0 && stage < branches.size(), "stage %s out of range [0, %s)", stage,
                branches.size());
        checkArgument(branch >= 0 && branch < branches.get(stage).size(), "stage %s has branches [0, %s), not %s",
                stage, branches.get(stage).size(), branch);
        return branches.get(stage).get(branch);
    }

    /**
     * Runs the encoder and returns every stage's output for every task: the features that representation
     * similarity analysis ({@link Rsa}) compares. Tasks that share a branch at a stage get the same array.
     *
     * @param ps the parameter store
     * @param inputs the inputs
     * @param training whether this is a training pass
     * @return {@code out.get(j).get(k)}: the output of task {@code k}'s branch at stage {@code j}
     */
    public List<NDList> stageOutputs(ParameterStore ps, NDList inputs, boolean training) {
        List<NDList> out = new ArrayList<>();
        NDList previous = null;
        for (int j = 0; j < branches.size(); j++) {
            NDList current = new NDList(branches.get(j).size());
            for (int b = 0; b < branches.get(j).size(); b++) {
                NDList in = previous == null ? inputs : new NDList(previous.get(tree.parentOf(j, b)));
                current.add(branches.get(j).get(b).forward(ps, in, training).singletonOrThrow());
            }
            NDList perTask = new NDList(tasks.size());
            for (Task t : tasks) {
                perTask.add(current.get(tree.branchOf(j, t.name())));
            }
            out.add(perTask);
            previous = current;
        }
        return out;
    }

    /**
     * Returns the shared representation when the whole encoder is shared (one array), otherwise the output of every
     * task's last-stage branch, in task order (tasks that share a branch get the same array).
     */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList previous = inputs;
        for (int j = 0; j < branches.size(); j++) {
            NDList current = new NDList(branches.get(j).size());
            for (int b = 0; b < branches.get(j).size(); b++) {
                NDList in = j == 0 ? inputs : new NDList(previous.get(tree.parentOf(j, b)));
                current.add(branches.get(j).get(b).forward(ps, in, training, params).singletonOrThrow());
            }
            previous = current;
        }
        if (hasSharedRepresentation()) {
            return previous;
        }
        int last = branches.size() - 1;
        NDList perTask = new NDList(tasks.size());
        for (Task t : tasks) {
            perTask.add(previous.get(tree.branchOf(last, t.name())));
        }
        return perTask;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList features = representation;
        if (representation.size() == 1 && tasks.size() > 1) {
            NDArray z = representation.singletonOrThrow();
            features = new NDList(tasks.size());
            for (int k = 0; k < tasks.size(); k++) {
                features.add(z);
            }
        }
        return Layers.perTaskHeads(ps, heads, tasks, features, inputs.head(), training, params);
    }

    /**
     * Returns the trainable parameters of the branches that serve more than one task, stage by stage; when no
     * branch does, those of all branches.
     */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (int j = 0; j < branches.size(); j++) {
            for (int b = 0; b < branches.get(j).size(); b++) {
                if (tree.branches(j).get(b).size() > 1) {
                    Layers.addTrainable(branches.get(j).get(b), shared);
                }
            }
        }
        if (shared.isEmpty()) {
            for (List<Block> stage : branches) {
                for (Block branch : stage) {
                    Layers.addTrainable(branch, shared);
                }
            }
        }
        return shared;
    }

    /** @return true when every stage has a single branch (the tree of hard parameter sharing) */
    @Override
    public boolean hasSharedRepresentation() {
        return tree.fullyShared();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Stages.initializeColumns(manager, dataType, branches, channels, heads, inputShapes);
    }

    /** Writes the input shapes and the tree, so that parameters only load into a block of the same tree. */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        saveInputShapes(os);
        os.writeUTF(tree.toString());
    }

    @Override
    public void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("cannot load branched-network parameters of version " + loadVersion
                    + "; this mtl4j reads version " + VERSION);
        }
        readInputShapes(is);
        String saved = is.readUTF();
        if (!saved.equals(tree.toString())) {
            throw new MalformedModelException("the parameters were saved from branched tree '" + saved
                    + "' but this network has tree '" + tree + "'");
        }
    }
}
