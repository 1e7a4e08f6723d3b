/**
 * Task grouping: which tasks should be learned together, after Standley et al., "Which Tasks Should Be Learned
 * Together in Multi-task Learning?" (ICML 2020). Given candidate networks — each a task subset with an inference cost
 * and a measured loss per task it decodes — and a budget, choose the networks that minimise
 * {@code Σ_t min_{c ∈ S} L(c, t)} subject to {@code Σ_{c ∈ S} cost(c) ≤ B}, every task served.
 *
 * <p>Contents:
 * <ul>
 *   <li>the problem model: {@link org.mtl4j.grouping.Candidate}, {@link org.mtl4j.grouping.LossTable},
 *       {@link org.mtl4j.grouping.GroupingProblem} and the result {@link org.mtl4j.grouping.Selection};
 *   <li>exact solvers behind {@link org.mtl4j.grouping.Groupings} (two branch-and-bound searches and an exhaustive
 *       reference), all with the same documented tie-breaking;
 *   <li>instances too large to list: {@link org.mtl4j.grouping.HoaInstance} (measured singles, pairs and halves, every
 *       larger group completed by the higher-order approximation) solved by
 *       {@link org.mtl4j.grouping.LargeGroupingSolver} ({@link org.mtl4j.grouping.Groupings#large()}) — exactly, ties
 *       included, up to 20 tasks (a million networks), beyond that by local search with a certified lower bound and
 *       its gap ({@link org.mtl4j.grouping.LargeGroupingResult});
 *   <li>the paper's protocol and approximations: {@link org.mtl4j.grouping.Groupings#scoreOn} (select on one table,
 *       report on another), {@link org.mtl4j.grouping.Approximations} (higher-order and early-stopping),
 *       {@link org.mtl4j.grouping.SelectionMethod} and {@link org.mtl4j.grouping.BudgetSweep} (the loss-versus-budget
 *       experiment, as table, CSV and plot series);
 *   <li>input: {@link org.mtl4j.grouping.MeasuredLosses} reads the CSV layout of the paper's released losses;
 *       {@link org.mtl4j.grouping.SyntheticTables} makes seeded random studies of any size;
 *   <li>producing the losses: {@link org.mtl4j.grouping.study} trains every candidate network and runs the study end
 *       to end (resumable);
 *   <li>estimating the whole table from far fewer trainings — sampled higher-order affinity (Li et al., KDD 2023 /
 *       TMLR 2023) and Grad-TAE (Li et al., KDD 2024): {@link org.mtl4j.grouping.estimators};
 *   <li>the cheaper alternative of Fifty et al. (NeurIPS 2021), lookahead task affinity:
 *       {@link org.mtl4j.grouping.affinity};
 *   <li>the transfer taxonomy of Zamir et al. (CVPR 2018) with AHP normalisation: {@link org.mtl4j.grouping.taxonomy}.
 * </ul>
 */
package org.mtl4j.grouping;
