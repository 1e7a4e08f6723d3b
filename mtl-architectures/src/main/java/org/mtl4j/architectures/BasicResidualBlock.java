package org.mtl4j.architectures;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * ResNet's basic block with an optional projection shortcut (He et al., CVPR 2016), on feature maps or vectors:
 * {@code y = ReLU(BN(conv3×3(ReLU(BN(conv3×3(x))))) + s(x))} with {@code s} the identity when the input already has
 * {@code out} channels and {@code BN(conv1×1(x))} otherwise (on vectors, fully connected layers); the reference's
 * {@code BasicBlock(in, out, downsample)} at stride 1, which MTI-Net's refinement and propagation modules use.
 */
final class BasicResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int out;
    private final Block body;
    private final Block shortcut;

    BasicResidualBlock(boolean image, int in, int out) {
        super(VERSION);
        this.out = out;
        body = addChildBlock("body", Layers.projectionNorm(image, out, 3, 1).add(Activation::relu)
                .add(Layers.projectionNorm(image, out, 3, 1)));
        shortcut = in == out ? null : addChildBlock("shortcut", Layers.projectionNorm(image, out, 1, 1));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList y = body.forward(ps, inputs, training, params);
        NDList s = shortcut == null ? inputs : shortcut.forward(ps, inputs, training, params);
        return new NDList(Activation.relu(y.singletonOrThrow().add(s.singletonOrThrow())));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long[] dims = inputShapes[0].getShape().clone();
        dims[1] = out;
        return new Shape[] {new Shape(dims)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}
