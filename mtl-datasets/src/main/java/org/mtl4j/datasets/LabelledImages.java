package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Single-channel 8-bit images of one size with one class label each, as MNIST-style files hold them: image
 * {@code i}'s pixel {@code (r, c)} is {@code pixels[i·rows·cols + r·cols + c] & 0xff} (0 = background, 255 = full
 * ink), its label {@code labels[i]}.
 *
 * @param source where the images came from, for messages and descriptions
 * @param rows the image height
 * @param cols the image width
 * @param pixels the pixels of all images, row-major, unsigned
 * @param labels one class per image
 */
public record LabelledImages(String source, int rows, int cols, byte[] pixels, int[] labels) {

    /**
     * Checks the sizes.
     *
     * @param source where the images came from
     * @param rows the image height
     * @param cols the image width
     * @param pixels the pixels of all images, row-major, unsigned
     * @param labels one class per image
     * @throws IllegalArgumentException when the pixel count is not {@code labels.length · rows · cols}
     */
    public LabelledImages {
        checkArgument(rows > 0 && cols > 0, "image size must be positive, got %sx%s", rows, cols);
        checkArgument((long) labels.length * rows * cols == pixels.length,
                "%s: %s labels need %s pixels of %sx%s images, got %s", source, labels.length,
                (long) labels.length * rows * cols, rows, cols, pixels.length);
    }

    /** @return the number of images */
    public int size() {
        return labels.length;
    }

    /**
     * Returns one image's pixels.
     *
     * @param index the image
     * @return a copy of its {@code rows·cols} pixels, unsigned in {@code [0, 255]}
     */
    public int[] image(int index) {
        int n = rows * cols;
        int[] out = new int[n];
        for (int j = 0; j < n; j++) {
            out[j] = pixels[index * n + j] & 0xff;
        }
        return out;
    }

    /**
     * Returns the images at some indices, in that order.
     *
     * @param indices the images to keep
     * @return the subset
     */
    public LabelledImages select(int[] indices) {
        int n = rows * cols;
        byte[] p = new byte[indices.length * n];
        int[] l = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, p, i * n, n);
            l[i] = labels[indices[i]];
        }
        return new LabelledImages(source, rows, cols, p, l);
    }
}
