package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * The architectures of {@link Architectures}' and {@link ExpertArchitectures}' factories: a name, a spec and a block
 * constructor, behind the checks every one of them makes (image or vector input, at least one task, a positive head
 * width).
 */
final class BlockArchitecture implements Architecture {

    /** Builds a block from the input shape, the tasks and the encoder design. */
    @FunctionalInterface
    interface Factory {
        MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder);
    }

    private final String name;
    private final String spec;
    private final String title;
    private final Factory factory;

    /**
     * An architecture.
     *
     * @param name the command-line name
     * @param spec the spec with every option
     * @param title the name in messages
     * @param factory the block constructor
     */
    BlockArchitecture(String name, String spec, String title, Factory factory) {
        this.name = name;
        this.spec = spec;
        this.title = title;
        this.factory = factory;
    }

    /**
     * Checks a head width.
     *
     * @param headWidth the hidden width of every task head
     * @throws IllegalArgumentException when it is not positive
     */
    static void checkHeadWidth(int headWidth) {
        checkArgument(headWidth > 0, "head width must be positive, got %s", headWidth);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
        checkArgument(inputShape.dimension() == 3 || inputShape.dimension() == 1,
                "%s takes images (C, H, W) or vectors (F), got input shape %s", title, inputShape);
        checkArgument(!tasks.isEmpty(), "%s needs at least one task", title);
        return factory.create(inputShape, tasks, encoder);
    }

    @Override
    public String toString() {
        return name;
    }
}
