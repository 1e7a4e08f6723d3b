package org.mtl4j.core.inference;

/**
 * One task's prediction for one image, as plain Java arrays.
 *
 * <ul>
 *   <li>classification: {@code values} are the class probabilities (softmax), {@code classes} holds the one most
 *       likely class, {@code shape} is {@code (C)};
 *   <li>segmentation: {@code values} are the per-pixel class probabilities {@code (C, H, W)}, {@code classes} the
 *       per-pixel most likely class, row-major {@code (H, W)};
 *   <li>normals: unit vectors {@code (3, H, W)}; depth and other regressions: the raw outputs; {@code classes} is
 *       empty for these.
 * </ul>
 *
 * @param task the task name
 * @param kind the task's recipe name ({@code classification}, {@code segmentation}, {@code depth}, {@code normals},
 *     {@code dense-regression}, {@code regression}); for a task with its own loss, {@code segmentation} or
 *     {@code classification} under cross-entropy, {@code normals} under the normal-vector loss, else {@code dense} or
 *     {@code vector}
 * @param shape the shape of {@code values}
 * @param values the values, row-major
 * @param classes the most likely class per sample or pixel, for class tasks; empty otherwise
 */
public record TaskPrediction(String task, String kind, long[] shape, float[] values, int[] classes) {

    /** @return whether this task predicts classes */
    public boolean isClasses() {
        return classes.length > 0;
    }

    /**
     * The probability of a class, for a classification task.
     *
     * @param c the class
     * @return its probability
     */
    public float probability(int c) {
        return values[c];
    }
}
