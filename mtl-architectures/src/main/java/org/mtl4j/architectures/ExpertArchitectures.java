package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static org.mtl4j.architectures.BlockArchitecture.checkHeadWidth;

import org.mtl4j.core.model.Architecture;

/**
 * The mixture-of-experts architectures beyond MMoE (CGC, PLE, DSelect-k): names, specs and argument checks, in one
 * place, for {@link Architectures}' public factories to return. Defaults are LibMTL's reference runs
 * ({@code examples/nyu/results/resnet_results.pdf}: CGC and PLE {@code num_experts [1, 1, 1, 1]}, DSelect-k
 * {@code num_experts [2]}, {@code num_nonzeros 2}, {@code kgamma 1.0}) and LibMTL's entropy strength 10⁻⁶.
 */
final class ExpertArchitectures {

    /** The default number of shared experts of CGC and PLE (per level). */
    static final int DEFAULT_SHARED_EXPERTS = 1;
    /** The default number of experts of each task in CGC and PLE (per level). */
    static final int DEFAULT_EXPERTS_PER_TASK = 1;
    /** The default number of DSelect-k experts. */
    static final int DEFAULT_DSELECT_K_EXPERTS = 2;
    /** The default number of DSelect-k selectors k (experts a gate may select). */
    static final int DEFAULT_NONZEROS = 2;
    /** The default smooth-step width γ of DSelect-k. */
    static final double DEFAULT_GAMMA = 1.0;
    /** The default entropy-penalty strength of DSelect-k (LibMTL's; 0 turns it off). */
    static final double DEFAULT_ENTROPY = 1e-6;

    private ExpertArchitectures() {}

    /**
     * CGC; see {@link CgcBlock}.
     *
     * @param shared the number of shared experts S, at least 1
     * @param perTask the number of experts of each task T, at least 0
     * @param headWidth the hidden width of every task head
     * @return the architecture, spec {@code cgc:shared=S,specific=T,head=h}
     */
    static Architecture cgc(int shared, int perTask, int headWidth) {
        checkExperts("CGC", shared, perTask);
        checkHeadWidth(headWidth);
        return new BlockArchitecture("cgc", "cgc:shared=" + shared + ",specific=" + perTask + ",head=" + headWidth,
                "CGC", (input, tasks, encoder) -> new CgcBlock(input, tasks, encoder, shared, perTask, headWidth));
    }

    /**
     * PLE, with one extraction level per stage of the encoder design; see {@link PleBlock}.
     *
     * @param shared the number of shared experts S per level, at least 1
     * @param perTask the number of experts of each task T per level, at least 0
     * @param headWidth the hidden width of every task head
     * @return the architecture, spec {@code ple:shared=S,specific=T,head=h}
     */
    static Architecture ple(int shared, int perTask, int headWidth) {
        checkExperts("PLE", shared, perTask);
        checkHeadWidth(headWidth);
        return new BlockArchitecture("ple", "ple:shared=" + shared + ",specific=" + perTask + ",head=" + headWidth,
                "PLE", (input, tasks, encoder) -> new PleBlock(input, tasks, encoder, shared, perTask, headWidth));
    }

    /**
     * DSelect-k; see {@link DSelectKBlock}.
     *
     * @param experts the number of experts E, at least 2
     * @param nonzeros the number of selectors k per gate, in {@code [1, E]}
     * @param gamma the smooth-step width γ &gt; 0
     * @param entropy the entropy-penalty strength λ ≥ 0 (0: off)
     * @param headWidth the hidden width of every task head
     * @return the architecture, spec {@code dselect-k:experts=E,k=k,gamma=γ,entropy=λ,head=h}
     */
    static Architecture dselectK(int experts, int nonzeros, double gamma, double entropy, int headWidth) {
        checkArgument(experts >= 2, "DSelect-k needs at least two experts, got %s", experts);
        checkArgument(nonzeros >= 1 && nonzeros <= experts,
                "DSelect-k selects between 1 and %s experts (the expert count), got k = %s", experts, nonzeros);
        checkArgument(gamma > 0 && Double.isFinite(gamma), "DSelect-k's gamma must be positive, got %s", gamma);
        checkArgument(entropy >= 0 && Double.isFinite(entropy),
                "DSelect-k's entropy strength must be finite and non-negative, got %s", entropy);
        checkHeadWidth(headWidth);
        return new BlockArchitecture("dselect-k", "dselect-k:experts=" + experts + ",k=" + nonzeros + ",gamma=" + gamma
                + ",entropy=" + entropy + ",head=" + headWidth, "DSelect-k",
                (input, tasks, encoder) -> new DSelectKBlock(input, tasks, encoder, experts, nonzeros, gamma, entropy,
                        headWidth));
    }

    private static void checkExperts(String title, int shared, int perTask) {
        checkArgument(shared > 0, "%s needs at least one shared expert, got %s", title, shared);
        checkArgument(perTask >= 0, "%s's experts per task must not be negative, got %s", title, perTask);
    }
}
