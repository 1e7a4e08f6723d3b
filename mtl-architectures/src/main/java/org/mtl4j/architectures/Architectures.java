package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static org.mtl4j.architectures.BlockArchitecture.checkHeadWidth;

import java.nio.file.Path;
import org.mtl4j.core.model.Architecture;
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
 *   <tr><td>{@link #cgc()}</td><td>{@code cgc}</td><td>shared and task-specific expert encoders, each task's gate
 *       mixing the shared ones and its own ({@link CgcBlock})</td><td>all</td></tr>
 *   <tr><td>{@link #ple()}</td><td>{@code ple}</td><td>CGC stacked over the encoder's stages, with shared gates
 *       between the levels ({@link PleBlock})</td><td>all</td></tr>
 *   <tr><td>{@link #dselectK()}</td><td>{@code dselect-k}</td><td>E expert encoders, each task's gate selecting at
 *       most k of them, sparse and differentiable ({@link DSelectKBlock})</td><td>all</td></tr>
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
    /** The default number of shared experts of CGC and PLE, per level (LibMTL's reference runs). */
    public static final int DEFAULT_SHARED_EXPERTS = ExpertArchitectures.DEFAULT_SHARED_EXPERTS;
    /** The default number of experts of each task in CGC and PLE, per level (LibMTL's reference runs). */
    public static final int DEFAULT_EXPERTS_PER_TASK = ExpertArchitectures.DEFAULT_EXPERTS_PER_TASK;
    /** The default number of DSelect-k experts (LibMTL's reference runs). */
    public static final int DEFAULT_DSELECT_K_EXPERTS = ExpertArchitectures.DEFAULT_DSELECT_K_EXPERTS;
    /** The default number k of experts a DSelect-k gate selects (LibMTL's {@code num_nonzeros}). */
    public static final int DEFAULT_DSELECT_K_NONZEROS = ExpertArchitectures.DEFAULT_NONZEROS;
    /** The default smooth-step width γ of DSelect-k (LibMTL's {@code kgamma}). */
    public static final double DEFAULT_DSELECT_K_GAMMA = ExpertArchitectures.DEFAULT_GAMMA;
    /** The default strength of DSelect-k's entropy penalty (LibMTL's; 0 turns it off). */
    public static final double DEFAULT_DSELECT_K_ENTROPY = ExpertArchitectures.DEFAULT_ENTROPY;

    private Architectures() {}

    /**
     * Returns an architecture by its command-line name, or by a full spec with every option as
     * {@link Architecture#spec()} writes it (for example {@code ltb:search=3,tau=5.0,head=32}).
     *
     * @param name the name, one of {@link #NAMES}, or a spec
     * @return the architecture with default settings
     * @throws IllegalArgumentException naming the unknown name and the available ones
     */
    public static Architecture byName(String name) {
        return ArchitectureSpecs.parse(name);
    }

    /** The command-line names {@link #byName(String)} accepts. */
    public static final String NAMES = ArchitectureSpecs.NAMES;

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
        return new BlockArchitecture("hps", "hps:head=" + headWidth, "hard sharing",
                (input, tasks, encoder) -> new HardSharingBlock(input, tasks, encoder, headWidth));
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
        return new BlockArchitecture("soft", "soft:strength=" + strength + ",head=" + headWidth, "soft sharing",
                (input, tasks, encoder) -> new SoftSharingBlock(input, tasks, encoder, headWidth, strength));
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
        return new BlockArchitecture("cross-stitch", "cross-stitch:self=" + self + ",other="
                + (Double.isNaN(other) ? "auto" : Double.toString(other)) + ",head=" + headWidth, "cross-stitch",
                (input, tasks, encoder) -> {
            double o = Double.isNaN(other) ? (tasks.size() > 1 ? (1 - self) / (tasks.size() - 1) : 0) : other;
            return new CrossStitchBlock(input, tasks, encoder, headWidth, self, o);
        });
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
        return new BlockArchitecture("mtan", "mtan:head=" + headWidth, "MTAN",
                (input, tasks, encoder) -> new MtanBlock(input, tasks, encoder, headWidth));
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
        return new BlockArchitecture("padnet", "padnet:channels=" + channels + ",head=" + headWidth, "PAD-Net",
                (input, tasks, encoder) -> new PadNetBlock(input, tasks, encoder,
                channels == 0 ? encoder.outputChannels() : channels, headWidth));
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
        return new BlockArchitecture("mmoe", "mmoe:experts=" + experts + ",head=" + headWidth, "MMoE",
                (input, tasks, encoder) -> new MmoeBlock(input, tasks, encoder, experts, headWidth));
    }

    /** The default initial weight of an NDDR layer on a task's own channel (NDDR-CNN's α, as the reference). */
    public static final double DEFAULT_NDDR_ALPHA = 0.9;
    /** The default initial weight of an NDDR layer on the same channel of every other task (NDDR-CNN's β). */
    public static final double DEFAULT_NDDR_BETA = 0.1;
    /** The default initial Gumbel-softmax temperature of LTB (LibMTL's {@code epochs/20} at 100 epochs). */
    public static final double DEFAULT_LTB_TEMPERATURE = 5;

    /**
     * NDDR-CNN initialised at {@value #DEFAULT_NDDR_ALPHA} on a task's own channels and {@value #DEFAULT_NDDR_BETA}
     * on the others'; see {@link NddrCnnBlock}.
     *
     * @return the architecture
     */
    public static Architecture nddrCnn() {
        return nddrCnn(DEFAULT_NDDR_ALPHA, DEFAULT_NDDR_BETA, DEFAULT_HEAD_WIDTH);
    }

    /**
     * NDDR-CNN: one column per task fused after every encoder stage by per-task 1×1 convolutions, batch norm and
     * ReLU over the concatenated columns; see {@link NddrCnnBlock}.
     *
     * @param alpha the initial weight {@code α} of a task's own channel
     * @param beta the initial weight {@code β} of the same channel of every other task
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture nddrCnn(double alpha, double beta, int headWidth) {
        checkArgument(Double.isFinite(alpha) && Double.isFinite(beta),
                "NDDR initial weights must be finite, got alpha %s and beta %s", alpha, beta);
        checkHeadWidth(headWidth);
        return new BlockArchitecture("nddr-cnn", "nddr-cnn:alpha=" + alpha + ",beta=" + beta + ",head=" + headWidth,
                "NDDR-CNN", (input, tasks, encoder) -> new NddrCnnBlock(input, tasks, encoder, headWidth, alpha, beta));
    }

    /**
     * MTI-Net with heads of width {@value #DEFAULT_HEAD_WIDTH}; see {@link MtiNetBlock}.
     *
     * @return the architecture
     */
    public static Architecture mtiNet() {
        return mtiNet(DEFAULT_HEAD_WIDTH);
    }

    /**
     * MTI-Net: initial predictions, multi-modal distillation and feature propagation at every scale of the encoder,
     * aggregated in the final heads; see {@link MtiNetBlock}.
     *
     * @param headWidth the hidden width of every final task head
     * @return the architecture
     */
    public static Architecture mtiNet(int headWidth) {
        checkHeadWidth(headWidth);
        return new BlockArchitecture("mtinet", "mtinet:head=" + headWidth, "MTI-Net",
                (input, tasks, encoder) -> new MtiNetBlock(input, tasks, encoder, headWidth));
    }

    /**
     * Learning to Branch searching for the whole training (the tree is the argmax of the logits at inference), at
     * temperature {@value #DEFAULT_LTB_TEMPERATURE}; see {@link LearningToBranchBlock}.
     *
     * @return the architecture
     */
    public static Architecture learningToBranch() {
        return learningToBranch(0, DEFAULT_LTB_TEMPERATURE, DEFAULT_HEAD_WIDTH);
    }

    /**
     * Learning to Branch whose tree is fixed after a search of some epochs; see {@link LearningToBranchBlock}.
     *
     * @param searchEpochs the epochs of the search, 0 to search for the whole training
     * @return the architecture
     */
    public static Architecture learningToBranch(int searchEpochs) {
        return learningToBranch(searchEpochs, DEFAULT_LTB_TEMPERATURE, DEFAULT_HEAD_WIDTH);
    }

    /**
     * Learning to Branch: K copies of every encoder stage, each choosing its parent (and each head its last-stage
     * node) by a straight-through Gumbel-softmax; see {@link LearningToBranchBlock}.
     *
     * @param searchEpochs the epochs of the search, 0 to search for the whole training
     * @param temperature the initial temperature {@code τ_0 > 0}
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture learningToBranch(int searchEpochs, double temperature, int headWidth) {
        checkArgument(searchEpochs >= 0, "the LTB search must last 0 (never fix) or more epochs, got %s",
                searchEpochs);
        checkArgument(temperature > 0 && Double.isFinite(temperature),
                "the LTB temperature must be positive, got %s", temperature);
        checkHeadWidth(headWidth);
        return new BlockArchitecture("ltb", "ltb:search=" + searchEpochs + ",tau=" + temperature + ",head="
                + headWidth, "LTB", (input, tasks, encoder) -> new LearningToBranchBlock(input, tasks, encoder,
                headWidth, searchEpochs, temperature));
    }

    /**
     * CGC with {@value #DEFAULT_SHARED_EXPERTS} shared expert and {@value #DEFAULT_EXPERTS_PER_TASK} expert per task;
     * see {@link CgcBlock}.
     *
     * @return the architecture
     */
    public static Architecture cgc() {
        return cgc(DEFAULT_SHARED_EXPERTS, DEFAULT_EXPERTS_PER_TASK);
    }

    /**
     * CGC: shared and task-specific expert encoders, task k's softmax gate on the input mixing the shared experts
     * and task k's; see {@link CgcBlock}.
     *
     * @param sharedExperts the number of shared experts S, at least 1
     * @param expertsPerTask the number of experts of each task T, at least 0
     * @return the architecture
     */
    public static Architecture cgc(int sharedExperts, int expertsPerTask) {
        return cgc(sharedExperts, expertsPerTask, DEFAULT_HEAD_WIDTH);
    }

    /**
     * CGC with a given head width.
     *
     * @param sharedExperts the number of shared experts S, at least 1
     * @param expertsPerTask the number of experts of each task T, at least 0
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture cgc(int sharedExperts, int expertsPerTask, int headWidth) {
        return ExpertArchitectures.cgc(sharedExperts, expertsPerTask, headWidth);
    }

    /**
     * PLE with {@value #DEFAULT_SHARED_EXPERTS} shared expert and {@value #DEFAULT_EXPERTS_PER_TASK} expert per task
     * at every level; see {@link PleBlock}.
     *
     * @return the architecture
     */
    public static Architecture ple() {
        return ple(DEFAULT_SHARED_EXPERTS, DEFAULT_EXPERTS_PER_TASK);
    }

    /**
     * PLE: one CGC extraction level per stage of the encoder design (which must be a {@link StagedEncoderFactory}),
     * with shared gates between the levels; see {@link PleBlock}.
     *
     * @param sharedExperts the number of shared experts S per level, at least 1
     * @param expertsPerTask the number of experts of each task T per level, at least 0
     * @return the architecture
     */
    public static Architecture ple(int sharedExperts, int expertsPerTask) {
        return ple(sharedExperts, expertsPerTask, DEFAULT_HEAD_WIDTH);
    }

    /**
     * PLE with a given head width.
     *
     * @param sharedExperts the number of shared experts S per level, at least 1
     * @param expertsPerTask the number of experts of each task T per level, at least 0
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture ple(int sharedExperts, int expertsPerTask, int headWidth) {
        return ExpertArchitectures.ple(sharedExperts, expertsPerTask, headWidth);
    }

    /**
     * DSelect-k with {@value #DEFAULT_DSELECT_K_EXPERTS} experts, k = {@value #DEFAULT_DSELECT_K_NONZEROS},
     * γ = {@value #DEFAULT_DSELECT_K_GAMMA} and entropy strength {@value #DEFAULT_DSELECT_K_ENTROPY}; see
     * {@link DSelectKBlock}.
     *
     * @return the architecture
     */
    public static Architecture dselectK() {
        return dselectK(DEFAULT_DSELECT_K_EXPERTS, DEFAULT_DSELECT_K_NONZEROS);
    }

    /**
     * DSelect-k: E expert encoders, each task's gate selecting at most k of them through binary-coded smooth-step
     * selectors; see {@link DSelectKBlock}.
     *
     * @param experts the number of experts E, at least 2
     * @param nonzeros the number k of experts a gate may select, in {@code [1, E]}
     * @return the architecture
     */
    public static Architecture dselectK(int experts, int nonzeros) {
        return dselectK(experts, nonzeros, DEFAULT_DSELECT_K_GAMMA, DEFAULT_DSELECT_K_ENTROPY, DEFAULT_HEAD_WIDTH);
    }

    /**
     * DSelect-k with every option.
     *
     * @param experts the number of experts E, at least 2
     * @param nonzeros the number k of experts a gate may select, in {@code [1, E]}
     * @param gamma the smooth-step width γ &gt; 0
     * @param entropy the strength λ ≥ 0 of the selectors' entropy penalty (0: off)
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture dselectK(int experts, int nonzeros, double gamma, double entropy, int headWidth) {
        return ExpertArchitectures.dselectK(experts, nonzeros, gamma, entropy, headWidth);
    }

    /**
     * A branched multi-task network with a tree given by hand; see {@link BranchedBlock}, syntax in {@link BranchTree}.
     *
     * @param tree one partition of the tasks per encoder stage, for example {@code seg+dep+nrm|seg+dep/nrm}
     * @return the architecture
     */
    public static Architecture branched(String tree) {
        return branched(tree, DEFAULT_HEAD_WIDTH);
    }

    /**
     * A branched multi-task network with a tree given by hand and heads of the given width.
     *
     * @param tree the tree
     * @param headWidth the hidden width of every task head
     * @return the architecture
     */
    public static Architecture branched(String tree, int headWidth) {
        checkHeadWidth(headWidth);
        return BranchedArchitecture.withTree(tree, headWidth);
    }

    /**
     * A branched network (Vandenhende et al., BMVC 2020) whose tree is chosen, when the network is built, from
     * measured task affinities under a parameter budget: the nested partition of the tasks, stage by stage, with the
     * lowest within-branch dissimilarity whose encoder fits the budget.
     *
     * @param affinity {@code mtl affinity}'s affinity.csv, a study's pairwise.csv or per-stage dissimilarities
     * @param budget {@code 2.5x} (one encoder = 1x) or a parameter count
     * @return the architecture
     */
    public static Architecture branched(Path affinity, String budget) {
        return BranchedArchitecture.fromAffinity(affinity, BranchedTrees.Budget.parameters(budget), DEFAULT_HEAD_WIDTH);
    }
}
