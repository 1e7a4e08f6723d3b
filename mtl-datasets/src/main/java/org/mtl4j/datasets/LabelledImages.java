package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;

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

    /**
     * The first {@code count} images as a single-task classification data set in the mtl4j layout: input
     * {@code (1, rows, cols)} normalised as {@link MultiItemImages} does ({@code (v/255 − 0.1307)/0.3081}), one class
     * label of shape {@code ()}. For one task of multi-input training, or a single-task baseline.
     *
     * @param count how many images (0 = all)
     * @return the data set
     */
    public InMemoryMultiTaskDataset classification(int count) {
        checkArgument(count >= 0, "count must be non-negative, got %s", count);
        int n = count == 0 ? size() : Math.min(count, size());
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(1, rows, cols),
                List.of(new Shape()));
        for (int i = 0; i < n; i++) {
            int[] img = image(i);
            float[] x = new float[img.length];
            for (int p = 0; p < x.length; p++) {
                x[p] = ((float) img[p] / 255f - MultiItemImages.MEAN) / MultiItemImages.STD;
            }
            b.add(x, new float[] {labels[i]});
        }
        return b.build();
    }
}
