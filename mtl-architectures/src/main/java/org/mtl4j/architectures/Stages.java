package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import org.mtl4j.core.model.EncoderFactory;

/** Helpers for staged encoders and for layers that work on both feature maps and feature vectors. */
final class Stages {

    private Stages() {}

    /**
     * Views an encoder design as a staged one: a {@link StagedEncoderFactory} as it is, any other design as a single
     * stage whose back block is the identity.
     *
     * @param factory the encoder design
     * @return the staged view
     */
    static StagedEncoderFactory of(EncoderFactory factory) {
        if (factory instanceof StagedEncoderFactory) {
            StagedEncoderFactory staged = (StagedEncoderFactory) factory;
            checkArgument(staged.stageCount() > 0, "encoder %s has no stages", staged.describe());
            return staged;
        }
        return new StagedEncoderFactory() {
            @Override
            public int stageCount() {
                return 1;
            }

            @Override
            public Block createStageFront(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return factory.create();
            }

            @Override
            public Block createStageBack(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return Blocks.identityBlock();
            }

            @Override
            public int stageChannels(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return factory.outputChannels();
            }

            @Override
            public Block create() {
                return factory.create();
            }

            @Override
            public int outputChannels() {
                return factory.outputChannels();
            }

            @Override
            public int downsampling() {
                return factory.downsampling();
            }

            @Override
            public String describe() {
                return factory.describe();
            }
        };
    }

    /**
     * Prepends the batch axis to one sample's shape.
     *
     * @param sample the sample shape
     * @param batch the batch size
     * @return {@code (batch, sample...)}
     */
    static Shape batched(Shape sample, long batch) {
        long[] dims = new long[sample.dimension() + 1];
        dims[0] = batch;
        System.arraycopy(sample.getShape(), 0, dims, 1, sample.dimension());
        return new Shape(dims);
    }

    /**
     * Checks that an architecture gets images {@code (C, H, W)} or vectors {@code (F)}.
     *
     * @param architecture the architecture name, for the message
     * @param inputShape one sample's shape
     * @return whether the input is an image
     */
    static boolean imageInput(String architecture, Shape inputShape) {
        checkArgument(inputShape.dimension() == 3 || inputShape.dimension() == 1,
                "%s takes images (C, H, W) or vectors (F), got input shape %s", architecture, inputShape);
        return inputShape.dimension() == 3;
    }
}
