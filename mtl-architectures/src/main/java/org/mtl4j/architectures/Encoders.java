package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.Arrays;
import org.mtl4j.core.model.EncoderFactory;

/**
 * Static factories of encoder designs.
 *
 * <ul>
 *   <li>{@link #resNet(int)}: a small ResNet-style convolutional encoder for images (He et al., CVPR 2016):
 *       a stride-2 stem, a residual block, a stride-2 transition to twice the width and a second residual block;
 *       {@code (N, C, H, W) → (N, 2w, H/4, W/4)}. About 45 M multiply-adds per 64×64 image at {@code w = 32}.
 *   <li>{@link #mlp(int...)}: a multi-layer perceptron for vector and tabular inputs, {@code (N, F) → (N, h_last)}.
 * </ul>
 *
 * <p>Both return a {@link StagedEncoderFactory} (declared as {@link EncoderFactory}), so cross-stitch networks and MTAN can act between their stages:
 * the ResNet has two stages (stem + residual block at {@code w} channels and {@code H/2}; transition + residual
 * block at {@code 2w} channels and {@code H/4}), the MLP one stage per layer.
 */
public final class Encoders {

    private Encoders() {}

    /**
     * The design the {@code mtl} programs use for an input: {@link #resNet(int) resNet(width)} for images
     * {@code (C, H, W)}, {@link #mlp(int...) mlp(8·width, 4·width)} for vectors.
     *
     * @param input one input's shape, without the batch axis
     * @param width the encoder width
     * @return the encoder design
     */
    public static EncoderFactory forInput(Shape input, int width) {
        return input.dimension() == 3 ? resNet(width) : mlp(8 * width, 4 * width);
    }

    /**
     * The small ResNet-style image encoder.
     *
     * @param width the stem width {@code w}; the output has {@code 2w} channels
     * @return the encoder design
     */
    public static EncoderFactory resNet(int width) {
        checkArgument(width > 0, "encoder width must be positive, got %s", width);
        return new StagedEncoderFactory() {
            @Override
            public Block create() {
                return new SequentialBlock()
                        .add(conv(width, 3, 2))
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(new ResidualBlock(width))
                        .add(conv(2 * width, 3, 2))
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(new ResidualBlock(2 * width));
            }

            @Override
            public int stageCount() {
                return 2;
            }

            @Override
            public Block createStageFront(int stage) {
                return new SequentialBlock()
                        .add(conv(stageChannels(stage), 3, 2))
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu);
            }

            @Override
            public Block createStageBack(int stage) {
                return new ResidualBlock(stageChannels(stage));
            }

            @Override
            public int stageChannels(int stage) {
                checkArgument(stage == 0 || stage == 1, "the ResNet encoder has stages 0 and 1, not %s", stage);
                return stage == 0 ? width : 2 * width;
            }

            @Override
            public int outputChannels() {
                return 2 * width;
            }

            @Override
            public int downsampling() {
                return 4;
            }

            @Override
            public String describe() {
                return "resnet(width=" + width + ")";
            }

            @Override
            public String spec() {
                return "resnet:" + width;
            }
        };
    }

    /**
     * A multi-layer perceptron with ReLU between layers.
     *
     * @param hidden the widths of the layers, each positive; the last is the feature size
     * @return the encoder design
     */
    public static EncoderFactory mlp(int... hidden) {
        checkArgument(hidden.length > 0, "an MLP encoder needs at least one layer");
        for (int h : hidden) {
            checkArgument(h > 0, "MLP layer widths must be positive, got %s", Arrays.toString(hidden));
        }
        int[] widths = hidden.clone();
        return new StagedEncoderFactory() {
            @Override
            public Block create() {
                SequentialBlock b = new SequentialBlock();
                for (int w : widths) {
                    b.add(Linear.builder().setUnits(w).build()).add(Activation::relu);
                }
                return b;
            }

            @Override
            public int stageCount() {
                return widths.length;
            }

            @Override
            public Block createStageFront(int stage) {
                return new SequentialBlock().add(Linear.builder().setUnits(stageChannels(stage)).build())
                        .add(Activation::relu);
            }

            @Override
            public Block createStageBack(int stage) {
                stageChannels(stage);
                return Blocks.identityBlock();
            }

            @Override
            public int stageChannels(int stage) {
                checkArgument(stage >= 0 && stage < widths.length, "the MLP encoder has stages 0 to %s, not %s",
                        widths.length - 1, stage);
                return widths[stage];
            }

            @Override
            public int outputChannels() {
                return widths[widths.length - 1];
            }

            @Override
            public int downsampling() {
                return 1;
            }

            @Override
            public String describe() {
                return "mlp" + Arrays.toString(widths);
            }

            @Override
            public String spec() {
                return "mlp:" + String.join(",", Arrays.stream(widths).mapToObj(Integer::toString).toList());
            }
        };
    }

    static Conv2d conv(int filters, int kernel, int stride) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride)).optPadding(new Shape(kernel / 2, kernel / 2)).optBias(false)
                .build();
    }
}
