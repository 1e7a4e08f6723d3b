package org.mtl4j.grouping.study;

import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.Selection;

/**
 * The outcome of a {@link GroupingStudy}: the measured losses (as written to {@code losses.csv}), the chosen networks
 * for every budget with their real test totals, the two fixed baselines of Standley et al., "Which Tasks Should Be
 * Learned Together in Multi-task Learning?" (ICML 2020) — one all-in-one network (cost 1) and independent
 * single-task networks (cost {@code n}) — and the pairwise relationship table.
 *
 * @param approximation how the candidates were trained
 * @param losses the losses table, read back from {@link #lossesCsv()}
 * @param lossesCsv the losses file
 * @param rows one row per budget, exactly what {@code mtl group --select <method> --report test} gives on
 *     {@link #lossesCsv()}
 * @param allInOne the all-in-one network on the test split
 * @param independent the full-size single-task networks on the test split
 * @param pairwise the pairwise relationships
 * @param candidates every result the study used, both phases
 * @param trained the networks trained by this run
 * @param reused the networks whose results were reused from disk
 * @param seconds wall time of this run
 */
public record StudyResult(StudyApproximation approximation, MeasuredLosses losses, Path lossesCsv,
        ImmutableList<BudgetSweep.Row> rows, Selection allInOne, Selection independent, PairwiseRelations pairwise,
        ImmutableList<CandidateResult> candidates, int trained, int reused, double seconds) {}
