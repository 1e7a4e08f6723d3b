package org.mtl4j.grouping.taxonomy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The transfer taxonomy of Zamir et al., "Taskonomy: Disentangling Task Transfer Learning" (CVPR 2018): normalise
 * transfer results per target with the Analytic Hierarchy Process ({@link Ahp}), then choose the set {@code S} of
 * source tasks to supervise under a budget so that the normalised quality summed over all targets is largest,
 *
 * <pre>
 *   max_S  Σ_t ω_t · max_{c available to t} P_t(c)     subject to   Σ_{s ∈ S} r_s ≤ B,
 * </pre>
 * where a contender {@code c} of target {@code t} (a readout from the source set {@code C_c}) is available when
 * {@code C_c ⊆ S}: a first-order transfer needs its source supervised, a higher-order one all its sources, the target's
 * own network needs the target itself in {@code S}, and training from scratch is always available. {@code P_t} is the
 * AHP quality over the contenders of order at most {@code maxOrder} (the tournament is played among exactly the
 * contenders considered), {@code r_s} the supervision cost of a source (default 1) and {@code ω_t} the importance of
 * a target (default 1). Taskonomy solves this binary integer program with a solver; here it is solved exactly by
 * branch and bound over the sources (include or exclude each in task order, bounded by giving every target the best
 * contender whose sources are all chosen or still undecided, which is an upper bound because the objective only grows
 * with {@code S}).
 *
 * <p>Ties (objectives within {@code 1e-9·max(1, |OPT|)}) go to the cheaper set, then the smaller one, then the one
 * that comes first in task order. Use {@code maxOrder = 1} for first-order transfers, more when the results hold
 * readouts from several sources.
 */
public final class TaxonomyProblem {

    private final ImmutableList<String> tasks;
    private final ImmutableList<String> targets;
    private final double[] cost;
    private final double[] importance;
    /** Per target: the contenders' source masks and their qualities. */
    private final long[][] masks;
    private final double[][] quality;
    private final String[][] labels;

    private TaxonomyProblem(TransferResults results, int maxOrder, Map<String, Double> costs,
            Map<String, Double> importances) {
        checkNotNull(results, "results");
        checkArgument(maxOrder >= 1, "maximum transfer order must be at least 1, got %s", maxOrder);
        this.tasks = results.tasks();
        checkArgument(tasks.size() <= 62, "at most 62 tasks, got %s", tasks.size());
        this.targets = results.targets();
        this.cost = new double[tasks.size()];
        for (int s = 0; s < tasks.size(); s++) {
            double c = costs.getOrDefault(tasks.get(s), 1.0);
            checkArgument(Double.isFinite(c) && c >= 0, "supervision cost of %s must be non-negative, got %s",
                    tasks.get(s), c);
            cost[s] = c;
        }
        for (String t : costs.keySet()) {
            checkArgument(tasks.contains(t), "cost given for unknown task %s (tasks %s)", t, tasks);
        }
        for (String t : importances.keySet()) {
            checkArgument(targets.contains(t), "importance given for %s, which is not a target (targets %s)", t,
                    targets);
        }
        int n = targets.size();
        this.importance = new double[n];
        this.masks = new long[n][];
        this.quality = new double[n][];
        this.labels = new String[n][];
        for (int t = 0; t < n; t++) {
            String target = targets.get(t);
            double w = importances.getOrDefault(target, 1.0);
            checkArgument(Double.isFinite(w) && w >= 0, "importance of %s must be non-negative, got %s", target, w);
            importance[t] = w;
            List<TransferResults.Transfer> kept = new ArrayList<>();
            for (TransferResults.Transfer tr : results.transfers(target)) {
                if (tr.order() <= maxOrder || tr.sources().equals(java.util.Set.of(target))) {
                    kept.add(tr);
                }
            }
            double[][] losses = new double[kept.size()][];
            masks[t] = new long[kept.size()];
            labels[t] = new String[kept.size()];
            for (int c = 0; c < kept.size(); c++) {
                losses[c] = kept.get(c).losses();
                labels[t][c] = kept.get(c).label();
                long m = 0;
                for (String s : kept.get(c).sources()) {
                    m |= 1L << tasks.indexOf(s);
                }
                masks[t][c] = m;
            }
            quality[t] = Ahp.normalise(losses);
        }
    }

