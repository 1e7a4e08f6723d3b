package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.concurrent.ForkJoinPool;

/**
 * Network selection (Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?", ICML 2020) on
 * HOA-completed instances too large to list: minimise
 *
 * <pre>
 *   Σ_t min_{c ∈ S, t ∈ c} L̂(c, t)   subject to   Σ_{c ∈ S} cost(c) ≤ B,  every task served,
 * </pre>
 *
 * over all {@code 2^n − 1} full-size networks of an {@link HoaInstance} (losses completed from the pairs,
 * {@code L̂(N, t) = mean_{s ∈ N∖t} L({t, s}, t)}) and its half-size networks. Every group {@code G} of tasks served by
 * one network is best served by {@code f(G) = min_{N ⊇ G} Σ_{t∈G} L̂(N, t)}, which has a closed form: {@code G} plus
 * the outside tasks {@code a} in ascending order of {@code Σ_{t∈G} L({t, a}, t)} while each lowers the mean.
 *
 * <ul>
 *   <li><b>Exact</b>, up to {@link #exactTaskLimit()} tasks (default 20; at most 24): {@code f} for all
 *       {@code 2^n} groups, then {@code P_j(W)}, the best partition of a task set {@code W} into at most {@code j}
 *       groups, layer by layer ({@code P_j(W) = min_{G ∋ min W} f(G) + P_{j−1}(W ∖ G)}) for the affordable numbers
 *       of full-size networks, minimised over the sets of half-size networks; a second walk through the partitions
 *       within the tie window applies the tie-break. The selection is exactly the one {@link Groupings#exact()}
 *       returns on {@link HoaInstance#completed()}, ties included (the {@link GroupingSolver} contract), and the
 *       lower bound equals the objective. Cost {@code O(2^n·n log n + L·3^{n−1}/2)} for {@code L} partition layers
 *       (fewer than the affordable full-size networks; the layers stop when they stop changing), memory one
 *       {@code double[2^n]} per layer (8 MiB at 20 tasks). Measured at 20 tasks on two busy cores: about 1–4 s at
 *       budget 3, at most about 16 s at any budget.
 *   <li><b>Beyond</b>: iterated local search over task partitions (the all-in-one, an agglomerative and seeded random
 *       starts; moving a task to another group, to a new group or to its half-size network, swapping two tasks;
 *       random kicks; polishing through the networks' auxiliary tasks), stopped after {@link #starts()} random starts
 *       of {@link #kicks()} kicks or at the time limit. Its certified lower bound is the exact optimum of the
 *       relaxation in which every task takes its best partners on its own: a task in a served group of size
 *       {@code g} pays at least {@code r_t(g)}, the mean of its {@code g − 1} smallest pair losses ({@code r_t(1) =
 *       min(L({t}, t), min_s L({t, s}, t))}), because the network serving it holds at least {@code g} tasks and
 *       {@code r_t} only grows with {@code g}; the relaxed problem (half-size set, group sizes, then a task-to-slot
 *       assignment by the Hungarian method) is solved exactly, and {@code 1e-11·max(1, Σ_t max |loss|)} is
 *       subtracted for rounding. On the synthetic instances up to 20 tasks, where the optimum is known, the search
 *       found it every time and the bound was 5–9 % below it, so the reported gap mostly measures the bound.
 * </ul>
 *
 * <p>Immutable; configure with the {@code with…} methods. Deterministic for a given seed unless the time limit cuts
 * the local search short.
 */
public final class LargeGroupingSolver {

    private final int exactTaskLimit;
    private final int threads;
    private final long seed;
    private final Duration timeLimit;
    private final int starts;
    private final int kicks;

    private LargeGroupingSolver(int exactTaskLimit, int threads, long seed, Duration timeLimit, int starts,
            int kicks) {
        this.exactTaskLimit = exactTaskLimit;
        this.threads = threads;
        this.seed = seed;
        this.timeLimit = timeLimit;
        this.starts = starts;
        this.kicks = kicks;
    }

    /**
     * The defaults: exact up to 20 tasks, all available processors, seed 1, a 60 s limit for the local search, 16
     * random starts of 200 kicks each.
     *
     * @return the solver
     */
    public static LargeGroupingSolver defaults() {
        return new LargeGroupingSolver(HoaExact.DEFAULT_TASKS, Runtime.getRuntime().availableProcessors(), 1,
                Duration.ofSeconds(60), 16, 200);
    }

    /**
     * The same solver with another limit for the exact method.
     *
     * @param tasks solve exactly up to this many tasks, 0 to 24 (0: always search; 24 tasks take minutes per layer)
     * @return the solver
     */
    public LargeGroupingSolver withExactTaskLimit(int tasks) {
        checkArgument(tasks >= 0 && tasks <= HoaExact.MAX_TASKS, "exact task limit must be 0 to %s, got %s",
                HoaExact.MAX_TASKS, tasks);
        return new LargeGroupingSolver(tasks, threads, seed, timeLimit, starts, kicks);
    }

