package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;

/**
 * An NDDR layer (Gao, Ma, Zhao, Liu and Yuille, CVPR 2019): the K task features of one stage are concatenated along
 * the channels and each task gets {@code ReLU(BN(conv1×1(concat)))} with {@code K·C → C} channels (a fully connected
 * layer on vectors). The 1×1 convolution of task {@code k} starts at the paper's diagonal initialisation: weight
 * {@code self} from channel {@code c} of task {@code k} and {@code other} from channel {@code c} of every other
 * task into output channel {@code c}, zero elsewhere; batch norm starts at the identity ({@code γ = 1, β = 0}) and
 * uses PyTorch momentum 0.05 (DJL momentum 0.95), as the reference.
 */
final class NddrLayer extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int tasks;
    private final int channels;
    private final List<Block> reductions = new ArrayList<>();
    private final List<Block> projections = new ArrayList<>();

    NddrLayer(int tasks, int channels, boolean image, double self, double other) {
        super(VERSION);
        checkArgument(tasks > 0 && channels > 0, "an NDDR layer needs tasks and channels, got %s and %s", tasks,
                channels);
        this.tasks = tasks;
        this.channels = channels;
        for (int k = 0; k < tasks; k++) {
            float[] init = diagonal(tasks, channels, k, self, other);
            Block projection = Layers.projection(image, channels, 1, 1, false);
            projection.setInitializer((manager, shape, dataType) -> EngineArrays.create(manager, init, shape)
                    .toType(dataType, false), Parameter.Type.WEIGHT);
            projections.add(projection);
            reductions.add(addChildBlock("task" + k, new SequentialBlock().add(projection)
                    .add(BatchNorm.builder().optMomentum(0.95f).build()).add(Activation::relu)));
        }
    }

    /**
     * The diagonal initialisation of task {@code k}'s {@code C × K·C} weight, row-major.
     *
     * @param tasks K
     * @param channels C
     * @param k the task
     * @param self the weight of the task's own channel
     * @param other the weight of the same channel of every other task
     * @return the weights
     */
    static float[] diagonal(int tasks, int channels, int k, double self, double other) {
        float[] w = new float[channels * tasks * channels];
        for (int c = 0; c < channels; c++) {
            for (int l = 0; l < tasks; l++) {
                w[c * tasks * channels + l * channels + c] = (float) (l == k ? self : other);
            }
        }
        return w;
    }

    /**
     * @param task the task
     * @return the trainable parameters of the task's 1×1 convolution (its weight)
     */
    Parameter projectionWeight(int task) {
        return projections.get(task).getParameters().get("weight");
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkArgument(inputs.size() == tasks, "the NDDR layer fuses %s columns, got %s", tasks, inputs.size());
        NDArray concat = tasks == 1 ? inputs.head() : NDArrays.concat(inputs, 1);
        checkArgument(concat.getShape().get(1) == (long) tasks * channels,
                "the NDDR layer expects %s channels per column, got %s in all", channels, concat.getShape().get(1));
        NDList out = new NDList(tasks);
        for (Block r : reductions) {
            out.add(r.forward(ps, new NDList(concat), training, params).singletonOrThrow());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long[] dims = inputShapes[0].getShape().clone();
        dims[1] = (long) tasks * channels;
        Shape concat = new Shape(dims);
        for (Block r : reductions) {
            r.initialize(manager, dataType, concat);
        }
    }
}
