package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Weights on the simplex that a stateful strategy keeps from step to step (MoDo's λ, SDMGrad's w) while tasks come
 * and go: a step works on the share of the tasks present, renormalised to sum 1 (uniform when they hold no mass), and
 * its result replaces that share, scaled back to the mass it had, so absent tasks keep theirs.
 */
final class SimplexShare {

    private final String owner;
    private double[] weights;
    private int[] idx;
    private double mass;

    SimplexShare(String owner) {
        this.owner = owner;
    }

    /**
     * The present tasks' share, starting uniform over all K tasks.
     *
     * @param k the number of tasks
     * @param present the indices of the present tasks, non-empty
     * @return their weights, renormalised to sum 1
     */
    double[] share(int k, int[] present) {
        start(k);
        idx = present;
        mass = 0;
        for (int i : present) {
            mass += weights[i];
        }
        double[] sub = new double[present.length];
        for (int i = 0; i < present.length; i++) {
            sub[i] = present.length == k ? weights[present[i]]
                    : mass > 0 ? weights[present[i]] / mass : 1.0 / present.length;
        }
        return sub;
    }

    /**
     * Starts uniform over K tasks unless weights for K tasks are kept already.
     *
     * @param k the number of tasks
     */
    void start(int k) {
        if (weights == null || weights.length != k) {
            weights = new double[k];
            Arrays.fill(weights, 1.0 / k);
        }
    }

    /**
     * Stores a step's result for the share last handed out.
     *
     * @param next the present tasks' new weights, on the simplex
     */
    void store(double[] next) {
        checkArgument(idx != null && next.length == idx.length, "%s: %s weights for the share of %s tasks", owner,
                next.length, idx == null ? 0 : idx.length);
        for (int i = 0; i < idx.length; i++) {
            weights[idx[i]] = idx.length == weights.length ? next[i] : next[i] * mass;
        }
    }

    /** @return a copy of the weights, or null before the first step */
    double[] values() {
        return weights == null ? null : weights.clone();
    }

    /**
     * Restores checkpointed weights.
     *
     * @param values the weights, non-negative and summing to 1, or null to start uniform
     * @param name the state's name, for messages
     */
    void restore(double[] values, String name) {
        if (values != null) {
            double sum = 0;
            for (double v : values) {
                checkArgument(v >= 0 && Double.isFinite(v), "%s: checkpoint %s has entry %s", owner, name, v);
                sum += v;
            }
            checkArgument(Math.abs(sum - 1) < 1e-6, "%s: checkpoint %s sums to %s, not 1", owner, name, sum);
        }
        weights = values == null ? null : values.clone();
    }
}
