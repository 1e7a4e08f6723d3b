/**
 * Lookahead inter-task affinity and transfer gains, measured during one joint training run, and the choice of
 * (possibly overlapping) task groups from them.
 *
 * <ul>
 *   <li>TAG (Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task Learning", NeurIPS 2021):
 *       {@link org.mtl4j.grouping.affinity.LookaheadAffinity} measures {@code Z(i→j) = 1 − L_j(θ − η·g_i)/L_j(θ)}
 *       with a plain SGD step, {@link org.mtl4j.grouping.affinity.AffinityMatrix} holds the averages, and
 *       {@link org.mtl4j.grouping.affinity.AffinityGrouping} chooses at most {@code N} groups that maximise the
 *       affinity every task receives, exactly.</li>
 *   <li>Principled task grouping (Wang, Pan and Yu, "Towards Principled Task Grouping for Multi-Task Learning", arXiv
 *       2402.15328, 2024): {@link org.mtl4j.grouping.affinity.OptimizerLookahead} measures
 *       {@code G(S → t) = 1 − L_t(θ + Δ_S)/L_t(θ)} with the update {@code Δ_S} the run's own optimiser would make
 *       (Adam's moments and bias correction included) for every task, pair and self-pair,
 *       {@link org.mtl4j.grouping.affinity.TransferGains} holds the averages, the transfer matrix and the predicted
 *       gain of every group, {@link org.mtl4j.grouping.affinity.OverlappingGroups} chooses groups exactly (the
 *       paper's program, or TAG's best-group objective) and {@link org.mtl4j.grouping.affinity.TransferGainRun}
 *       runs it all and writes the files.</li>
 * </ul>
 */
package org.mtl4j.grouping.affinity;
