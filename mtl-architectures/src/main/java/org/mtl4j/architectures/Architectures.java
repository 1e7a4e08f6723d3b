package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Static factories of the multi-task architectures, for {@code MultiTask.builder().sharing(...)}.
 *
 * <ul>
 *   <li>{@link #hardSharing()}: one shared encoder, one head per task ({@link HardSharingBlock}).
 * </ul>
 */
public final class Architectures {

    /** The default width of the task heads' hidden layer. */
    public static final int DEFAULT_HEAD_WIDTH = 32;

    private Architectures() {}

    /**
     * Returns an architecture by its command-line name.
     *
     * @param name the name, for example {@code "hps"}
     * @return the architecture with default settings
     * @throws IllegalArgumentException naming the unknown name and the available ones
     */
    public static Architecture byName(String name) {
        switch (name) {
            case "hps":
                return hardSharing();
            default:
                throw new IllegalArgumentException("unknown architecture '" + name + "'; available: " + NAMES);
        }
    }

    /** The command-line names {@link #byName(String)} accepts. */
    public static final String NAMES = "hps";

    /**
     * Hard parameter sharing with heads of width {@value #DEFAULT_HEAD_WIDTH}.
     *
     * @return the architecture
     */
    public static Architecture hardSharing() {
        return hardSharing(DEFAULT_HEAD_WIDTH);
    }

    /**
     * Hard parameter sharing.
     *
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture hardSharing(int headWidth) {
        checkArgument(headWidth > 0, "head width must be positive, got %s", headWidth);
        return new Architecture() {
            @Override
            public String name() {
                return "hps";
            }

            @Override
            public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
                checkArgument(inputShape.dimension() == 3 || inputShape.dimension() == 1,
                        "hard sharing takes images (C, H, W) or vectors (F), got input shape %s", inputShape);
                return new HardSharingBlock(inputShape, tasks, encoder, headWidth);
            }
        };
    }
}
