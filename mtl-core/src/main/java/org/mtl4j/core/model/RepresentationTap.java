package org.mtl4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.base.Preconditions;

/**
 * Holds, for one training step, the shared representation {@code z} that the encoder produced and the detached
 * copy {@code z'} (a leaf that requires a gradient) on which the task heads ran.
 *
 * <p>This is the representation trick of Sener and Koltun (NeurIPS 2018, MGDA-UB) and of LibMTL's {@code rep_grad}:
 * the gradient of each task loss with respect to {@code z'} costs only a backward pass through its head, and the
 * combined gradient is then pushed once through the encoder. Asking autograd for the gradient of the live
 * (non-leaf) {@code z} would silently return zeros, which is why the copy exists. Only
 * {@link org.mtl4j.core.gradient.TaskGradients} should create and read taps.
 */
public final class RepresentationTap {

    private NDList live;
    private NDList detached;

    /**
     * Records {@code z} and returns the detached copy the heads must run on.
     *
     * @param representation the encoder output
     * @return the detached copies, each requiring a gradient
     */
    NDList capture(NDList representation) {
        Preconditions.checkState(live == null, "the representation tap was already used in this step");
        NDList copies = new NDList(representation.size());
        for (NDArray z : representation) {
            NDArray d = z.stopGradient();
            d.setRequiresGradient(true);
            copies.add(d);
        }
        this.live = representation;
        this.detached = copies;
        return copies;
    }

    /** @return whether the forward pass has run through the tap */
    public boolean captured() {
        return live != null;
    }

    /** @return the encoder's output, which carries the encoder's graph */
    public NDList live() {
        Preconditions.checkState(live != null, "no representation captured: did the forward pass run?");
        return live;
    }

    /** @return the detached copies the heads ran on */
    public NDList detached() {
        Preconditions.checkState(detached != null, "no representation captured: did the forward pass run?");
        return detached;
    }
}
