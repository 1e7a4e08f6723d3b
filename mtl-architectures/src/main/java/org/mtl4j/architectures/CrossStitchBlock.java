package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

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
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Cross-stitch networks (Misra, Shrivastava, Gupta and Hebert, CVPR 2016, "Cross-stitch Networks for Multi-task
 * Learning"): one encoder column per task, and after every encoder stage a learnable cross-stitch unit that mixes
 * the columns' activations channel by channel.
 *
 * <p>With {@code x_k^j} the output of stage {@code j} of column {@code k}: {@code x̃_k^j = Σ_l α_{k,l}^j ⊙ x_l^j}
 * (per channel, {@code α^j ∈ R^{K×K×C_j}}), and stage {@code j+1} of column {@code k} reads {@code x̃_k^j}; head
 * {@code k} reads the last mixed output of column {@code k}. {@code α} starts near the identity (by default 0.9 on
 * the diagonal and {@code 0.1/(K−1)} elsewhere, so that every row sums to 1), i.e. near independent columns, and the
 * optimiser learns how much each task borrows from the others at each depth.
 *
 * <p>Use it when you do not know at which depth tasks should split: the units learn it, at the cost of K encoders.
 * The stages are those of a {@link StagedEncoderFactory} ({@link Encoders#resNet(int)}: 2, {@link Encoders#mlp(int...)}:
 * one per layer; any other encoder design counts as one stage). Heads read task-specific columns, so there is no
 * single shared representation and representation-mode gradient strategies are rejected; in parameter mode the
 * shared parameters are all columns and all cross-stitch units (LibMTL's choice), through which every task's loss
 * reaches every column.
 */
public final class CrossStitchBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    /** stages.get(j).get(k): stage j of column k. */
    private final List<List<Block>> stages = new ArrayList<>();
    private final List<CrossStitchUnit> units = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();

    CrossStitchBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth,
            double self, double other) {
        super(VERSION);
        checkArgument(Double.isFinite(self) && Double.isFinite(other),
                "cross-stitch weights must be finite, got self %s and other %s", self, other);
        boolean image = Stages.imageInput("cross-stitch", inputShape);
        this.tasks = tasks;
        StagedEncoderFactory staged = Stages.of(encoderFactory);
        for (int j = 0; j < staged.stageCount(); j++) {
            List<Block> stage = new ArrayList<>();
            for (Task t : tasks) {
                stage.add(addChildBlock("column_" + t.name() + "_stage" + j, new SequentialBlock()
                        .add(staged.createStageFront(j)).add(staged.createStageBack(j))));
            }
            stages.add(stage);
            channels.add(staged.stageChannels(j));
            units.add(addChildBlock("stitch" + j, new CrossStitchUnit(tasks.size(), staged.stageChannels(j), self,
                    other)));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of encoder stages, each followed by a cross-stitch unit */
    public int stageCount() {
        return stages.size();
    }

    /**
     * Returns a copy of the current mixing weights of a stage's cross-stitch unit.
     *
     * @param stage the stage
     * @return {@code α[k][l][c]}: how much of column {@code l}'s channel {@code c} flows into column {@code k}
     */
    public float[][][] mixing(int stage) {
        checkArgument(stage >= 0 && stage < units.size(), "stage %s out of range [0, %s)", stage, units.size());
        Parameter alpha = units.get(stage).alpha();
        checkState(alpha.isInitialized(), "the block is not initialised");
        float[] flat = alpha.getArray().toFloatArray();
        int k = tasks.size();
        int c = channels.get(stage);
        float[][][] out = new float[k][k][c];
        for (int i = 0; i < k; i++) {
            for (int l = 0; l < k; l++) {
                System.arraycopy(flat, (i * k + l) * c, out[i][l], 0, c);
            }
        }
        return out;
    }

    /** @return the cross-stitch parameters {@code α^j}, one per stage */
    public List<Parameter> crossStitchParameters() {
        List<Parameter> out = new ArrayList<>();
        for (CrossStitchUnit u : units) {
            out.add(u.alpha());
        }
        return out;
    }

    /** Returns the K column outputs after the last cross-stitch unit; column {@code k} is read by head {@code k}. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return Stages.forwardMixedColumns(ps, stages, units, inputs, training, params);
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return Layers.perTaskHeads(ps, heads, tasks, representation, inputs.head(), training, params);
    }

    /** Returns the trainable parameters of all columns and all cross-stitch units. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (int j = 0; j < stages.size(); j++) {
            for (Block column : stages.get(j)) {
                Layers.addTrainable(column, shared);
            }
            shared.add(units.get(j).alpha());
        }
        return shared;
    }

    @Override
    public boolean hasSharedRepresentation() {
        return false;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Stages.initializeMixedColumns(manager, dataType, stages, units, channels, heads, inputShapes);
    }
}
