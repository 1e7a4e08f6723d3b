package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded random loss tables with the structure of a grouping study, for benchmarks, tests and demonstrations of the
 * solvers for Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?" (ICML 2020) beyond
 * five tasks.
 *
 * <p>Model: task {@code t} has a base loss {@code b_t ~ U(0.5, 1.5)}; task {@code s} changes task {@code t}'s loss by
 * a transfer {@code a(t, s) ~ N(0, 0.1²)} (positive helps, negative hurts, not symmetric). In a full-size network
 * {@code N ∋ t}, {@code L(N, t) = b_t · exp(−mean_{s ∈ N∖t} a(t, s) + 0.2·(|N|−1)/(n−1) + ε)}, where the middle term
 * is a capacity penalty for sharing an encoder among many tasks and {@code ε ~ N(0, 0.02²)} is training noise; a
 * half-size single-task network has {@code L = b_t · exp(0.08 + ε)}. Full networks cost 1, half-size ones 0.5, as in
 * the paper. So sharing sometimes helps and sometimes hurts, and the best grouping is not obvious. Tasks are named
 * {@code a, b, c, …} (up to 26), else {@code t0, t1, …}. Same seed, same table.
 */
public final class SyntheticTables {

    private SyntheticTables() {}

    /**
     * Every non-empty task subset as a full-size network plus a half-size network per task: {@code 2^n − 1 + n}
     * candidates (65,551 for 16 tasks).
     *
     * @param tasks the number of tasks, 1 to 20
     * @param seed the random seed
     * @return the table
     */
    public static LossTable allSubsets(int tasks, long seed) {
        checkArgument(tasks >= 1 && tasks <= 20, "tasks must be between 1 and 20, got %s", tasks);
        Model model = new Model(tasks, seed);
        List<Candidate> out = new ArrayList<>();
        for (int mask = 1; mask < 1 << tasks; mask++) {
            out.add(model.full(mask));
        }
        for (int t = 0; t < tasks; t++) {
            out.add(model.half(t));
        }
        return LossTable.of(model.names, out);
    }

    /**
     * Full-size single-task and pair networks plus a half-size network per task: {@code n(n+1)/2 + n} candidates, the
     * networks HOA needs.
     *
     * @param tasks the number of tasks, at least 1
     * @param seed the random seed
     * @return the table
     */
    public static LossTable pairsAndSingles(int tasks, long seed) {
        checkArgument(tasks >= 1 && tasks <= 64, "tasks must be between 1 and 64, got %s", tasks);
        Model model = new Model(tasks, seed);
        List<Candidate> out = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            out.add(model.full(1L << t));
        }
        for (int t = 0; t < tasks; t++) {
            for (int s = t + 1; s < tasks; s++) {
                out.add(model.full((1L << t) | (1L << s)));
            }
        }
        for (int t = 0; t < tasks; t++) {
            out.add(model.half(t));
        }
        return LossTable.of(model.names, out);
    }

    private static final class Model {
        final int n;
        final List<String> names = new ArrayList<>();
        final double[] base;
        final double[][] transfer;
        final SplittableRandom noise;

        Model(int n, long seed) {
            this.n = n;
            SplittableRandom rnd = new SplittableRandom(seed);
            base = new double[n];
            transfer = new double[n][n];
            for (int t = 0; t < n; t++) {
                names.add(n <= 26 ? String.valueOf((char) ('a' + t)) : "t" + t);
                base[t] = 0.5 + rnd.nextDouble();
                for (int s = 0; s < n; s++) {
                    transfer[t][s] = s == t ? 0 : 0.1 * gaussian(rnd);
                }
            }
            noise = rnd.split();
        }

        Candidate full(long mask) {
            int size = Long.bitCount(mask);
            List<String> members = new ArrayList<>();
            Map<String, Double> losses = new LinkedHashMap<>();
            for (int t = 0; t < n; t++) {
                if ((mask & (1L << t)) == 0) {
                    continue;
                }
                members.add(names.get(t));
                double mean = 0;
                for (int s = 0; s < n; s++) {
                    if (s != t && (mask & (1L << s)) != 0) {
                        mean += transfer[t][s];
                    }
                }
                mean = size > 1 ? mean / (size - 1) : 0;
                double penalty = n > 1 ? 0.2 * (size - 1) / (n - 1) : 0;
                losses.put(names.get(t), base[t] * Math.exp(-mean + penalty + 0.02 * gaussian(noise)));
            }
            return Candidate.of(Names.network(members), 1, losses);
        }

        Candidate half(int t) {
            return Candidate.of(names.get(t) + "(half)", 0.5,
                    Map.of(names.get(t), base[t] * Math.exp(0.08 + 0.02 * gaussian(noise))));
        }

        /** Box–Muller, so the tables do not depend on the JDK's Gaussian algorithm. */
        private static double gaussian(SplittableRandom r) {
            double u = 1 - r.nextDouble();
            double v = r.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }
    }
}
