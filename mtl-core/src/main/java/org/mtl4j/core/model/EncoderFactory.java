package org.mtl4j.core.model;

import ai.djl.nn.Block;

/**
 * Makes fresh, uninitialised encoder blocks of one design; architectures call it once per column or expert.
 *
 * <p>An encoder maps an image {@code (N, C_in, H, W)} to a feature map {@code (N, outputChannels, H/d, W/d)}
 * with {@code d = downsampling()}, or a vector input {@code (N, F)} to features {@code (N, outputChannels)}.
 */
public interface EncoderFactory {

    /** @return a new encoder block */
    Block create();

    /** @return the channels of the features the encoder gives */
    int outputChannels();

    /** @return the spatial downsampling factor of dense inputs (1 for vector inputs) */
    int downsampling();

    /** @return a short description for logs and result files */
    String describe();

    /**
     * The design with every option, from which {@link ModelComponents} can make it again, for example
     * {@code resnet:16}. Saved models record it.
     *
     * @return the spec (by default the description)
     */
    default String spec() {
        return describe();
    }
}
