package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The loss of one task, averaged over the valid elements of a batch only.
 *
 * <p>A loss receives the head's prediction, the label and a per-sample presence mask of shape {@code (N)} (1 where
 * the sample carries a label for this task, 0 where the label is missing). Elements of absent samples, and elements
 * that the loss itself declares invalid (an ignore label, an invalid depth value, a zero normal), contribute nothing:
 * the result is {@code Σ valid · ℓ / max(1, Σ valid)}. A batch without any valid element therefore yields exactly
 * zero with a zero gradient, never NaN.
 *
 * <p>Implementations are stateless and immutable; obtain them from {@link TaskLosses}.
 */
public interface TaskLoss {

    /**
     * Returns a short, stable name of this loss, for logs and result files (for example {@code "l1"}).
     *
     * @return the loss name
     */
    String name();

    /**
     * Computes the mean loss over valid elements.
     *
     * @param prediction the head output, {@code (N, C, H, W)} or {@code (N, C)}
     * @param label the label in the layout {@link #expectedLabelShape(Shape)} gives
     * @param present the presence mask {@code (N)}, 1 for labelled samples and 0 otherwise
     * @return a scalar array that carries the autograd graph of {@code prediction}
     */
    NDArray compute(NDArray prediction, NDArray label, NDArray present);

    /**
     * Returns the label shape this loss expects for a given prediction shape. Class-index losses drop the channel
     * axis; element-wise losses expect the prediction's shape.
     *
     * @param predictionShape the prediction shape, batch axis included
     * @return the expected label shape, batch axis included
     */
    Shape expectedLabelShape(Shape predictionShape);

    /**
     * Checks that a batch of labels is usable with this loss and a head with {@code channels} outputs.
     * The default checks the shape; class-index losses also check the range of the ids.
     *
     * @param taskName the task, for the message
     * @param prediction the head output
     * @param label the label
     * @throws IllegalArgumentException naming the task, the expected and the actual shape or value
     */
    default void checkLabel(String taskName, NDArray prediction, NDArray label) {
        Shape expected = expectedLabelShape(prediction.getShape());
        if (!expected.equals(label.getShape())) {
            throw new IllegalArgumentException(String.format(
                    "task '%s': label shape %s does not match the head output %s (the %s loss expects labels of shape %s)",
                    taskName, label.getShape(), prediction.getShape(), name(), expected));
        }
    }
}
