package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.function.Consumer;

/**
 * Trains candidate networks of a task-grouping study: one {@link CandidateSpec} in, one {@link CandidateResult} out.
 * The study ({@link GroupingStudy}) decides which candidates are needed, skips those already on disk and stores each
 * result as it arrives; an executor only trains. The contract is what lets the candidates of one study — the
 * {@code 2^n − 1} task subsets of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020) — run one per job: {@link InProcessExecutor} trains them one after the other in this JVM; a cluster
 * executor overrides {@link #executeAll} to submit every spec as its own job and hands each result to the callback
 * on the driver as soon as it comes back.
 *
 * <p>Implementations must be deterministic for a given spec (same spec, same losses up to the engine's
 * reproducibility) and must not train two networks at once in one JVM (DJL allows one gradient collector per JVM).
 */
public interface CandidateExecutor {

    /**
     * Trains one candidate and measures its validation and test losses.
     *
     * @param spec the candidate
     * @return its losses
     */
    CandidateResult execute(CandidateSpec spec);

    /**
     * Trains several candidates and hands every result to {@code onFinished} as soon as it is ready (on the calling
     * thread, one at a time). The default runs {@link #execute} in order.
     *
     * @param specs the candidates, in the order the study prefers
     * @param onFinished receives each result; the study writes it to disk there, so a crash loses at most the
     *     candidates still running
     */
    default void executeAll(List<CandidateSpec> specs, Consumer<CandidateResult> onFinished) {
        checkNotNull(specs, "specs");
        checkNotNull(onFinished, "onFinished");
        for (CandidateSpec s : specs) {
            onFinished.accept(execute(s));
        }
    }
}
