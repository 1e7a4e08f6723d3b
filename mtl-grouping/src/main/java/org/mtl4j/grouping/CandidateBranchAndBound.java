package org.mtl4j.grouping;

import java.util.Arrays;
import java.util.function.DoublePredicate;

/**
 * Exact depth-first branch and bound over candidate networks, for any number of tasks.
 *
 * <p>A node is a partial selection that may only be extended with candidates later in a fixed order. Two lower bounds
 * prune it:
 * <ul>
 *   <li>the per-task bound {@code Σ_t min(best_t, min_{c ≥ j, cost(c) ≤ R} L(c, t))}: every task keeps its current
 *       best loss or takes the best loss any remaining affordable candidate offers ({@code R} is the remaining budget;
 *       affordability is resolved in up to eight cost buckets). It only grows with the position {@code j} of the next
 *       candidate, so a node's loop over candidates stops at the first {@code j} whose bound reaches the incumbent;
 *   <li>at every node, a Lagrangian bound that also prices the budget: relaxing "each task served once" with
 *       multipliers {@code μ_t} and the budget with {@code λ ≥ 0} gives
 *       {@code Σ_t μ_t − λR + Σ_c min(0, λ·cost(c) − Σ_{t∈c} (μ_t − L(c,t))⁺)}, maximised over {@code μ} by dual ascent
 *       (Erlenkotter's, for facility location) for a few {@code λ} around the parent's best; plus a cover test (the
 *       uncovered tasks need at least {@code |uncovered| · min_c cost(c)/|served(c) ∩ uncovered|}).
 * </ul>
 *
 * <p>Pruning and ordering:
 * <ul>
 *   <li>dominance: a candidate is dropped when another serves a superset of its tasks with no higher loss on any of
 *       them and costs less (or the same and comes first in the table) — some optimal, tie-winning selection never
 *       needs it;
 *   <li>a candidate that improves no task's current best is never added (dropping it from a selection keeps the
 *       objective and lowers cost or the network count);
 *   <li>candidates are ordered by their best rank among the networks serving any one task, so every task's best
 *       networks come first and the suffix bound rises evenly; a greedy selection seeds the incumbent.
 * </ul>
 * Ties are broken as {@link Ties} documents, in a second pass that enumerates the selections within the tie window.
 * The candidates, their order and the per-task bound are {@link OrderedCandidates}; the Lagrangian bound is
 * {@link LagrangianBound}; the depth-first search over them is here.
 */
final class CandidateBranchAndBound implements GroupingSolver {

    @Override
    public Selection solve(GroupingProblem problem) {
        return solve(new Compiled(problem));
    }

    Selection solve(Compiled cp) {
        Search search = new Search(cp);
        double optimum = search.optimise();
        Ties ties = new Ties(cp, optimum);
        search.collect(ties);
        return cp.selection(ties.winner());
    }

    @Override
    public String name() {
        return "branch-and-bound";
    }

    /** The search state over the ordered, dominance-filtered candidates. */
    private static final class Search {
        private final Compiled cp;
        private final OrderedCandidates candidates;
        private final LagrangianBound lagrangian;
        private final DoublePredicate pruned = this::prune;
        private final int n;
        /** Kept-candidate index of each ordered candidate. */
        private final int[] order;
        private final int count;
        private final double[] oCost;
        private final int[][] oServed;
        private final double[][] oLoss;

        private final double[] best;
        private int covered;
        private double spent;
        private final double[] spentBefore;
        private final double[] undo;
        private int undoTop;
        private final int[] chosen;

        private boolean collecting;
        private double incumbent;
        private Ties ties;

        Search(Compiled cp) {
            this.cp = cp;
            this.candidates = new OrderedCandidates(cp);
            this.n = cp.n;
            this.order = candidates.order;
            this.count = candidates.count;
            this.oCost = candidates.cost;
            this.oServed = candidates.served;
            this.oLoss = candidates.loss;
            best = new double[n];
            int maxDepth = count + 1;
            undo = new double[Math.max(1, Arrays.stream(oServed).mapToInt(a -> a.length).sum())];
            chosen = new int[maxDepth];
            spentBefore = new double[maxDepth];
            lagrangian = new LagrangianBound(candidates, best);
        }

        /** Phase one: the optimal objective. */
        double optimise() {
            collecting = false;
            incumbent = greedy();
            run();
            return incumbent;
        }

        /** Phase two: offers every selection within the tie window to {@code t}. */
        void collect(Ties t) {
            collecting = true;
            ties = t;
            run();
        }

