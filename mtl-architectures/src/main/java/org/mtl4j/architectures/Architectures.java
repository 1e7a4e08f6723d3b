package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/**
 * Static factories of the multi-task architectures, for {@code MultiTask.builder().sharing(...)}. Each one is a
 * single builder call, so architectures can be swapped and compared on the same data, encoder design and balancing
 * strategy.
 *
 * <table>
 *   <caption>Architectures, command-line names and gradient modes</caption>
 *   <tr><th>factory</th><th>name</th><th>what</th><th>gradient modes</th></tr>
 *   <tr><td>{@link #hardSharing()}</td><td>{@code hps}</td><td>one encoder, one head per task
 *       ({@link HardSharingBlock})</td><td>all</td></tr>
 *   <tr><td>{@link #softSharing()}</td><td>{@code soft}</td><td>one encoder column per task, L2 penalty between the
 *       columns ({@link SoftSharingBlock})</td><td>NONE, PARAMETERS</td></tr>
 *   <tr><td>{@link #crossStitch()}</td><td>{@code cross-stitch}</td><td>one column per task, learnable per-channel
 *       mixing after every encoder stage ({@link CrossStitchBlock})</td><td>NONE, PARAMETERS</td></tr>
 *   <tr><td>{@link #mtan()}</td><td>{@code mtan}</td><td>one encoder, per-task soft attention masks at every stage
 *       ({@link MtanBlock})</td><td>all</td></tr>
 *   <tr><td>{@link #padNet()}</td><td>{@code padnet}</td><td>one encoder, deep-supervised intermediate predictions
 *       and attention-guided distillation between the tasks ({@link PadNetBlock})</td><td>all</td></tr>
 *   <tr><td>{@link #mmoe()}</td><td>{@code mmoe}</td><td>E expert encoders mixed per task by softmax gates
 *       ({@link MmoeBlock})</td><td>all</td></tr>
 * </table>
 *
 * <p>Representation mode ({@link GradientMode#REPRESENTATION}) needs one representation that every head reads;
 * soft sharing and cross-stitch networks give each head its own column, so they reject it and
 * {@code MultiTask.builder().build()} fails with a message that names the architecture and the mode.
 */
public final class Architectures {

    /** The default width of the task heads' hidden layer. */
    public static final int DEFAULT_HEAD_WIDTH = 32;
    /** The default strength {@code λ} of the soft-sharing penalty. */
    public static final double DEFAULT_SOFT_SHARING_STRENGTH = 1e-3;
    /** The default weight of a column on itself in a cross-stitch unit. */
    public static final double DEFAULT_CROSS_STITCH_SELF = 0.9;
    /** The default number of MMoE experts. */
    public static final int DEFAULT_EXPERTS = 3;

    private Architectures() {}

    /**
     * Returns an architecture by its command-line name.
     *
     * @param name the name, one of {@link #NAMES}
     * @return the architecture with default settings
     * @throws IllegalArgumentException naming the unknown name and the available ones
     */
    public static Architecture byName(String name) {
        switch (name) {
            case "hps":
                return hardSharing();
            case "soft":
                return softSharing();
            case "cross-stitch":
                return crossStitch();
            case "mtan":
                return mtan();
            case "padnet":
                return padNet();
            case "mmoe":
                return mmoe();
            default:
                throw new IllegalArgumentException("unknown architecture '" + name + "'; available: " + NAMES);
        }
    }