    /**
     * A problem with unit supervision costs and importances.
     *
     * @param results the transfer results
     * @param maxOrder the largest source set a transfer may use (1: first order)
     * @return the problem
     */
    public static TaxonomyProblem of(TransferResults results, int maxOrder) {
        return new TaxonomyProblem(results, maxOrder, Map.of(), Map.of());
    }

    /**
     * A problem with supervision costs and target importances.
     *
     * @param results the transfer results
     * @param maxOrder the largest source set a transfer may use
     * @param costs task → supervision cost (missing: 1)
     * @param importances target → importance {@code ω_t} (missing: 1)
     * @return the problem
     */
    public static TaxonomyProblem of(TransferResults results, int maxOrder, Map<String, Double> costs,
            Map<String, Double> importances) {
        return new TaxonomyProblem(results, maxOrder, checkNotNull(costs, "costs"),
                checkNotNull(importances, "importances"));
    }

    /** @return every task (possible sources), in order */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /** @return the targets, in task order */
    public ImmutableList<String> targets() {
        return targets;
    }

    /**
     * The normalised qualities: target → contender label → AHP quality (each target's values sum to 1).
     *
     * @return the qualities
     */
    public ImmutableMap<String, ImmutableMap<String, Double>> qualities() {
        ImmutableMap.Builder<String, ImmutableMap<String, Double>> b = ImmutableMap.builder();
        for (int t = 0; t < targets.size(); t++) {
            Map<String, Double> m = new LinkedHashMap<>();
            for (int c = 0; c < labels[t].length; c++) {
                m.put(labels[t][c], quality[t][c]);
            }
            b.put(targets.get(t), ImmutableMap.copyOf(m));
        }
        return b.build();
    }

    /**
     * The objective of supervising exactly {@code sources}.
     *
     * @param sources a set of tasks
     * @return {@code Σ_t ω_t · max_{c available} P_t(c)} (a target with nothing available adds 0)
     */
    public double value(Collection<String> sources) {
        return value(mask(sources));
    }

    /**
     * The cost of supervising {@code sources}.
     *
     * @param sources a set of tasks
     * @return {@code Σ r_s}
     */
    public double cost(Collection<String> sources) {
        return cost(mask(sources));
    }

    private long mask(Collection<String> sources) {
        long m = 0;
        for (String s : sources) {
            int i = tasks.indexOf(s);
            checkArgument(i >= 0, "unknown task %s (tasks %s)", s, tasks);
            m |= 1L << i;
        }
        return m;
    }

    private double value(long chosen) {
        double total = 0;
        for (int t = 0; t < targets.size(); t++) {
            total += importance[t] * best(t, chosen);
        }
        return total;
    }

    private double best(int t, long available) {
        double best = 0;
        for (int c = 0; c < masks[t].length; c++) {
            if ((masks[t][c] & ~available) == 0 && quality[t][c] > best) {
                best = quality[t][c];
            }
        }
        return best;
    }

    private double cost(long chosen) {
        double c = 0;
        for (int s = 0; s < tasks.size(); s++) {
            if ((chosen & (1L << s)) != 0) {
                c += cost[s];
            }
        }
        return c;
    }

    /**
     * Chooses the sources exactly.
     *
     * @param budget the supervision budget {@code B}, non-negative
     * @return the best selection (possibly no source at all, when every target is best served from scratch or the
     *     budget affords nothing)
     */
    public TaxonomySelection solve(double budget) {
        checkArgument(Double.isFinite(budget) && budget >= 0, "budget must be finite and non-negative, got %s",
                budget);
        Search s = new Search(budget);
        s.run(0, 0L, 0.0);
        return selection(s.bestMask);
    }

