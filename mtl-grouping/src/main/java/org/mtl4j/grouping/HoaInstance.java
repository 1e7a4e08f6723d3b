package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network-selection instance of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020) completed by the higher-order approximation (HOA), kept implicit so that it scales to task counts whose
 * {@code 2^n − 1} networks cannot be listed.
 *
 * <p>Measured: every full-size single-task network ({@code L({t}, t)}), every pair network ({@code L({t, s}, t)} and
 * {@code L({t, s}, s)}), and optionally half-size single-task networks. Completed: every task subset {@code N} of three
 * or more tasks is a full-size network at the pairs' cost whose loss on each member is
 *
 * <pre>
 *   L̂(N, t) = (1/(|N|−1)) Σ_{s ∈ N, s ≠ t} L({t, s}, t)
 * </pre>
 *
 * <p>— exactly the candidates, names, losses (bit for bit) and table order of
 * {@link Approximations#higherOrder(LossTable, double) Approximations.higherOrder(measured(), fullCost())}: the
 * measured networks in their table order, then the added subsets by ascending bit mask of their task indices. That
 * table is {@link #completed()} (for at most 20 tasks); the large solver ({@link LargeGroupingSolver}) never builds it.
 *
 * <p>Requirements, checked with messages that name the culprit: 2 to {@value #MAX_TASKS} tasks; no auxiliary tasks
 * and no network of three or more tasks in the measured table; every single-task and pair network present exactly
 * once; every full-size network (single or pair) at the same positive cost; half-size networks (single-task networks
 * at another cost) at most one per task, all at the same positive cost.
 *
 * <p>Cost: construction is linear in the measured table ({@code O(n²)}); {@link #network} is {@code O(n²)}.
 */
public final class HoaInstance {

    /** The most tasks (network masks are {@code long}s). */
    public static final int MAX_TASKS = 62;

    private final LossTable measured;
    final int n;
    /** {@code single[t] = L({t}, t)}. */
    final double[] single;
    /** {@code pair[t * n + s] = L({t, s}, t)}, 0 on the diagonal. */
    final double[] pair;
    /** {@code half[t]}: the half-size network's loss, NaN where the task has none. */
    final double[] half;
    /** Tasks with a half-size network. */
    final long halfMask;
    final double fullCost;
    /** The half-size networks' cost, NaN if there are none. */
    final double halfCost;
    private final Candidate[] singles;
    private final Candidate[] pairs;
    private final Candidate[] halves;
    private final int[] singlePos;
    private final int[] pairPos;
    private final int[] halfPos;
    /** Binomial coefficients {@code binom[a][b]}, a ≤ 62, b ≤ 2. */
    private final long[][] binom;

    private HoaInstance(LossTable measured) {
        this.measured = measured;
        List<String> tasks = measured.tasks();
        this.n = tasks.size();
        checkArgument(n >= 2 && n <= MAX_TASKS, "an HOA instance needs 2 to %s tasks, got %s (%s)", MAX_TASKS, n,
                tasks);
        single = new double[n];
        pair = new double[n * n];
        half = new double[n];
        Arrays.fill(half, Double.NaN);
        singles = new Candidate[n];
        pairs = new Candidate[n * n];
        halves = new Candidate[n];
        singlePos = new int[n];
        pairPos = new int[n * n];
        halfPos = new int[n];
        double fc = Double.NaN;
        for (Candidate c : measured.candidates()) {
            if (c.tasks().size() == 2) {
                fc = c.cost();
                break;
            }
        }
        checkArgument(!Double.isNaN(fc), "the measured table has no pair network");
        checkArgument(fc > 0, "the full-size networks must have a positive cost, got %s", fc);
        this.fullCost = fc;
        double hc = Double.NaN;
        long hm = 0;
        ImmutableList<Candidate> cands = measured.candidates();
        for (int p = 0; p < cands.size(); p++) {
            Candidate c = cands.get(p);
            checkArgument(c.auxiliaryTasks().isEmpty(),
                    "network %s has auxiliary tasks %s; an HOA instance takes networks that serve every task they are "
                            + "trained on", c.name(), c.auxiliaryTasks());
            checkArgument(c.tasks().size() <= 2,
                    "network %s is trained on %s tasks; an HOA instance takes the measured single-task, pair and "
                            + "half-size networks and completes the larger groups itself", c.name(), c.tasks().size());
            int[] idx = c.tasks().stream().mapToInt(measured::taskIndex).sorted().toArray();
            if (idx.length == 2) {
                int t = idx[0];
                int s = idx[1];
                checkArgument(pairs[t * n + s] == null, "the pair of tasks %s and %s is given twice: networks %s and %s",
                        tasks.get(t), tasks.get(s), pairs[t * n + s] == null ? "" : pairs[t * n + s].name(), c.name());
                checkArgument(c.cost() == fullCost,
                        "pair network %s costs %s but pair network %s costs %s: every full-size network of an HOA "
                                + "instance costs the same", c.name(), c.cost(), firstPair(cands).name(), fullCost);
                pairs[t * n + s] = c;
                pairs[s * n + t] = c;
                pairPos[t * n + s] = p;
                pairPos[s * n + t] = p;
                pair[t * n + s] = c.loss(tasks.get(t));
                pair[s * n + t] = c.loss(tasks.get(s));
            } else if (c.cost() == fullCost) {
                int t = idx[0];
                checkArgument(singles[t] == null, "task %s has two full-size single-task networks (cost %s): %s and %s",
                        tasks.get(t), fullCost, singles[t] == null ? "" : singles[t].name(), c.name());
                singles[t] = c;
                singlePos[t] = p;
                single[t] = c.loss(tasks.get(t));
            } else {
                int t = idx[0];
                if (Double.isNaN(hc)) {
                    hc = c.cost();
                }
                checkArgument(c.cost() == hc,
                        "half-size network %s costs %s but the first half-size network costs %s: the half-size "
                                + "networks must cost the same", c.name(), c.cost(), hc);
                checkArgument(hc > 0, "half-size network %s must have a positive cost, got %s", c.name(), hc);
                checkArgument(halves[t] == null, "task %s has two half-size networks: %s and %s", tasks.get(t),
                        halves[t] == null ? "" : halves[t].name(), c.name());
                halves[t] = c;
                halfPos[t] = p;
                half[t] = c.loss(tasks.get(t));
                hm |= 1L << t;
            }
        }
        for (int t = 0; t < n; t++) {
            checkArgument(singles[t] != null, "task %s has no full-size single-task network (one costing %s, as the "
                    + "pair networks do)", tasks.get(t), fullCost);
            for (int s = t + 1; s < n; s++) {
                checkArgument(pairs[t * n + s] != null, "the pair network of tasks %s and %s is missing", tasks.get(t),
                        tasks.get(s));
            }
        }
        this.halfCost = hc;
        this.halfMask = hm;
        binom = new long[MAX_TASKS + 1][4];
        for (int a = 0; a <= MAX_TASKS; a++) {
            binom[a][0] = 1;
            for (int b = 1; b < 4; b++) {
                binom[a][b] = a == 0 ? 0 : binom[a - 1][b - 1] + binom[a - 1][b];
            }
        }
    }

    private static Candidate firstPair(List<Candidate> cands) {
        return cands.stream().filter(c -> c.tasks().size() == 2).findFirst().orElseThrow();
    }

    /**
     * The HOA instance of a table of measured single-task, pair and half-size networks, such as
     * {@link SyntheticTables#pairsAndSingles} or the {@code val} split of an {@code mtl study --approx hoa}.
     *
     * @param measured the measured networks
     * @return the instance
     * @throws IllegalArgumentException if the table breaks a requirement of the class comment (the message names the
     *     network or task)
     */
    public static HoaInstance of(LossTable measured) {
        return new HoaInstance(checkNotNull(measured, "measured"));
    }

    /**
     * The HOA instance of {@link SyntheticTables#pairsAndSingles(int, long)}: seeded random singles, pairs (cost 1)
     * and halves (cost 0.5).
     *
     * @param tasks the number of tasks, 2 to {@value #MAX_TASKS}
     * @param seed the random seed
     * @return the instance
     */
    public static HoaInstance synthetic(int tasks, long seed) {
        checkArgument(tasks >= 2 && tasks <= MAX_TASKS, "tasks must be between 2 and %s, got %s", MAX_TASKS, tasks);
        return of(SyntheticTables.pairsAndSingles(tasks, seed));
    }

    /**
     * The tasks, in table order.
     *
     * @return the tasks
     */
    public ImmutableList<String> tasks() {
        return measured.tasks();
    }

    /**
     * The measured table this instance was made from.
     *
     * @return the measured singles, pairs and halves
     */
    public LossTable measured() {
        return measured;
    }

    /**
     * The cost of every full-size network (single, pair and completed).
     *
     * @return the cost
     */
    public double fullCost() {
        return fullCost;
    }

    /**
     * The cost of the half-size networks.
     *
     * @return the cost, or NaN if there are none
     */
    public double halfCost() {
        return halfCost;
    }

    /**
     * The number of candidate networks of the completed table: {@code 2^n − 1} full-size ones plus the halves.
     *
     * @return the count
     */
    public long networkCount() {
        return (1L << n) - 1 + Long.bitCount(halfMask);
    }

    /**
     * The lowest total cost of a set of networks that serves every task: one full-size network, or every half-size
     * network when every task has one and they cost less together.
     *
     * @return the cheapest cover's cost
     */
    public double cheapestCoverCost() {
        return halfMask == fullMask() ? Math.min(fullCost, n * halfCost) : fullCost;
    }

    /**
     * The completed table, identical to {@link Approximations#higherOrder(LossTable, double)
     * Approximations.higherOrder(measured(), fullCost())}; for at most 20 tasks (a million networks) and, in practice,
     * for tests and comparisons with {@link Groupings#exact()} up to about 16.
     *
     * @return the completed table
     * @throws IllegalArgumentException for more than 20 tasks
     */
    public LossTable completed() {
        checkArgument(n <= 20, "completing every subset of %s tasks is too many networks (limit 20 tasks)", n);
        return Approximations.higherOrder(measured, fullCost);
    }

    /**
     * The full-size network trained on {@code tasks}, as the completed table has it: a measured single or pair, or an
     * HOA-completed network named by its tasks in table order.
     *
     * @param tasks a non-empty set of this instance's tasks
     * @return the network
     * @throws IllegalArgumentException if a task is unknown or the set is empty
     */
    public Candidate network(Collection<String> tasks) {
        checkNotNull(tasks, "tasks");
        checkArgument(!tasks.isEmpty(), "a network needs at least one task");
        long mask = 0;
        for (String t : tasks) {
            mask |= 1L << measured.taskIndex(t);
        }
        return candidate(mask);
    }

    long fullMask() {
        return n == 64 ? -1L : (1L << n) - 1;
    }

    /**
     * The canonical HOA loss of task {@code t} in the full-size network {@code mask}: bit-identical to the completed
     * table (the pair losses summed in task order, then divided by their count).
     */
    double loss(long mask, int t) {
        int size = Long.bitCount(mask);
        if (size == 1) {
            return single[t];
        }
        if (size == 2) {
            return pair[t * n + Long.numberOfTrailingZeros(mask & ~(1L << t))];
        }
        double sum = 0;
        int count = 0;
        for (int s = 0; s < n; s++) {
            if (s != t && (mask >>> s & 1) != 0) {
                sum += pair[t * n + s];
                count++;
            }
        }
        return sum / count;
    }

    /** The completed table's candidate for a full-size network. */
    Candidate candidate(long mask) {
        int size = Long.bitCount(mask);
        if (size == 1) {
            return singles[Long.numberOfTrailingZeros(mask)];
        }
        if (size == 2) {
            int t = Long.numberOfTrailingZeros(mask);
            return pairs[t * n + Long.numberOfTrailingZeros(mask & ~(1L << t))];
        }
        List<String> members = new ArrayList<>();
        Map<String, Double> losses = new LinkedHashMap<>();
        for (int t = 0; t < n; t++) {
            if ((mask >>> t & 1) != 0) {
                members.add(tasks().get(t));
                losses.put(tasks().get(t), loss(mask, t));
            }
        }
        return Candidate.of(Names.network(members), fullCost, losses);
    }

    /** The completed table's position of a full-size network. */
    long position(long mask) {
        int size = Long.bitCount(mask);
        if (size == 1) {
            return singlePos[Long.numberOfTrailingZeros(mask)];
        }
        if (size == 2) {
            int t = Long.numberOfTrailingZeros(mask);
            return pairPos[t * n + Long.numberOfTrailingZeros(mask & ~(1L << t))];
        }
        // masks of 3+ tasks follow the measured table in ascending mask order
        long below = mask - 1 - countBelow(mask, 1) - countBelow(mask, 2);
        return measured.candidates().size() + below;
    }

    /** The completed table's position of task {@code t}'s half-size network. */
    long halfPosition(int t) {
        return halfPos[t];
    }

    /** The number of masks in {@code [1, mask)} with exactly {@code k} bits set. */
    private long countBelow(long mask, int k) {
        long count = 0;
        int ones = 0;
        for (int i = 62; i >= 0; i--) {
            if ((mask >>> i & 1) != 0) {
                count += binom[i][k - ones];
                ones++;
                if (ones > k) {
                    break;
                }
            }
        }
        return count;
    }

    /** One chosen network: its position in the completed table, its mask (full size) or task (half size, else −1). */
    private record Entry(long position, long mask, int half) {}

    private List<Entry> entries(long[] networks, int count, long halves) {
        List<Entry> es = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            es.add(new Entry(position(networks[i]), networks[i], -1));
        }
        for (int t = 0; t < n; t++) {
            if ((halves >>> t & 1) != 0) {
                es.add(new Entry(halfPosition(t), 0, t));
            }
        }
        es.sort(Comparator.comparingLong(Entry::position));
        return es;
    }

    /** The sorted completed-table positions of a selection (for the documented tie-break). */
    long[] positions(long[] networks, int count, long halves) {
        return entries(networks, count, halves).stream().mapToLong(Entry::position).toArray();
    }

    /** The canonical cost of a selection: its costs summed in table order. */
    double canonicalCost(long[] networks, int count, long halves) {
        double total = 0;
        for (Entry e : entries(networks, count, halves)) {
            total += e.half >= 0 ? halfCost : fullCost;
        }
        return total;
    }

    /** The canonical objective: each task's best loss among the chosen networks, summed in task order. */
    double canonicalObjective(long[] networks, int count, long halves) {
        double total = 0;
        for (int t = 0; t < n; t++) {
            double best = (halves >>> t & 1) != 0 ? half[t] : Double.POSITIVE_INFINITY;
            for (int i = 0; i < count; i++) {
                if ((networks[i] >>> t & 1) != 0) {
                    best = Math.min(best, loss(networks[i], t));
                }
            }
            total += best;
        }
        return total;
    }

    /**
     * The selection of the completed table made of these networks, equal to {@link LossTable#evaluate} on
     * {@link #completed()} (same candidates, cost, objective, task losses and assignment).
     */
    Selection evaluate(long[] networks, int count, long halves) {
        List<Entry> es = entries(networks, count, halves);
        List<Candidate> cands = new ArrayList<>();
        double cost = 0;
        for (Entry e : es) {
            Candidate c = e.half >= 0 ? this.halves[e.half] : candidate(e.mask);
            cands.add(c);
            cost += c.cost();
        }
        ImmutableMap.Builder<String, Double> losses = ImmutableMap.builder();
        ImmutableMap.Builder<String, String> assignment = ImmutableMap.builder();
        double total = 0;
        for (String t : tasks()) {
            double best = Double.POSITIVE_INFINITY;
            Candidate arg = null;
            for (Candidate c : cands) {
                Double l = c.losses().get(t);
                if (l != null && l < best) {
                    best = l;
                    arg = c;
                }
            }
            checkArgument(arg != null, "task %s is served by none of the chosen networks %s", t,
                    cands.stream().map(Candidate::name).toList());
            total += best;
            losses.put(t, best);
            assignment.put(t, arg.name());
        }
        return new Selection(ImmutableList.copyOf(cands), cost, total, losses.build(), assignment.build());
    }

    @Override
    public String toString() {
        return "HoaInstance{tasks=" + n + ", fullCost=" + fullCost + ", halves=" + Long.bitCount(halfMask)
                + (Long.bitCount(halfMask) > 0 ? " at " + halfCost : "") + "}";
    }
}
