package org.mtl4j.grouping.taxonomy;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * The source tasks chosen under a supervision budget by {@link TaxonomyProblem#solve}, and what every target then
 * uses: the Taskonomy answer (Zamir et al., CVPR 2018) to "which tasks should be labelled, and how should every
 * other task be solved from them?".
 *
 * @param sources the chosen source tasks, in task order
 * @param cost their total supervision cost
 * @param objective {@code Σ_t ω_t · quality_t(chosen transfer)}
 * @param transfer target → the label of its chosen contender ({@code scratch}, {@code d}, {@code d+n}, or the target
 *     itself)
 * @param quality target → the AHP quality of that contender
 */
public record TaxonomySelection(ImmutableList<String> sources, double cost, double objective,
        ImmutableMap<String, String> transfer, ImmutableMap<String, Double> quality) {}
