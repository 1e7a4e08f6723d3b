package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * The reference solver: enumerates every subset of the affordable candidates whose total cost fits the budget (no
 * bound on the objective, no dominance), twice: once for the optimum, once to apply the tie-breaking of {@link Ties}.
 * Exponential in the number of candidates; for tests.
 */
final class ExhaustiveSolver implements GroupingSolver {

    static final int MAX_CANDIDATES = 40;

    @Override
    public Selection solve(GroupingProblem problem) {
        Compiled cp = new Compiled(problem);
        checkArgument(cp.m <= MAX_CANDIDATES,
                "exhaustive search enumerates up to 2^m subsets: %s affordable candidates is too many (limit %s)", cp.m,
                MAX_CANDIDATES);
        Walk first = new Walk(cp, null);
        first.run();
        Ties ties = new Ties(cp, first.optimum);
        new Walk(cp, ties).run();
        return cp.selection(ties.winner());
    }

    @Override
    public String name() {
        return "exhaustive";
    }

    /** One depth-first walk over include/exclude decisions in table order. */
    private static final class Walk {
        private final Compiled cp;
        private final Ties ties;
        private final double[] best;
        private final double[] saved;
        private final int[] chosen;
        double optimum = Double.POSITIVE_INFINITY;

        Walk(Compiled cp, Ties ties) {
            this.cp = cp;
            this.ties = ties;
            this.best = new double[cp.n];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            this.saved = new double[cp.m * cp.n];
            this.chosen = new int[cp.m];
        }

        void run() {
            visit(0, 0, 0);
        }

        private void visit(int next, int count, double spent) {
            if (count > 0) {
                double total = 0;
                for (double v : best) {
                    total += v;
                }
                if (total < Double.POSITIVE_INFINITY) {
                    if (ties == null) {
                        optimum = Math.min(optimum, total);
                    } else {
                        ties.offer(chosen, count);
                    }
                }
            }
            for (int c = next; c < cp.m; c++) {
                double s = spent + cp.cost[c];
                if (s > cp.budget + cp.budgetSlack) {
                    continue;
                }
                int base = count * cp.n;
                System.arraycopy(best, 0, saved, base, cp.n);
                for (int i = 0; i < cp.served[c].length; i++) {
                    int t = cp.served[c][i];
                    best[t] = Math.min(best[t], cp.servedLoss[c][i]);
                }
                chosen[count] = c;
                visit(c + 1, count + 1, s);
                System.arraycopy(saved, base, best, 0, cp.n);
            }
        }
    }
}