    /**
     * The same solver with another thread count for the exact method's tables.
     *
     * @param count the number of threads, at least 1
     * @return the solver
     */
    public LargeGroupingSolver withThreads(int count) {
        checkArgument(count >= 1, "thread count must be at least 1, got %s", count);
        return new LargeGroupingSolver(exactTaskLimit, count, seed, timeLimit, starts, kicks);
    }

    /**
     * The same solver with another seed for the local search's random starts and kicks.
     *
     * @param newSeed the seed
     * @return the solver
     */
    public LargeGroupingSolver withSeed(long newSeed) {
        return new LargeGroupingSolver(exactTaskLimit, threads, newSeed, timeLimit, starts, kicks);
    }

    /**
     * The same solver with another wall-time limit for the local search (the exact method and the bound always run to
     * the end).
     *
     * @param limit a positive duration
     * @return the solver
     */
    public LargeGroupingSolver withTimeLimit(Duration limit) {
        checkNotNull(limit, "limit");
        checkArgument(!limit.isNegative() && !limit.isZero(), "time limit must be positive, got %s", limit);
        return new LargeGroupingSolver(exactTaskLimit, threads, seed, limit, starts, kicks);
    }

    /**
     * The same solver with another local-search effort.
     *
     * @param randomStarts random starts besides the all-in-one and agglomerative ones, at least 0
     * @param kicksPerStart kicks per start, at least 0
     * @return the solver
     */
    public LargeGroupingSolver withEffort(int randomStarts, int kicksPerStart) {
        checkArgument(randomStarts >= 0, "random starts must be non-negative, got %s", randomStarts);
        checkArgument(kicksPerStart >= 0, "kicks per start must be non-negative, got %s", kicksPerStart);
        return new LargeGroupingSolver(exactTaskLimit, threads, seed, timeLimit, randomStarts, kicksPerStart);
    }

    /**
     * The most tasks solved exactly.
     *
     * @return the limit
     */
    public int exactTaskLimit() {
        return exactTaskLimit;
    }

    /**
     * The local search's random starts.
     *
     * @return the count
     */
    public int starts() {
        return starts;
    }

    /**
     * The local search's kicks per start.
     *
     * @return the count
     */
    public int kicks() {
        return kicks;
    }

    /**
     * Solves an instance under a budget.
     *
     * @param instance the HOA instance
     * @param budget the total cost allowed, at least {@link HoaInstance#cheapestCoverCost()}
     * @return the selection with its objective, lower bound and gap
     * @throws IllegalArgumentException if the budget is not finite, negative, or below the cheapest cover
     */
    public LargeGroupingResult solve(HoaInstance instance, double budget) {
        checkNotNull(instance, "instance");
        checkArgument(Double.isFinite(budget) && budget >= 0, "budget must be finite and non-negative, got %s", budget);
        double cover = instance.cheapestCoverCost();
        checkArgument(cover <= budget + Tolerances.budgetSlack(budget),
                "budget %s is below the cheapest cover of all %s tasks, which costs %s", budget, instance.n, cover);
        long start = System.nanoTime();
        if (instance.n <= exactTaskLimit) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                Selection s = new HoaExact(instance, budget, pool).solve();
                return new LargeGroupingResult(s, s.objective(), s.objective(), 0,
                        Duration.ofNanos(System.nanoTime() - start), true, "exact");
            } finally {
                pool.shutdown();
            }
        }
        HoaLocalSearch search = new HoaLocalSearch(instance, budget, seed, start + timeLimit.toNanos());
        HoaLocalSearch.Found found = search.run(starts, kicks);
        Selection s = instance.evaluate(found.networks(), found.networks().length, found.halves());
        double relaxed = new HoaLowerBound(instance, budget).bound();
        double bound = Math.min(s.objective(), relaxed - roundingSlack(instance));
        double gap = Math.max(0, s.objective() - bound);
        return new LargeGroupingResult(s, s.objective(), bound, gap, Duration.ofNanos(System.nanoTime() - start),
                gap <= Tolerances.tieWindow(s.objective()), "local-search");
    }

    /** {@code 1e-11·max(1, Σ_t max |loss|)}: covers the different summation orders of the bound and the objective. */
    static double roundingSlack(HoaInstance hoa) {
        int n = hoa.n;
        double scale = 0;
        for (int t = 0; t < n; t++) {
            double m = Math.abs(hoa.single[t]);
            for (int s = 0; s < n; s++) {
                m = Math.max(m, Math.abs(hoa.pair[t * n + s]));
            }
            if (!Double.isNaN(hoa.half[t])) {
                m = Math.max(m, Math.abs(hoa.half[t]));
            }
            scale += m;
        }
        return 1e-11 * Math.max(1, scale);
    }

    @Override
    public String toString() {
        return "LargeGroupingSolver{exactTaskLimit=" + exactTaskLimit + ", threads=" + threads + ", seed=" + seed
                + ", timeLimit=" + timeLimit + ", starts=" + starts + ", kicks=" + kicks + "}";
    }
}
