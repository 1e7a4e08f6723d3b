package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * The answer of {@link LargeGroupingSolver} to the network-selection problem of Standley et al., "Which Tasks Should
 * Be Learned Together in Multi-task Learning?" (ICML 2020) on an {@link HoaInstance}: the chosen networks, their
 * objective {@code Σ_t min_{c ∈ S} L̂(c, t)}, a certified lower bound on the optimum and the gap between the two.
 *
 * <p>{@code lowerBound ≤ OPT ≤ objective} always holds; {@code gap = objective − lowerBound} (absolute, in loss
 * units). {@code exact} is true when the instance was solved exactly (then {@code selection} is the one
 * {@link Groupings#exact()} returns on the completed table, ties included, and the bound equals the objective) or
 * when the gap is within the tie window {@code 1e-9·max(1, |objective|)} (optimal objective; the tie-break among
 * equally good selections is then not guaranteed).
 *
 * @param selection the chosen networks, evaluated as {@link LossTable#evaluate} would on the completed table
 * @param objective {@code selection.objective()}
 * @param lowerBound a certified lower bound on the optimal objective
 * @param gap {@code objective − lowerBound}, at least 0
 * @param elapsed the wall time of the solve
 * @param exact whether {@code objective} is proven optimal
 * @param method how it was solved: {@code "exact"} (subset dynamic programming) or {@code "local-search"} (iterated
 *     local search, bounded by the size relaxation)
 */
public record LargeGroupingResult(Selection selection, double objective, double lowerBound, double gap,
        Duration elapsed, boolean exact, String method) {

    /** Checks the components. */
    public LargeGroupingResult {
        checkNotNull(selection, "selection");
        checkNotNull(elapsed, "elapsed");
        checkNotNull(method, "method");
        checkArgument(lowerBound <= objective, "the lower bound %s exceeds the objective %s", lowerBound, objective);
        checkArgument(gap >= 0, "the gap must be non-negative, got %s", gap);
    }

    /**
     * The gap relative to the objective, {@code gap / max(|objective|, 1e-300)}.
     *
     * @return the relative gap
     */
    public double relativeGap() {
        return gap / Math.max(Math.abs(objective), 1e-300);
    }
}
