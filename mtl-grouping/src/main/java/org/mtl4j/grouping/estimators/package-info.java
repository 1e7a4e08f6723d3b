/**
 * Estimators of the losses table of the task-grouping problem (Standley et al., ICML 2020) that train far fewer
 * networks than the full study, each producing an {@link org.mtl4j.grouping.estimators.EstimatedLosses} — a loss for
 * every task in every task subset, in the CSV layout {@code mtl group --losses} reads — for the exact solver:
 * <ul>
 *   <li>{@link org.mtl4j.grouping.estimators.SampledHigherOrderAffinity}: networks on {@code m} random subsets of a
 *       fixed size ({@link org.mtl4j.grouping.estimators.TaskSubsetSampler}), through the study's
 *       {@link org.mtl4j.grouping.study.CandidateExecutor}, and a per-task surrogate
 *       ({@link org.mtl4j.grouping.estimators.HigherOrderSurrogate}: ridge regression on the partners' indicators,
 *       Li et al., TMLR 2023, or the mean over subsets containing a pair, Li et al., KDD 2023) that completes every
 *       subset;
 *   <li>{@link org.mtl4j.grouping.estimators.GradTae}: one network on all tasks, per-sample gradients projected to a
 *       few dimensions ({@link org.mtl4j.grouping.estimators.GradientProjection},
 *       {@link org.mtl4j.grouping.estimators.SampleGradients}) and, per subset, the linearised multitask fit
 *       ({@link org.mtl4j.grouping.estimators.LinearisedFit}, {@link org.mtl4j.grouping.estimators.LossLink}) whose
 *       implied parameters give every task's loss without training (Li et al., KDD 2024).
 * </ul>
 */
package org.mtl4j.grouping.estimators;
