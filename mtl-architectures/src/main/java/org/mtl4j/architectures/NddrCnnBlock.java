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
 * NDDR-CNN (Gao, Ma, Zhao, Liu and Yuille, CVPR 2019, "NDDR-CNN: Layerwise Feature Fusing in Multi-Task CNNs by
 * Neural Discriminative Dimensionality Reduction"): one encoder column per task, and after every encoder stage an
 * NDDR layer that fuses the columns by a learnable 1×1 convolution over their concatenated features.
 *
 * <p>With {@code x_k^j} the output of stage {@code j} of column {@code k} ({@code C_j} channels):
 * {@code x̃_k^j = ReLU(BN(W_k^j ⊛ [x_1^j ; … ; x_K^j]))}, {@code W_k^j} a 1×1 convolution {@code K·C_j → C_j}, and
 * stage {@code j+1} of column {@code k} reads {@code x̃_k^j}; head {@code k} reads the last fused output of column
 * {@code k}. {@code W_k^j} starts at the paper's diagonal initialisation: {@code α} on channel {@code c} of the
 * task's own column and {@code β} on channel {@code c} of every other column into output channel {@code c}, zero
 * elsewhere (reference {@code α = 0.9, β = 0.1}; the PASCAL configurations use 0.8 and 0.05). So NDDR starts where
 * cross-stitch starts, with independent columns that lean on each other a little, but a 1×1 convolution can also
 * mix channels across tasks (cross-stitch only weighs the same channel), and the batch norm and ReLU make the fusion
 * non-linear. The batch norm uses PyTorch momentum 0.05, as the reference (Vandenhende et al.,
 * {@code models/nddr_cnn.py}); the reference also trains the NDDR layers with a 100× learning rate and SGD, which
 * mtl4j's single optimiser does not replicate.
 *
 * <p>Use it where cross-stitch networks fit (you do not know at which depth the tasks should split) and the tasks
 * may need different channels from each other, at the cost of K encoders plus {@code K²·C_j²} weights per stage.
 * It needs an encoder with stages ({@link StagedEncoderFactory}: {@link Encoders#resNet(int)} has 2,
 * {@link Encoders#mlp(int...)} one per layer, where the layers are fully connected). Heads read task-specific
 * columns, so there is no single shared representation and representation-mode gradient strategies are rejected; in
 * parameter mode the shared parameters are all columns and all NDDR layers (cross-stitch's choice), through which
 * every task's loss reaches every column.
 */
public final class NddrCnnBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    /** stages.get(j).get(k): stage j of column k. */
    private final List<List<Block>> stages = new ArrayList<>();
    private final List<NddrLayer> layers = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();

    NddrCnnBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth,
            double alpha, double beta) {
        super(VERSION);
        checkArgument(Double.isFinite(alpha) && Double.isFinite(beta),
                "NDDR initial weights must be finite, got alpha %s and beta %s", alpha, beta);
        boolean image = Stages.imageInput("NDDR-CNN", inputShape);
        checkArgument(encoderFactory instanceof StagedEncoderFactory,
                "NDDR-CNN fuses the columns between encoder stages and needs an encoder with stages (resnet, mlp); "
                        + "encoder %s has none", encoderFactory.describe());
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
            layers.add(addChildBlock("nddr" + j, new NddrLayer(tasks.size(), staged.stageChannels(j), image, alpha,
                    beta)));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of encoder stages, each followed by an NDDR layer */
    public int stageCount() {
        return stages.size();
    }

    /**
     * Returns a copy of the current 1×1 convolution of one task's NDDR layer at a stage.
     *
     * @param stage the stage
     * @param task the task index
     * @return {@code w[c][l][d]}: the weight from channel {@code d} of column {@code l} into output channel {@code c}
     */
    public float[][][] fusion(int stage, int task) {
        checkArgument(stage >= 0 && stage < layers.size(), "stage %s out of range [0, %s)", stage, layers.size());
        checkArgument(task >= 0 && task < tasks.size(), "task %s out of range [0, %s)", task, tasks.size());
        Parameter w = layers.get(stage).projectionWeight(task);
        checkState(w.isInitialized(), "the block is not initialised");
        float[] flat;
        if (w.getArray().getDataType() == DataType.FLOAT32) {
            flat = w.getArray().toFloatArray();
        } else {
            try (ai.djl.ndarray.NDArray f = w.getArray().toType(DataType.FLOAT32, true)) {
                flat = f.toFloatArray();
            }
        }
        int k = tasks.size();
        int c = channels.get(stage);
        float[][][] out = new float[c][k][c];
        for (int o = 0; o < c; o++) {
            for (int l = 0; l < k; l++) {
                System.arraycopy(flat, (o * k + l) * c, out[o][l], 0, c);
            }
        }
        return out;
    }

    /** @return the trainable parameters of the NDDR layers (1×1 convolutions and batch norms), all stages */
    public List<Parameter> nddrParameters() {
        List<Parameter> out = new ArrayList<>();
        for (NddrLayer layer : layers) {
            Layers.addTrainable(layer, out);
        }
        return out;
    }

    /** Returns the K column outputs after the last NDDR layer; column {@code k} is read by head {@code k}. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return Stages.forwardMixedColumns(ps, stages, layers, inputs, training, params);
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return Layers.perTaskHeads(ps, heads, tasks, representation, inputs.head(), training, params);
    }

    /** Returns the trainable parameters of all columns and all NDDR layers. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (int j = 0; j < stages.size(); j++) {
            for (Block column : stages.get(j)) {
                Layers.addTrainable(column, shared);
            }
            Layers.addTrainable(layers.get(j), shared);
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
        Stages.initializeMixedColumns(manager, dataType, stages, layers, channels, heads, inputShapes);
    }
}
