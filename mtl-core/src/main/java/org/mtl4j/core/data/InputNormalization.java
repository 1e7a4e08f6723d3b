package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * How a data set turned raw pixel values into network inputs: {@code x_c = (v · scale − mean_c) / std_c} for channel
 * c. A saved model records it, so that inference on a raw image ({@code ImageTranslator}) feeds the network what it
 * was trained on.
 *
 * @param scale the factor on raw values, for example {@code 1/255} for 8-bit images
 * @param mean one mean per input channel (or one for all)
 * @param std one standard deviation per input channel (or one for all), each positive
 */
public record InputNormalization(float scale, float[] mean, float[] std) {

    /** Values used as they are. */
    public static final InputNormalization NONE = new InputNormalization(1f, new float[] {0f}, new float[] {1f});

    /** Validates the arrays. */
    public InputNormalization {
        checkArgument(Float.isFinite(scale) && scale != 0, "normalisation scale must be finite and non-zero, got %s",
                scale);
        checkArgument(mean.length > 0 && mean.length == std.length,
                "normalisation needs as many means as standard deviations, got %s and %s", mean.length, std.length);
        for (float s : std) {
            checkArgument(s > 0 && Float.isFinite(s), "normalisation standard deviations must be positive, got %s",
                    Arrays.toString(std));
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * 8-bit images divided by 255, then standardised.
     *
     * @param mean per-channel means of {@code v/255}
     * @param std per-channel standard deviations of {@code v/255}
     * @return the normalisation
     */
    public static InputNormalization bytes(float[] mean, float[] std) {
        return new InputNormalization(1f / 255, mean, std);
    }

    /**
     * Applies the normalisation to one channel's value.
     *
     * @param channel the channel
     * @param raw the raw value
     * @return the network input
     */
    public float apply(int channel, float raw) {
        return (raw * scale - mean(channel)) / std(channel);
    }

    /**
     * @param channel an input channel
     * @return its mean (the single mean when one is given for all channels)
     */
    public float mean(int channel) {
        return mean[mean.length == 1 ? 0 : channel];
    }

    /**
     * @param channel an input channel
     * @return its standard deviation (the single one when one is given for all channels)
     */
    public float std(int channel) {
        return std[std.length == 1 ? 0 : channel];
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputNormalization n && n.scale == scale && Arrays.equals(n.mean, mean)
                && Arrays.equals(n.std, std);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Float.hashCode(scale) + Arrays.hashCode(mean)) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "(v·" + scale + " − " + Arrays.toString(mean) + ") / " + Arrays.toString(std);
    }
}
