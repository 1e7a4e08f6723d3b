package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The index form of a problem shared by the solvers: the affordable candidates (cost within the budget), their served
 * task indices and losses, and a dense candidate × task loss matrix ({@code +∞} where a task is not served).
 */
final class Compiled {

    final GroupingProblem problem;
    final LossTable table;
    final double budget;
    final double budgetSlack;
    final int n;
    final int m;
    /** Table position of each kept candidate, ascending. */
    final int[] position;
    final double[] cost;
    final int[][] served;
    final double[][] servedLoss;
    /** {@code loss[c * n + t]}, {@code +∞} if c does not serve t. */
    final double[] loss;
    /** {@code Σ_t max_c |L(c, t)|}: the scale of any objective, for rounding slacks. */
    final double scale;

    Compiled(GroupingProblem problem) {
        this.problem = problem;
        this.table = problem.table();
        this.budget = problem.budget();
        this.budgetSlack = Tolerances.budgetSlack(budget);
        this.n = table.tasks().size();
        int total = table.candidates().size();
        int[] keep = new int[total];
        int k = 0;
        for (int p = 0; p < total; p++) {
            if (table.candidates().get(p).cost() <= budget + budgetSlack) {
                keep[k++] = p;
            }
        }
        this.m = k;
        this.position = Arrays.copyOf(keep, k);
        checkArgument((long) m * n <= 100_000_000L, "problem too large for the solvers: %s candidates x %s tasks", m, n);
        this.cost = new double[m];
        this.served = new int[m][];
        this.servedLoss = new double[m][];
        this.loss = new double[m * n];
        Arrays.fill(loss, Double.POSITIVE_INFINITY);
        double[] maxAbs = new double[n];
        for (int c = 0; c < m; c++) {
            Candidate cand = table.candidates().get(position[c]);
            cost[c] = cand.cost();
            int[] ts = cand.losses().keySet().stream().mapToInt(table::taskIndex).sorted().toArray();
            served[c] = ts;
            servedLoss[c] = new double[ts.length];
            for (int i = 0; i < ts.length; i++) {
                double l = cand.losses().get(table.tasks().get(ts[i]));
                servedLoss[c][i] = l;
                loss[c * n + ts[i]] = l;
                maxAbs[ts[i]] = Math.max(maxAbs[ts[i]], Math.abs(l));
            }
        }
        double s = 0;
        for (double v : maxAbs) {
            s += v;
        }
        this.scale = s;
    }

    /** Slack for comparing bounds and path sums that were added up in a different order than the objective. */
    double roundingSlack() {
        return 1e-11 * Math.max(1, scale);
    }

    /** Slack for comparing costs summed in different orders. */
    double costSlack() {
        return 1e-12 * Math.max(1, budget);
    }

    /** The canonical objective of a set of kept candidates (+∞ if a task is not served): task order, exact minima. */
    double objective(int[] kept, int count) {
        double total = 0;
        for (int t = 0; t < n; t++) {
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i < count; i++) {
                best = Math.min(best, loss[kept[i] * n + t]);
            }
            total += best;
        }
        return total;
    }

    /** The canonical cost of a set of kept candidates: summed in table order. */
    double canonicalCost(int[] sortedKept) {
        double total = 0;
        for (int c : sortedKept) {
            total += cost[c];
        }
        return total;
    }

    /** The selection for a set of kept candidates. */
    Selection selection(int[] kept) {
        int[] positions = Arrays.stream(kept).map(c -> position[c]).sorted().toArray();
        return table.evaluate(positions);
    }
}
