package org.mtl4j.grouping;

import java.util.Arrays;
import java.util.Comparator;
import java.util.function.DoublePredicate;

/**
 * The node bound of {@link CandidateBranchAndBound} that also prices the budget: relaxing "each task served once"
 * with multipliers {@code μ_t} and the budget with {@code λ ≥ 0}, maximised over {@code μ} by dual ascent
 * (Erlenkotter's, for facility location) for a few {@code λ} around the parent's best, plus a cover test. Holds each
 * task's serving candidates by ascending loss, the ascent's scratch ({@code μ}, the candidates' slacks) and the best
 * multiplier per depth; reads the search's current best loss per task from the array it shares.
 */
final class LagrangianBound {

    private static final int ASCENT_PASSES = 2;

    private final int n;
    private final int count;
    private final double[] oCost;
    private final int[][] oServed;
    /** The search's current best loss per task ({@code +∞} while uncovered), shared and updated in place. */
    private final double[] best;
    /** Per task: the ordered candidates serving it, by ascending loss, and those losses. */
    private final int[][] optIdx;
    private final double[][] optLoss;
    private final double[] slack;
    private final double[] mu;
    /** The Lagrange multiplier of the budget that gave the best bound at each depth (children start there). */
    private final double[] lambdaAt;
    private final double lambdaScale;

