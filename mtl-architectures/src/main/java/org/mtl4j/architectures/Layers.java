package org.mtl4j.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.util.List;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * Layers that act on feature maps {@code (N, C, H, W)} as convolutions and on feature vectors {@code (N, F)} as
 * fully connected layers, so that one architecture definition serves images and tabular data.
 */
final class Layers {

    private Layers() {}

    /**
     * A {@code k×k} convolution with padding {@code k/2} on maps, a fully connected layer on vectors.
     *
     * @param image whether the features are maps
     * @param channels the output channels or features
     * @param kernel the kernel size (maps only)
     * @param stride the stride (maps only)
     * @param bias whether the layer has a bias
     * @return the block
     */
    static Block projection(boolean image, int channels, int kernel, int stride, boolean bias) {
        if (!image) {
            return Linear.builder().setUnits(channels).optBias(bias).build();
        }
        return Conv2d.builder().setFilters(channels).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).optBias(bias)
                .build();
    }

    /**
     * {@code projection (no bias) → batch norm}.
     *
     * @param image whether the features are maps
     * @param channels the output channels
     * @param kernel the kernel size (maps only)
     * @param stride the stride (maps only)
     * @return the block
     */
    static SequentialBlock projectionNorm(boolean image, int channels, int kernel, int stride) {
        return new SequentialBlock().add(projection(image, channels, kernel, stride, false))
                .add(BatchNorm.builder().build());
    }

    /**
     * Brings dense predictions to the input resolution; leaves per-sample predictions as they are.
     *
     * @param task the task
     * @param y the prediction
     * @param input the input batch
     * @return the prediction at the input resolution
     */
    static NDArray toInputResolution(Task task, NDArray y, NDArray input) {
        if (task.kind() != OutputKind.DENSE) {
            return y;
        }
        Shape in = input.getShape();
        return TaskHeads.upsample(y, in.get(2), in.get(3));
    }

    /**
     * Applies each task's head to that task's own features and brings the prediction to the input resolution:
     * {@code y_k = head_k(z_k)}, the decoder of every architecture with one representation per task.
     *
     * @param ps the parameter store
     * @param heads the heads, in task order
     * @param tasks the tasks
     * @param features {@code z_k} per task, in task order
     * @param input the input batch
     * @param training whether training
     * @param params extra parameters
     * @return the predictions, in task order
     */
    static NDList perTaskHeads(ParameterStore ps, List<Block> heads, List<Task> tasks, NDList features,
            NDArray input, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray y = heads.get(k).forward(ps, new NDList(features.get(k)), training, params).singletonOrThrow();
            out.add(toInputResolution(tasks.get(k), y, input));
        }
        return out;
    }

    /**
     * The output shape of every task's prediction, for {@code getOutputShapes}.
     *
     * @param task the task
     * @param input the input batch shape
     * @return {@code (N, C, H, W)} for dense tasks, {@code (N, C)} for per-sample tasks
     */
    static Shape predictionShape(Task task, Shape input) {
        return task.kind() == OutputKind.DENSE ? new Shape(input.get(0), task.channels(), input.get(2), input.get(3))
                : new Shape(input.get(0), task.channels());
    }

    /**
     * The output shapes of all tasks' predictions, in task order, for {@code getOutputShapes}.
     *
     * @param tasks the tasks
     * @param input the input batch shape
     * @return one {@link #predictionShape} per task
     */
    static Shape[] predictionShapes(java.util.List<Task> tasks, Shape input) {
        Shape[] out = new Shape[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            out[k] = predictionShape(tasks.get(k), input);
        }
        return out;
    }

    /**
     * Appends the trainable parameters of a block (no batch-norm running statistics), in the block's order.
     *
     * @param block the block
     * @param out the list to append to
     */
    static void addTrainable(Block block, List<Parameter> out) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
        }
    }
}
