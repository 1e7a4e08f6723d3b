package org.mtl4j.core.task;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Static factories of the task losses. Each averages over valid elements only (see {@link TaskLoss}).
 *
 * <ul>
 *   <li>{@link #crossEntropy(int)}: semantic segmentation and classification, labels are class ids;
 *   <li>{@link #l1()}, {@link #l1(float)}: depth, keypoints, edges (Standley et al. train all of these with L1);
 *   <li>{@link #l2()}, {@link #l2(float)}: regression;
 *   <li>{@link #normal()}: surface normals, {@code 1 − cos} on L2-normalised predictions (as in LibMTL and mtan);
 *   <li>{@link #binaryCrossEntropy()}, {@link #binaryCrossEntropy(float)}: binary maps and multi-label attributes.
 * </ul>
 */
public final class TaskLosses {

    /** The ignore label used by {@link #crossEntropy()}: −1, as in the NYUv2 preprocessing of mtan and LibMTL. */
    public static final int DEFAULT_IGNORE_LABEL = -1;

    private TaskLosses() {}

    /**
     * Cross-entropy over classes with the ignore label −1.
     *
     * @return the loss
     */
    public static TaskLoss crossEntropy() {
        return new CrossEntropyLoss(DEFAULT_IGNORE_LABEL);
    }

    /**
     * Cross-entropy over classes; elements whose label equals {@code ignoreLabel} are skipped.
     *
     * @param ignoreLabel the label to ignore (for example 0 for Taskonomy's "uncertain", 255, or −1)
     * @return the loss
     */
    public static TaskLoss crossEntropy(int ignoreLabel) {
        return new CrossEntropyLoss(ignoreLabel);
    }

    /**
     * Mean absolute error over present samples.
     *
     * @return the loss
     */
    public static TaskLoss l1() {
        return new MaskedRegressionLoss(false, null);
    }

    /**
     * Mean absolute error over elements whose label is not {@code invalidValue}.
     *
     * @param invalidValue the label value that marks a missing measurement (for example depth 0)
     * @return the loss
     */
    public static TaskLoss l1(float invalidValue) {
        checkArgument(Float.isFinite(invalidValue), "invalid value must be finite, got %s", invalidValue);
        return new MaskedRegressionLoss(false, invalidValue);
    }

    /**
     * Mean squared error over present samples.
     *
     * @return the loss
     */
    public static TaskLoss l2() {
        return new MaskedRegressionLoss(true, null);
    }

    /**
     * Mean squared error over elements whose label is not {@code invalidValue}.
     *
     * @param invalidValue the label value that marks a missing measurement
     * @return the loss
     */
    public static TaskLoss l2(float invalidValue) {
        checkArgument(Float.isFinite(invalidValue), "invalid value must be finite, got %s", invalidValue);
        return new MaskedRegressionLoss(true, invalidValue);
    }

    /**
     * Surface-normal loss {@code 1 − cos} between L2-normalised prediction and label, over pixels whose label is
     * not the zero vector.
     *
     * @return the loss
     */
    public static TaskLoss normal() {
        return new NormalVectorLoss();
    }

    /**
     * Binary cross-entropy on logits.
     *
     * @return the loss
     */
    public static TaskLoss binaryCrossEntropy() {
        return new BinaryCrossEntropyLoss(1f);
    }

    /**
     * Binary cross-entropy on logits with the positive class weighted by {@code positiveWeight}
     * (for rare positives such as edges).
     *
     * @param positiveWeight the weight of positive labels, positive
     * @return the loss
     */
    public static TaskLoss binaryCrossEntropy(float positiveWeight) {
        checkArgument(positiveWeight > 0 && Float.isFinite(positiveWeight),
                "positive weight must be positive and finite, got %s", positiveWeight);
        return new BinaryCrossEntropyLoss(positiveWeight);
    }
}
