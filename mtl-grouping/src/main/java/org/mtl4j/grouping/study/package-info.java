/**
 * The task-grouping study of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020), end to end: {@link org.mtl4j.grouping.study.GroupingStudy} plans the candidate networks (every task
 * subset and half-size single-task networks, or singles and pairs for the higher-order approximation, optionally
 * early-stopped), trains them through a {@link org.mtl4j.grouping.study.CandidateExecutor} (one
 * {@link org.mtl4j.grouping.study.CandidateSpec} in, one {@link org.mtl4j.grouping.study.CandidateResult} out;
 * {@link org.mtl4j.grouping.study.InProcessExecutor} here, a cluster executor elsewhere), keeps every finished
 * candidate on disk ({@link org.mtl4j.grouping.study.CandidateStore}) so a study resumes, writes the losses in the
 * paper's CSV layout ({@link org.mtl4j.grouping.study.LossesCsv}), solves every budget exactly, trains the chosen
 * networks fully when an approximation was used, and reports against the all-in-one and independent baselines with
 * the pairwise relationship table ({@link org.mtl4j.grouping.study.PairwiseRelations}).
 */
package org.mtl4j.grouping.study;
