package org.mtl4j.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * Task heads shared by the architectures: a dense head {@code conv3×3(h) → ReLU → conv1×1(C)} whose output the
 * architecture upsamples bilinearly to the input resolution ({@code Conv2dTranspose} has no forward pass in DJL's
 * PyTorch engine), and a pooled head {@code global average pool → Linear(h) → ReLU → Linear(C)} for per-sample
 * outputs. On vector features the dense head is not defined and the pooled head skips the pooling.
 */
final class TaskHeads {

    private TaskHeads() {}

    static Block create(Task task, int hidden, boolean imageFeatures) {
        if (task.kind() == OutputKind.DENSE) {
            if (!imageFeatures) {
                throw new IllegalArgumentException(String.format(
                        "task '%s' predicts a dense map, which needs an image encoder; the encoder gives vectors",
                        task.name()));
            }
            return new SequentialBlock()
                    .add(Conv2d.builder().setFilters(hidden).setKernelShape(new Shape(3, 3))
                            .optPadding(new Shape(1, 1)).build())
                    .add(Activation::relu)
                    .add(Conv2d.builder().setFilters(task.channels()).setKernelShape(new Shape(1, 1)).build());
        }
        SequentialBlock b = new SequentialBlock();
        if (imageFeatures) {
            b.add(Pool.globalAvgPool2dBlock());
        }
        return b.add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(hidden).build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(task.channels()).build());
    }

    /**
     * Upsamples an NCHW map bilinearly (PyTorch {@code align_corners=False}) to {@code h × w}.
     *
     * @param x the map
     * @param h the target height
     * @param w the target width
     * @return the upsampled map, or {@code x} when it already has that size
     */
    static NDArray upsample(NDArray x, long h, long w) {
        Shape s = x.getShape();
        if (s.get(2) == h && s.get(3) == w) {
            return x;
        }
        return x.getNDArrayInternal().interpolation(new long[] {h, w}, 1, false);
    }
}