    LagrangianBound(OrderedCandidates c, double[] best) {
        this.n = c.n;
        this.count = c.count;
        this.oCost = c.cost;
        this.oServed = c.served;
        this.best = best;
        int[] perTask = new int[n];
        for (int[] ts : oServed) {
            for (int t : ts) {
                perTask[t]++;
            }
        }
        optIdx = new int[n][];
        optLoss = new double[n][];
        for (int t = 0; t < n; t++) {
            optIdx[t] = new int[perTask[t]];
            optLoss[t] = new double[perTask[t]];
            perTask[t] = 0;
        }
        for (int j = 0; j < count; j++) {
            for (int i = 0; i < oServed[j].length; i++) {
                int t = oServed[j][i];
                optIdx[t][perTask[t]++] = j;
            }
        }
        double spread = 0;
        for (int t = 0; t < n; t++) {
            final int task = t;
            optIdx[t] = Arrays.stream(optIdx[t]).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> c.lossOf(j, task)).thenComparingInt(j -> j))
                    .mapToInt(Integer::intValue).toArray();
            for (int i = 0; i < optIdx[t].length; i++) {
                optLoss[t][i] = c.lossOf(optIdx[t][i], t);
            }
            if (optLoss[t].length > 0) {
                spread += optLoss[t][optLoss[t].length - 1] - optLoss[t][0];
            }
        }
        double minCost = Arrays.stream(oCost).filter(x -> x > 0).min().orElse(1);
        lambdaScale = Math.max(spread, 1e-12) / minCost;
        slack = new double[count];
        mu = new double[n];
        lambdaAt = new double[count + 1];
    }

    /** Starts the root (depth 0) at the multiplier with the best root bound over a geometric grid (0 included). */
    void startRoot(double remaining) {
        double bestLambda = 0;
        double bestBound = dualAscent(0, 0, remaining);
        for (int k = -12; k <= 6; k++) {
            double lambda = lambdaScale * Math.pow(2, k);
            double b = dualAscent(lambda, 0, remaining);
            if (b > bestBound) {
                bestBound = b;
                bestLambda = lambda;
            }
        }
        lambdaAt[0] = bestLambda;
    }

    /** Starts the node at {@code depth} at its parent's multiplier. */
    void startChild(int depth) {
        lambdaAt[depth] = lambdaAt[depth - 1];
    }

    /**
     * The Lagrangian bound of the subtree of the node at {@code depth} whose extensions start at {@code from}: the
     * best of a few multipliers around the parent's, which becomes this node's. Stops trying multipliers as soon as
     * {@code prune} accepts the bound.
     *
     * @param covered how many tasks the node's selection serves
     * @param remaining the budget left (slack included)
     */
    double bound(int depth, int from, int covered, double remaining, DoublePredicate prune) {
        if (covered < n && !coverable(from, covered, remaining)) {
            return Double.POSITIVE_INFINITY;
        }
        double center = lambdaAt[depth];
        double[] tries = center > 0 ? new double[] {center, center * 0.5, center * 2, 0}
                : new double[] {0, lambdaScale / 16, lambdaScale};
        double bestBound = Double.NEGATIVE_INFINITY;
        for (double lambda : tries) {
            double b = dualAscent(lambda, from, remaining);
            if (b > bestBound) {
                bestBound = b;
                lambdaAt[depth] = lambda;
            }
            if (prune.test(bestBound)) {
                break;
            }
        }
        return bestBound;
    }

    /**
     * Whether the uncovered tasks can still be covered: {@code u} uncovered tasks cost at least
     * {@code u · min_c cost(c) / |served(c) ∩ uncovered|} over the available candidates.
     */
    private boolean coverable(int from, int covered, double remaining) {
        int uncovered = n - covered;
        double ratio = Double.POSITIVE_INFINITY;
        for (int j = from; j < count; j++) {
            if (oCost[j] > remaining) {
                continue;
            }
            int fresh = 0;
            for (int t : oServed[j]) {
                if (best[t] == Double.POSITIVE_INFINITY) {
                    fresh++;
                }
            }
            if (fresh > 0) {
                ratio = Math.min(ratio, oCost[j] / fresh);
            }
        }
        return ratio < Double.POSITIVE_INFINITY && uncovered * ratio <= remaining * (1 + 1e-12) + 1e-12;
    }

    /**
     * A Lagrangian lower bound by dual ascent (Erlenkotter's, for facility location). The completions choose a set
     * {@code A} of the available candidates (position ≥ {@code from}, cost ≤ {@code remaining}); each task is served
     * by one option, an available candidate or, if covered, its current best at no cost. Relaxing "served exactly
     * once" with multipliers {@code μ_t} and the budget with {@code λ ≥ 0} gives, for any {@code μ},
     * {@code Σ_t μ_t − λR + Σ_c min(0, λ·cost(c) − Σ_{t∈c} (μ_t − L(c,t))⁺)} ≤ every completion's objective. The
     * ascent raises each {@code μ_t} while every candidate keeps a non-negative slack, so the last sum is zero.
     */
    private double dualAscent(double lambda, int from, double remaining) {
        for (int j = from; j < count; j++) {
            slack[j] = lambda * oCost[j];
        }
        for (int t = 0; t < n; t++) {
            double m = best[t];
            int[] idx = optIdx[t];
            for (int i = 0; i < idx.length; i++) {
                int j = idx[i];
                if (j >= from && oCost[j] <= remaining) {
                    m = Math.min(m, optLoss[t][i]);
                    break;
                }
            }
            if (m == Double.POSITIVE_INFINITY) {
                return Double.POSITIVE_INFINITY;
            }
            mu[t] = m;
        }
        if (lambda > 0) {
            for (int pass = 0; pass < ASCENT_PASSES; pass++) {
                for (int t = 0; t < n; t++) {
                    double old = mu[t];
                    double cap = best[t];
                    int[] idx = optIdx[t];
                    double[] ls = optLoss[t];
                    for (int i = 0; i < idx.length && ls[i] < cap; i++) {
                        int j = idx[i];
                        if (j >= from && oCost[j] <= remaining) {
                            cap = Math.min(cap, slack[j] + Math.max(ls[i], old));
                        }
                    }
                    if (cap <= old || cap == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    mu[t] = cap;
                    for (int i = 0; i < idx.length && ls[i] < cap; i++) {
                        int j = idx[i];
                        if (j >= from && oCost[j] <= remaining) {
                            slack[j] -= cap - Math.max(ls[i], old);
                        }
                    }
                }
            }
        }
        double total = -lambda * remaining;
        for (int t = 0; t < n; t++) {
            total += mu[t];
        }
        return total;
    }
}
