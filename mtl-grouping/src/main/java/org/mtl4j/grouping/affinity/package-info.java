/**
 * Lookahead inter-task affinity (TAG; Fifty et al., "Efficiently Identifying Task Groupings for Multi-Task
 * Learning", NeurIPS 2021): {@link org.mtl4j.grouping.affinity.LookaheadAffinity} measures
 * {@code Z(i→j) = 1 − L_j(θ − η·g_i)/L_j(θ)} during one joint training run,
 * {@link org.mtl4j.grouping.affinity.AffinityMatrix} holds the averages, and
 * {@link org.mtl4j.grouping.affinity.AffinityGrouping} chooses at most {@code N} groups that maximise the affinity
 * every task receives, exactly.
 */
package org.mtl4j.grouping.affinity;