        /** A greedy feasible selection's objective, or {@code +∞} if greedy fails to serve every task. */
        private double greedy() {
            double[] current = new double[n];
            double[] penalty = new double[n];
            for (int t = 0; t < n; t++) {
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < count; j++) {
                    for (int i = 0; i < oServed[j].length; i++) {
                        if (oServed[j][i] == t) {
                            lo = Math.min(lo, oLoss[j][i]);
                            hi = Math.max(hi, oLoss[j][i]);
                        }
                    }
                }
                penalty[t] = hi + (hi - lo) + 1;
                current[t] = penalty[t];
            }
            boolean[] used = new boolean[count];
            double budgetLeft = cp.budget + cp.budgetSlack;
            while (true) {
                int pick = -1;
                double pickRatio = 0;
                for (int j = 0; j < count; j++) {
                    if (used[j] || oCost[j] > budgetLeft) {
                        continue;
                    }
                    double gain = 0;
                    for (int i = 0; i < oServed[j].length; i++) {
                        gain += Math.max(0, current[oServed[j][i]] - oLoss[j][i]);
                    }
                    if (gain <= 0) {
                        continue;
                    }
                    double ratio = oCost[j] == 0 ? Double.POSITIVE_INFINITY : gain / oCost[j];
                    if (pick < 0 || ratio > pickRatio) {
                        pick = j;
                        pickRatio = ratio;
                    }
                }
                if (pick < 0) {
                    break;
                }
                used[pick] = true;
                budgetLeft -= oCost[pick];
                for (int i = 0; i < oServed[pick].length; i++) {
                    int t = oServed[pick][i];
                    current[t] = Math.min(current[t], oLoss[pick][i]);
                }
            }
            boolean[] serves = new boolean[n];
            for (int j = 0; j < count; j++) {
                if (used[j]) {
                    for (int t : oServed[j]) {
                        serves[t] = true;
                    }
                }
            }
            double total = 0;
            for (int t = 0; t < n; t++) {
                if (!serves[t]) {
                    return Double.POSITIVE_INFINITY;
                }
                total += current[t];
            }
            return total;
        }

        private void run() {
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            covered = 0;
            spent = 0;
            undoTop = 0;
            int[] next = new int[count + 1];
            int depth = 0;
            next[0] = 0;
            lagrangian.startRoot(cp.budget + cp.budgetSlack);
            if (prune(lagrangian.bound(0, 0, covered, cp.budget + cp.budgetSlack - spent, pruned))) {
                next[0] = count;
            }
            while (depth >= 0) {
                int j = next[depth];
                double remaining = cp.budget + cp.budgetSlack - spent;
                int bucket = candidates.bucketFor(remaining);
                int found = -1;
                while (j < count && bucket >= 0) {
                    if (prune(candidates.bound(best, j, bucket))) {
                        break;
                    }
                    if (oCost[j] <= remaining && improves(j) && affordableForTies(j)) {
                        found = j;
                        break;
                    }
                    j++;
                }
                if (found < 0) {
                    if (depth > 0) {
                        retract(chosen[depth - 1]);
                        spent = spentBefore[depth - 1];
                    }
                    depth--;
                    continue;
                }
                next[depth] = found + 1;
                chosen[depth] = found;
                spentBefore[depth] = spent;
                apply(found);
                depth++;
                next[depth] = found + 1;
                if (covered == n) {
                    leaf(depth);
                }
                lagrangian.startChild(depth);
                if (prune(lagrangian.bound(depth, found + 1, covered, cp.budget + cp.budgetSlack - spent, pruned))) {
                    next[depth] = count;
                }
            }
        }

        private boolean prune(double bound) {
            if (collecting) {
                return bound > ties.threshold() + cp.roundingSlack();
            }
            return bound >= incumbent - cp.roundingSlack();
        }

        private boolean affordableForTies(int j) {
            return !collecting || spent + oCost[j] <= ties.winnerCost() + cp.costSlack();
        }

        private void leaf(int depth) {
            double total = 0;
            for (double v : best) {
                total += v;
            }
            if (collecting) {
                int[] kept = new int[depth];
                for (int d = 0; d < depth; d++) {
                    kept[d] = order[chosen[d]];
                }
                ties.offer(kept, depth);
            } else if (total < incumbent) {
                incumbent = total;
            }
        }

        private boolean improves(int j) {
            for (int i = 0; i < oServed[j].length; i++) {
                if (oLoss[j][i] < best[oServed[j][i]]) {
                    return true;
                }
            }
            return false;
        }

        private void apply(int j) {
            spent += oCost[j];
            for (int i = 0; i < oServed[j].length; i++) {
                int t = oServed[j][i];
                undo[undoTop++] = best[t];
                if (best[t] == Double.POSITIVE_INFINITY) {
                    covered++;
                }
                best[t] = Math.min(best[t], oLoss[j][i]);
            }
        }

        private void retract(int j) {
            for (int i = oServed[j].length - 1; i >= 0; i--) {
                int t = oServed[j][i];
                best[t] = undo[--undoTop];
                if (best[t] == Double.POSITIVE_INFINITY) {
                    covered--;
                }
            }
        }
    }
}
