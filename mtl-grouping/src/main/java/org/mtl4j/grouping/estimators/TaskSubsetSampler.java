package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Seeded sampling of random task subsets of one fixed size, the training plan of the sampled higher-order affinity
 * of Li et al., "Boosting Multitask Learning on Graphs through Higher-Order Task Affinities" (KDD 2023) and of the
 * surrogate models of Li et al., "Identification of Negative Transfers in Multitask Learning Using Surrogate Models"
 * (TMLR 2023): {@code m} distinct subsets {@code S ⊆ {1 … n}} with {@code |S| = s}, drawn uniformly without
 * replacement from the {@code C(n, s)} subsets of that size (the reference code also skips a subset it has already
 * drawn).
 *
 * <p>Deterministic per seed: subset {@code k} of a draw is a function of {@code (n, s, seed)} and the subsets drawn
 * before it, so while both draws take at most half of the subsets, a larger {@code m} with the same seed extends a
 * smaller draw (its first subsets are the smaller draw). When {@code m ≥ C(n, s)} every subset of size {@code s} is
 * returned, so every pair of tasks occurs together once {@code m} reaches {@code C(n, s)} (for {@code s ≥ 2});
 * {@link #uncoveredPairs} tells whether a smaller draw already covers every pair — the averaging surrogate needs
 * that.
 *
 * <p>Cost: {@code O(m·s)} expected time while {@code m} is at most half of {@code C(n, s)}; beyond that the subsets
 * are drawn by a seeded partial shuffle of all {@code C(n, s)} subsets (at most {@value #ENUMERATION_LIMIT}).
 */
public final class TaskSubsetSampler {

    /** The most subsets enumerated when a draw asks for more than half of them. */
    public static final int ENUMERATION_LIMIT = 1 << 22;

    private TaskSubsetSampler() {}

    /**
     * Draws {@code count} distinct subsets of {@code size} task indices out of {@code n}, or all of them when
     * {@code count ≥ C(n, size)}.
     *
     * @param n the number of tasks, at least 1 and at most 63
     * @param size the subset size {@code s}, in {@code [1, n]}
     * @param count the number of subsets {@code m}, at least 1
     * @param seed the seed
     * @return the subsets as bit masks over the task indices, in draw order
     * @throws IllegalArgumentException on a size outside {@code [1, n]}, a non-positive count, or a draw of more than
     *     half of more than {@value #ENUMERATION_LIMIT} subsets
     */
    public static ImmutableList<Long> sampleMasks(int n, int size, int count, long seed) {
        checkArgument(n >= 1 && n <= 63, "the number of tasks must lie in [1, 63], got %s", n);
        checkArgument(size >= 1 && size <= n, "the subset size must lie in [1, %s], got %s", n, size);
        checkArgument(count >= 1, "the number of subsets must be positive, got %s", count);
        BigInteger total = binomial(n, size);
        SplittableRandom random = new SplittableRandom(seed);
        if (BigInteger.valueOf(count).shiftLeft(1).compareTo(total) > 0) {
            checkArgument(total.compareTo(BigInteger.valueOf(ENUMERATION_LIMIT)) <= 0,
                    "drawing %s of the %s subsets of size %s: at most %s subsets are enumerated; draw fewer", count,
                    total, size, ENUMERATION_LIMIT);
            List<Long> all = new ArrayList<>();
            enumerate(n, size, 0, 0L, all);
            int m = Math.min(count, all.size());
            for (int i = 0; i < m; i++) { // partial Fisher–Yates
                int j = i + random.nextInt(all.size() - i);
                Long tmp = all.get(i);
                all.set(i, all.get(j));
                all.set(j, tmp);
            }
            return ImmutableList.copyOf(all.subList(0, m));
        }
        Set<Long> seen = new HashSet<>();
        ImmutableList.Builder<Long> out = ImmutableList.builder();
        int[] order = new int[n];
        while (seen.size() < count) {
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            long mask = 0;
            for (int i = 0; i < size; i++) { // the first s entries of a partial Fisher–Yates shuffle
                int j = i + random.nextInt(n - i);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
                mask |= 1L << order[i];
            }
            if (seen.add(mask)) {
                out.add(mask);
            }
        }
        return out.build();
    }

    /**
     * Draws subsets of named tasks ({@link #sampleMasks}), each listed in task order.
     *
     * @param tasks the tasks
     * @param size the subset size
     * @param count the number of subsets
     * @param seed the seed
     * @return the subsets, in draw order
     */
    public static ImmutableList<ImmutableList<String>> sample(List<String> tasks, int size, int count, long seed) {
        checkNotNull(tasks, "tasks");
        checkArgument(new HashSet<>(tasks).size() == tasks.size(), "a task is listed twice in %s", tasks);
        ImmutableList.Builder<ImmutableList<String>> out = ImmutableList.builder();
        for (long mask : sampleMasks(tasks.size(), size, count, seed)) {
            out.add(members(tasks, mask));
        }
        return out.build();
    }

    /**
     * The pairs of tasks that no subset contains together.
     *
     * @param tasks the tasks
     * @param subsets the subsets
     * @return the uncovered pairs, each as {@code [a, b]} in task order; empty when every pair is covered
     */
    public static ImmutableList<ImmutableList<String>> uncoveredPairs(List<String> tasks,
            List<? extends List<String>> subsets) {
        int n = tasks.size();
        boolean[][] covered = new boolean[n][n];
        for (List<String> s : subsets) {
            int[] idx = s.stream().mapToInt(tasks::indexOf).toArray();
            for (int a : idx) {
                checkArgument(a >= 0, "subset %s names a task outside %s", s, tasks);
                for (int b : idx) {
                    covered[a][b] = true;
                }
            }
        }
        ImmutableList.Builder<ImmutableList<String>> out = ImmutableList.builder();
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                if (!covered[a][b]) {
                    out.add(ImmutableList.of(tasks.get(a), tasks.get(b)));
                }
            }
        }
        return out.build();
    }

    /**
     * {@code C(n, k)}.
     *
     * @param n n
     * @param k k
     * @return the binomial coefficient
     */
    public static BigInteger binomial(int n, int k) {
        BigInteger r = BigInteger.ONE;
        for (int i = 0; i < k; i++) {
            r = r.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        return r;
    }

    static ImmutableList<String> members(List<String> tasks, long mask) {
        ImmutableList.Builder<String> b = ImmutableList.builder();
        for (int t = 0; t < tasks.size(); t++) {
            if ((mask & (1L << t)) != 0) {
                b.add(tasks.get(t));
            }
        }
        return b.build();
    }

    private static void enumerate(int n, int size, int from, long mask, List<Long> out) {
        if (size == 0) {
            out.add(mask);
            return;
        }
        for (int t = from; t <= n - size; t++) {
            enumerate(n, size - 1, t + 1, mask | (1L << t), out);
        }
    }
}
