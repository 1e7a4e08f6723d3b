package org.mtl4j.core.model;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.task.Task;

/**
 * A way of sharing between tasks (hard sharing, soft sharing, cross-stitch, MTAN, ...): it turns an encoder design
 * and a list of tasks into a {@link MultiTaskBlock}. Implementations live in {@code mtl-architectures} behind static
 * factories such as {@code Architectures.hardSharing()}.
 */
public interface Architecture {

    /** @return a short name for logs and result files, for example {@code "hps"} */
    String name();

    /**
     * The name with every option, from which {@link ModelComponents} can make this architecture again, for example
     * {@code hps:head=32}. Saved models record it.
     *
     * @return the spec (by default the name: an architecture without options)
     */
    default String spec() {
        return name();
    }

    /**
     * Builds the network.
     *
     * @param inputShape the shape of one input sample, without the batch axis (for example {@code (3, 64, 64)})
     * @param tasks the tasks, in output order
     * @param encoder the encoder design
     * @return a new, uninitialised block
     */
    MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder);
}