    private TaxonomySelection selection(long chosen) {
        ImmutableList.Builder<String> src = ImmutableList.builder();
        for (int s = 0; s < tasks.size(); s++) {
            if ((chosen & (1L << s)) != 0) {
                src.add(tasks.get(s));
            }
        }
        ImmutableMap.Builder<String, String> transfer = ImmutableMap.builder();
        ImmutableMap.Builder<String, Double> q = ImmutableMap.builder();
        for (int t = 0; t < targets.size(); t++) {
            int arg = -1;
            for (int c = 0; c < masks[t].length; c++) {
                if ((masks[t][c] & ~chosen) == 0 && (arg < 0 || quality[t][c] > quality[t][arg])) {
                    arg = c;
                }
            }
            transfer.put(targets.get(t), arg < 0 ? "none" : labels[t][arg]);
            q.put(targets.get(t), arg < 0 ? 0.0 : quality[t][arg]);
        }
        return new TaxonomySelection(src.build(), cost(chosen), value(chosen), transfer.build(), q.build());
    }

    /**
     * The qualities as a text table: one row per target, one column per contender label.
     *
     * @return aligned text
     */
    public String toTable() {
        List<String> cols = new ArrayList<>();
        for (String[] row : labels) {
            for (String l : row) {
                if (!cols.contains(l)) {
                    cols.add(l);
                }
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-10s", "target"));
        for (String c : cols) {
            sb.append(String.format(Locale.ROOT, "%9s", c));
        }
        sb.append('\n');
        ImmutableMap<String, ImmutableMap<String, Double>> q = qualities();
        for (String t : targets) {
            sb.append(String.format(Locale.ROOT, "%-10s", t));
            for (String c : cols) {
                Double v = q.get(t).get(c);
                sb.append(v == null ? String.format(Locale.ROOT, "%9s", "-")
                        : String.format(Locale.ROOT, "%9.3f", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Depth-first branch and bound over include/exclude decisions in task order. */
    private final class Search {
        private final double budget;
        private final double slack;
        private double bestValue = Double.NEGATIVE_INFINITY;
        private double bestCost;
        private long bestMask;

        Search(double budget) {
            this.budget = budget;
            this.slack = 1e-9 * Math.max(1, budget);
        }

        void run(int next, long chosen, double spent) {
            int n = tasks.size();
            long undecided = next >= n ? 0 : (-1L >>> (64 - n)) & ~((1L << next) - 1);
            double bound = value(chosen | undecided);
            double window = 1e-9 * Math.max(1, Math.abs(bestValue));
            if (bound < bestValue - window) {
                return;
            }
            if (next == n) {
                offer(chosen, spent);
                return;
            }
            if (spent + cost[next] <= budget + slack) {
                run(next + 1, chosen | (1L << next), spent + cost[next]);
            }
            run(next + 1, chosen, spent);
        }

        private void offer(long chosen, double spent) {
            double v = value(chosen);
            double window = 1e-9 * Math.max(1, Math.max(Math.abs(v), Math.abs(bestValue)));
            boolean better;
            if (bestValue == Double.NEGATIVE_INFINITY || v > bestValue + window) {
                better = true;
            } else if (v < bestValue - window) {
                better = false;
            } else if (spent != bestCost) {
                better = spent < bestCost;
            } else if (Long.bitCount(chosen) != Long.bitCount(bestMask)) {
                better = Long.bitCount(chosen) < Long.bitCount(bestMask);
            } else {
                better = firstInTaskOrder(chosen, bestMask);
            }
            if (better) {
                bestValue = v;
                bestCost = spent;
                bestMask = chosen;
            }
        }
    }

    /** Whether the ascending index list of {@code a} is lexicographically smaller than that of {@code b}. */
    static boolean firstInTaskOrder(long a, long b) {
        long x = a;
        long y = b;
        while (x != 0 && y != 0) {
            int i = Long.numberOfTrailingZeros(x);
            int j = Long.numberOfTrailingZeros(y);
            if (i != j) {
                return i < j;
            }
            x &= x - 1;
            y &= y - 1;
        }
        return x == 0 && y != 0;
    }
}
