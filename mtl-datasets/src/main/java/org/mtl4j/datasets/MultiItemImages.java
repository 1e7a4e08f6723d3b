package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;

/**
 * Two-item images for two classification tasks — which item is at the top left, which at the bottom right — built
 * with the construction of Sener and Koltun, "Multi-Task Learning as Multi-Objective Optimization" (NeurIPS 2018,
 * github.com/isl-org/MultiObjectiveOptimization, {@code multi_task/loaders/multi_mnist_loader.py}), which gives
 * MultiMNIST from MNIST and, applied to Fashion-MNIST, Multi-Fashion (Lin et al., "Pareto Multi-Task Learning",
 * NeurIPS 2019):
 *
 * <ol>
 *   <li>every image {@code i} of a split gets one partner {@code j} drawn uniformly from the same split ({@code j}
 *       may equal {@code i}; the classes may coincide);
 *   <li>on a 36 × 36 zero canvas, {@code i} goes to rows and columns 0–27 and {@code j} to 6–33; where they overlap
 *       (6–27) the pixel is the maximum of the two;
 *   <li>the canvas is converted to bytes as {@code scipy.misc.imresize} does ({@code bytescale}: {@code (v − min)·255
 *       / (max − min)}, clipped, {@code + 0.5} truncated) and resized to 28 × 28 with Pillow's nearest-neighbour rule;
 *   <li>the input is {@code (b/255 − 0.1307)/0.3081} (torchvision's {@code ToTensor} and {@code Normalize} with the
 *       MNIST mean and standard deviation), shape {@code (1, 28, 28)}; the labels are the classes of {@code i}
 *       ({@code left}) and {@code j} ({@code right}).
 * </ol>
 */
public final class MultiItemImages {

    /** The canvas size. */
    public static final int CANVAS = 36;

    /** The offset of the second item. */
    public static final int SHIFT = 6;

    /** The item and output size. */
    public static final int SIZE = 28;

    /** The normalisation mean (MNIST's). */
    public static final float MEAN = 0.1307f;

    /** The normalisation standard deviation (MNIST's). */
    public static final float STD = 0.3081f;

    /** The task names: the item at the top left and the one at the bottom right. */
    public static final ImmutableList<String> TASKS = ImmutableList.of("left", "right");

    private static final int[] NEAREST = Resize.pillowNearest(CANVAS, SIZE);

    private MultiItemImages() {}

    /**
     * The task definition: 10-way classification, cross-entropy, accuracy.
     *
     * @param name {@code left} or {@code right}
     * @return the task
     * @throws IllegalArgumentException for another name
     */
    public static Task task(String name) {
        checkArgument(TASKS.contains(name), "unknown task '%s'; available: left, right", name);
        return Task.classification(name, 10);
    }

    /**
     * Composes one image from two 28 × 28 items.
     *
     * @param left the top-left item, 784 values in {@code [0, 255]}
     * @param right the bottom-right item, 784 values in {@code [0, 255]}
     * @return the 28 × 28 composite bytes, row-major, in {@code [0, 255]}
     */
    public static int[] compose(int[] left, int[] right) {
        checkArgument(left.length == SIZE * SIZE && right.length == SIZE * SIZE,
                "items must be 28x28 (784 values), got %s and %s", left.length, right.length);
        double[] canvas = new double[CANVAS * CANVAS];
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                canvas[r * CANVAS + c] = left[r * SIZE + c];
            }
        }
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                int at = (r + SHIFT) * CANVAS + c + SHIFT;
                boolean overlap = r + SHIFT < SIZE && c + SHIFT < SIZE;
                canvas[at] = overlap ? Math.max(canvas[at], right[r * SIZE + c]) : right[r * SIZE + c];
            }
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : canvas) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double range = max - min == 0 ? 1 : max - min;
        double scale = 255.0 / range;
        int[] out = new int[SIZE * SIZE];
        for (int r = 0; r < SIZE; r++) {
            for (int c = 0; c < SIZE; c++) {
                double v = (canvas[NEAREST[r] * CANVAS + NEAREST[c]] - min) * scale;
                out[r * SIZE + c] = (int) (Math.max(0, Math.min(255, v)) + 0.5);
            }
        }
        return out;
    }

    /**
     * Draws the partners of a split, one per image, uniformly over the split.
     *
     * @param n the split size
     * @param seed the seed
     * @return {@code partner[i]} for each image {@code i}
     */
    public static int[] partners(int n, long seed) {
        checkArgument(n > 0, "the split is empty");
        SplittableRandom rng = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = rng.nextInt(n);
        }
        return p;
    }

    /**
     * Builds the composites of the first {@code count} images of a split (partners drawn over the whole split with
     * {@link #partners(int, long)}, so image {@code i}'s composite does not depend on {@code count}).
     *
     * @param items the split's items, 28 × 28
     * @param count how many composites (0 = one per item)
     * @param seed the partner seed
     * @param tasks the tasks in label order, a non-empty subset of {@code left, right}
     * @return the data set: input {@code (1, 28, 28)}, one class label of shape {@code ()} per task
     */
    public static InMemoryMultiTaskDataset dataset(LabelledImages items, int count, long seed, List<String> tasks) {
        checkArgument(items.rows() == SIZE && items.cols() == SIZE, "%s: items must be 28x28, got %sx%s",
                items.source(), items.rows(), items.cols());
        checkArgument(!tasks.isEmpty(), "no tasks given");
        for (String t : tasks) {
            task(t);
        }
        int n = count <= 0 ? items.size() : Math.min(count, items.size());
        int[] partner = partners(items.size(), seed);
        List<Shape> shapes = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            shapes.add(new Shape());
        }
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(1, SIZE, SIZE), shapes);
        for (int i = 0; i < n; i++) {
            int[] composite = compose(items.image(i), items.image(partner[i]));
            float[] x = new float[composite.length];
            for (int p = 0; p < x.length; p++) {
                x[p] = ((float) composite[p] / 255f - MEAN) / STD;
            }
            float[][] labels = new float[tasks.size()][];
            for (int k = 0; k < tasks.size(); k++) {
                labels[k] = new float[] {tasks.get(k).equals("left") ? items.labels()[i] : items.labels()[partner[i]]};
            }
            b.add(x, labels);
        }
        return b.build();
    }
}