    /** The command-line names {@link #byName(String)} accepts. */
    public static final String NAMES = "hps, soft, cross-stitch, mtan, padnet, mmoe";

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
        checkHeadWidth(headWidth);
        return architecture("hps", "hps:head=" + headWidth,
                (input, tasks, encoder) -> new HardSharingBlock(input, tasks, encoder, headWidth),
                "hard sharing");
    }

    /**
     * Soft parameter sharing with strength {@value #DEFAULT_SOFT_SHARING_STRENGTH}; see {@link SoftSharingBlock}.
     *
     * @return the architecture
     */
    public static Architecture softSharing() {
        return softSharing(DEFAULT_SOFT_SHARING_STRENGTH);
    }

    /**
     * Soft parameter sharing: one encoder column per task and the penalty
     * {@code λ Σ_{k<l} Σ_p ‖θ_k^p − θ_l^p‖²}; see {@link SoftSharingBlock}.
     *
     * @param strength the penalty strength {@code λ ≥ 0} (0 trains independent columns)
     * @return the architecture
     */
    public static Architecture softSharing(double strength) {
        return softSharing(strength, DEFAULT_HEAD_WIDTH);
    }

    /**
     * Soft parameter sharing with a given head width.
     *
     * @param strength the penalty strength {@code λ ≥ 0}
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture softSharing(double strength, int headWidth) {
        checkArgument(strength >= 0 && Double.isFinite(strength),
                "soft-sharing strength must be finite and non-negative, got %s", strength);
        checkHeadWidth(headWidth);
        return architecture("soft", "soft:strength=" + strength + ",head=" + headWidth,
                (input, tasks, encoder) -> new SoftSharingBlock(input, tasks, encoder, headWidth, strength),
                "soft sharing");
    }

    /**
     * Cross-stitch networks initialised at {@value #DEFAULT_CROSS_STITCH_SELF} on the diagonal and
     * {@code 0.1/(K−1)} elsewhere (rows sum to 1); see {@link CrossStitchBlock}.
     *
     * @return the architecture
     */
    public static Architecture crossStitch() {
        return crossStitch(DEFAULT_CROSS_STITCH_SELF, Double.NaN, DEFAULT_HEAD_WIDTH);
    }

    /**
     * Cross-stitch networks with explicit initial mixing weights.
     *
     * @param self the initial weight {@code α_{k,k}} of a column on itself
     * @param other the initial weight {@code α_{k,l}}, {@code l ≠ k}, of every other column
     * @return the architecture
     */
    public static Architecture crossStitch(double self, double other) {
        checkArgument(Double.isFinite(other), "the cross-stitch weight of other columns must be finite, got %s",
                other);
        return crossStitch(self, other, DEFAULT_HEAD_WIDTH);
    }

    /**
     * Cross-stitch networks with explicit initial mixing weights and head width.
     *
     * @param self the initial weight {@code α_{k,k}} of a column on itself
     * @param other the initial weight of every other column, or NaN for {@code (1 − self)/(K−1)}
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture crossStitch(double self, double other, int headWidth) {
        checkArgument(Double.isFinite(self), "the cross-stitch weight of a column on itself must be finite, got %s",
                self);
        checkHeadWidth(headWidth);
        return architecture("cross-stitch", "cross-stitch:self=" + self + ",other="
                + (Double.isNaN(other) ? "auto" : Double.toString(other)) + ",head=" + headWidth,
                (input, tasks, encoder) -> {
            double o = Double.isNaN(other) ? (tasks.size() > 1 ? (1 - self) / (tasks.size() - 1) : 0) : other;
            return new CrossStitchBlock(input, tasks, encoder, headWidth, self, o);
        }, "cross-stitch");
    }

    /**
     * MTAN with heads of width {@value #DEFAULT_HEAD_WIDTH}; see {@link MtanBlock}.
     *
     * @return the architecture
     */
    public static Architecture mtan() {
        return mtan(DEFAULT_HEAD_WIDTH);
    }

    /**
     * MTAN: a shared encoder with per-task attention masks at every stage; see {@link MtanBlock}.
     *
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture mtan(int headWidth) {
        checkHeadWidth(headWidth);
        return architecture("mtan", "mtan:head=" + headWidth,
                (input, tasks, encoder) -> new MtanBlock(input, tasks, encoder, headWidth), "MTAN");
    }

    /**
     * PAD-Net whose intermediate features have as many channels as the encoder's output; see {@link PadNetBlock}.
     *
     * @return the architecture
     */
    public static Architecture padNet() {
        return padNet(0, DEFAULT_HEAD_WIDTH);
    }

    /**
     * PAD-Net with distillation module C (attention-guided message passing); see {@link PadNetBlock}.
     *
     * @param channels the channels {@code D} of the intermediate features, or 0 for the encoder's output channels
     * @param headWidth the hidden width of every final task head
     * @return the architecture
     */
    public static Architecture padNet(int channels, int headWidth) {
        checkArgument(channels >= 0, "PAD-Net distillation channels must be positive (or 0 for the encoder's), "
                + "got %s", channels);
        checkHeadWidth(headWidth);
        return architecture("padnet", "padnet:channels=" + channels + ",head=" + headWidth,
                (input, tasks, encoder) -> new PadNetBlock(input, tasks, encoder,
                channels == 0 ? encoder.outputChannels() : channels, headWidth), "PAD-Net");
    }

    /**
     * MMoE with {@value #DEFAULT_EXPERTS} experts; see {@link MmoeBlock}.
     *
     * @return the architecture
     */
    public static Architecture mmoe() {
        return mmoe(DEFAULT_EXPERTS);
    }

    /**
     * MMoE: E expert encoders mixed per task by softmax gates on the input; see {@link MmoeBlock}.
     *
     * @param experts the number of experts E
     * @return the architecture
     */
    public static Architecture mmoe(int experts) {
        return mmoe(experts, DEFAULT_HEAD_WIDTH);
    }

    /**
     * MMoE with a given head width.
     *
     * @param experts the number of experts E
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture mmoe(int experts, int headWidth) {
        checkArgument(experts > 0, "MMoE needs at least one expert, got %s", experts);
        checkHeadWidth(headWidth);
        return architecture("mmoe", "mmoe:experts=" + experts + ",head=" + headWidth,
                (input, tasks, encoder) -> new MmoeBlock(input, tasks, encoder, experts, headWidth), "MMoE");
    }

    private static void checkHeadWidth(int headWidth) {
        checkArgument(headWidth > 0, "head width must be positive, got %s", headWidth);
    }

    /** Builds a block from the input shape, the tasks and the encoder design. */
    @FunctionalInterface
    private interface Factory {
        MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder);
    }

    private static Architecture architecture(String name, String spec, Factory factory, String title) {
        return new Architecture() {
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
        };
    }
}
