package org.mtl4j.grouping;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The value of serving a task group {@code G} from its best HOA network,
 * {@code f(G) = min_{N ⊇ G} Σ_{t ∈ G} L̂(N, t)}, in closed form.
 *
 * <p>For {@code |G| = g ≥ 2} every network {@code N ⊇ G} is {@code G ∪ A} with auxiliary tasks {@code A}, and
 *
 * <pre>
 *   Σ_{t ∈ G} L̂(G ∪ A, t) = (I(G) + Σ_{a ∈ A} c_G(a)) / (g − 1 + |A|),
 *   I(G) = Σ_{t ∈ G} Σ_{s ∈ G, s ≠ t} L({t, s}, t),     c_G(a) = Σ_{t ∈ G} L({t, a}, t).
 * </pre>
 *
 * For a fixed {@code |A| = j} the best {@code A} is the {@code j} outside tasks of smallest {@code c_G}; the mean
 * falls while the next smallest {@code c_G(a)} is below it and rises from then on, so the best network adds the
 * outside tasks in ascending {@code c_G} order while each is below the current mean. For {@code G = {t}} the
 * candidates are the single network ({@code L({t}, t)}) and the means of pair losses, whose minimum is the best pair:
 * {@code f({t}) = min(L({t}, t), min_s L({t, s}, t))}.
 *
 * <p>Cost: {@code O(n·g + n log n)} per group; {@link #all} fills all {@code 2^n} groups with column sums from two
 * precomputed half tables, {@code O(2^n · n log n)} in all, in parallel. Values are in the solver's own summation
 * order; the selection is re-evaluated canonically by {@link HoaInstance}.
 */
final class GroupValues {

    private final HoaInstance hoa;
    private final int n;
    private final double[] pair;

    GroupValues(HoaInstance hoa) {
        this.hoa = hoa;
        this.n = hoa.n;
        this.pair = hoa.pair;
    }

    /** A per-thread workspace. */
    static final class Scratch {
        final double[] col;
        final double[] aux;
        final int[] auxTask;

        Scratch(int n) {
            col = new double[n];
            aux = new double[n];
            auxTask = new int[n];
        }
    }

    Scratch scratch() {
        return new Scratch(n);
    }

    /** {@code f({t})}. */
    double singleValue(int t) {
        double m = hoa.single[t];
        for (int a = 0; a < n; a++) {
            if (a != t) {
                m = Math.min(m, pair[t * n + a]);
            }
        }
        return m;
    }

    /** {@code f(G)} for any non-empty group. */
    double value(long group, Scratch s) {
        if (Long.bitCount(group) == 1) {
            return singleValue(Long.numberOfTrailingZeros(group));
        }
        columns(group, s.col);
        return fromColumns(group, s.col, s.aux);
    }

    /** {@code c_G(a)} for every task {@code a}. */
    void columns(long group, double[] col) {
        Arrays.fill(col, 0);
        for (long g = group; g != 0; g &= g - 1) {
            int row = Long.numberOfTrailingZeros(g) * n;
            for (int a = 0; a < n; a++) {
                col[a] += pair[row + a];
            }
        }
    }

    /** {@code f(G)} from the column sums of a group of at least two tasks. */
    double fromColumns(long group, double[] col, double[] aux) {
        double num = 0;
        int k = 0;
        for (int a = 0; a < n; a++) {
            if ((group >>> a & 1) != 0) {
                num += col[a];
            } else {
                aux[k++] = col[a];
            }
        }
        int d = Long.bitCount(group) - 1;
        double mean = num / d;
        // insertion sort of the outside columns, then add them while they lower the mean
        for (int i = 1; i < k; i++) {
            double v = aux[i];
            int j = i - 1;
            while (j >= 0 && aux[j] > v) {
                aux[j + 1] = aux[j];
                j--;
            }
            aux[j + 1] = v;
        }
        for (int i = 0; i < k && aux[i] < mean; i++) {
            num += aux[i];
            d++;
            mean = num / d;
        }
        return mean;
    }

    /** The best network for a group (the smallest on a tie). */
    long bestNetwork(long group, Scratch s) {
        int g = Long.bitCount(group);
        if (g == 1) {
            int t = Long.numberOfTrailingZeros(group);
            double best = hoa.single[t];
            long arg = group;
            for (int a = 0; a < n; a++) {
                if (a != t && pair[t * n + a] < best) {
                    best = pair[t * n + a];
                    arg = group | 1L << a;
                }
            }
            return arg;
        }
        columns(group, s.col);
        double num = 0;
        int k = 0;
        for (int a = 0; a < n; a++) {
            if ((group >>> a & 1) != 0) {
                num += s.col[a];
            } else {
                s.aux[k] = s.col[a];
                s.auxTask[k++] = a;
            }
        }
        sortWithTasks(s.aux, s.auxTask, k);
        int d = g - 1;
        double mean = num / d;
        long net = group;
        for (int i = 0; i < k && s.aux[i] < mean; i++) {
            num += s.aux[i];
            d++;
            mean = num / d;
            net |= 1L << s.auxTask[i];
        }
        return net;
    }

    private static void sortWithTasks(double[] v, int[] task, int k) {
        for (int i = 1; i < k; i++) {
            double x = v[i];
            int tx = task[i];
            int j = i - 1;
            while (j >= 0 && (v[j] > x || (v[j] == x && task[j] > tx))) {
                v[j + 1] = v[j];
                task[j + 1] = task[j];
                j--;
            }
            v[j + 1] = x;
            task[j + 1] = tx;
        }
    }

    /** Receives a network and its value for the group. */
    interface NetworkSink {
        void accept(long network, double value);
    }

    /**
     * Every network {@code N ⊇ G} whose value for {@code G}, {@code Σ_{t∈G} L̂(N, t)}, is at most {@code limit} (in
     * this class's summation order): for each number {@code j} of auxiliary tasks, the {@code j}-subsets of the outside
     * tasks whose column sum fits, found by a depth-first search over the ascending columns.
     */
    void networksWithin(long group, double limit, NetworkSink sink) {
        int g = Long.bitCount(group);
        double[] col = new double[n];
        double[] aux = new double[n];
        int[] auxTask = new int[n];
        double num;
        int d;
        int k = 0;
        if (g == 1) {
            int t = Long.numberOfTrailingZeros(group);
            if (hoa.single[t] <= limit) {
                sink.accept(group, hoa.single[t]);
            }
            for (int a = 0; a < n; a++) {
                if (a != t) {
                    aux[k] = pair[t * n + a];
                    auxTask[k++] = a;
                }
            }
            num = 0;
            d = 0;
        } else {
            columns(group, col);
            num = 0;
            for (int a = 0; a < n; a++) {
                if ((group >>> a & 1) != 0) {
                    num += col[a];
                } else {
                    aux[k] = col[a];
                    auxTask[k++] = a;
                }
            }
            d = g - 1;
        }
        sortWithTasks(aux, auxTask, k);
        double[] prefix = new double[k + 1];
        for (int i = 0; i < k; i++) {
            prefix[i + 1] = prefix[i] + aux[i];
        }
        for (int j = d == 0 ? 1 : 0; j <= k; j++) {
            int denom = d + j;
            // the smallest sum of j columns is the prefix; stop early once even that does not fit
            if ((num + prefix[j]) / denom > limit) {
                continue;
            }
            choose(aux, auxTask, prefix, k, 0, j, 0, group, num, denom, limit, sink);
        }
    }

    private static void choose(double[] aux, int[] auxTask, double[] prefix, int k, int from, int left, double sum,
            long net, double num, int denom, double limit, NetworkSink sink) {
        if (left == 0) {
            double v = (num + sum) / denom;
            if (v <= limit) {
                sink.accept(net, v);
            }
            return;
        }
        for (int i = from; i + left <= k; i++) {
            // the cheapest completion takes the next left columns
            double low = sum + prefix[i + left] - prefix[i];
            if ((num + low) / denom > limit) {
                break;
            }
            choose(aux, auxTask, prefix, k, i + 1, left - 1, sum + aux[i], net | 1L << auxTask[i], num, denom, limit,
                    sink);
        }
    }

    /**
     * {@code f(G)} for every group of {@code n ≤ 24} tasks, indexed by mask; entry 0 is 0 (the empty group's value,
     * so that the partition tables can use it as "nothing left").
     */
    static double[] all(HoaInstance hoa, ForkJoinPool pool) {
        int n = hoa.n;
        GroupValues gv = new GroupValues(hoa);
        int lowBits = Math.min(n, 10);
        int highBits = n - lowBits;
        double[] colLo = columnTable(hoa, 0, lowBits);
        double[] colHi = columnTable(hoa, lowBits, highBits);
        double[] f = new double[1 << n];
        double[] singles = new double[n];
        for (int t = 0; t < n; t++) {
            singles[t] = gv.singleValue(t);
        }
        int loSize = 1 << lowBits;
        Runnable fill = () -> IntStream.range(0, 1 << highBits).parallel().forEach(hi -> {
            double[] col = new double[n];
            double[] aux = new double[n];
            int hiBase = hi * n;
            for (int lo = 0; lo < loSize; lo++) {
                int mask = hi << lowBits | lo;
                if (mask == 0) {
                    continue;
                }
                if (Integer.bitCount(mask) == 1) {
                    f[mask] = singles[Integer.numberOfTrailingZeros(mask)];
                    continue;
                }
                int loBase = lo * n;
                for (int a = 0; a < n; a++) {
                    col[a] = colLo[loBase + a] + colHi[hiBase + a];
                }
                f[mask] = gv.fromColumns(mask & 0xFFFFFFFFL, col, aux);
            }
        });
        run(pool, fill);
        f[0] = 0;
        return f;
    }

    /** {@code table[m * n + a] = Σ_{t ∈ m} L({t, a}, t)} for the tasks {@code offset + bits of m}. */
    private static double[] columnTable(HoaInstance hoa, int offset, int bits) {
        int n = hoa.n;
        double[] table = new double[(1 << bits) * n];
        for (int m = 1; m < 1 << bits; m++) {
            int low = Integer.numberOfTrailingZeros(m);
            int prev = (m & (m - 1)) * n;
            int row = (offset + low) * n;
            int base = m * n;
            for (int a = 0; a < n; a++) {
                table[base + a] = table[prev + a] + hoa.pair[row + a];
            }
        }
        return table;
    }

    /** Runs a parallel stream computation in {@code pool} (or the common pool when null). */
    static void run(ForkJoinPool pool, Runnable r) {
        if (pool == null) {
            r.run();
            return;
        }
        try {
            pool.submit(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(c);
        }
    }
}
