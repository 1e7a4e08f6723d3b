package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.study.LossesCsv;

/**
 * A per-task surrogate of the loss a task reaches when trained together with a set of partner tasks, fitted on
 * networks trained on sampled task subsets; it fills in the loss of every task in every subset that was not trained.
 * Two fits, after Li et al.:
 *
 * <ul>
 *   <li>{@link Kind#RIDGE} — the linear surrogate of "Identification of Negative Transfers in Multitask Learning Using
 *       Surrogate Models" (TMLR 2023), per target task {@code t}, linear in the presence indicators of the partners:
 *       <pre>
 *   L(S, t) ≈ b_t + Σ_{j ∈ S, j ≠ t} θ_tj,
 *   (b_t, θ_t) = argmin (1/N_t) Σ_{observed S ∋ t} (L(S, t) − b_t − Σ_{j ∈ S, j ≠ t} θ_tj)² + λ Σ_j θ_tj²</pre>
 *       (intercept not penalised; the normal equations are solved exactly, {@code O(n³)} per task). With one subset
 *       size only, {@code Σ_{j ≠ t} 1[j ∈ S] = s − 1} is constant, so {@code b_t} and a common shift of all
 *       {@code θ_tj} cannot be told apart: the single-task networks (which {@link SampledHigherOrderAffinity} always
 *       trains) pin {@code b_t ≈ L({t}, t)}; without them λ > 0 picks the smallest {@code θ}. With λ = 0 the fit is
 *       exact least squares and fails, naming the task, when the observations do not determine it.
 *   <li>{@link Kind#AVERAGE} — the higher-order task affinity of "Boosting Multitask Learning on Graphs through
 *       Higher-Order Task Affinities" (KDD 2023): {@code T_tj = mean_{observed S ∋ t, j} L(S, t)}, the mean loss of
 *       {@code t} over the sampled subsets that also contain {@code j}. A group is completed as the higher-order
 *       approximation of Standley et al. (ICML 2020) completes one from pairs, with {@code T} in place of the pair
 *       losses: {@code L̂(S, t) = (1/(|S|−1)) Σ_{j ∈ S, j ≠ t} T_tj} for {@code |S| ≥ 2} and {@code L̂({t}, t) = }
 *       the measured single-task loss. Needs every pair of tasks in some observed subset and every single-task
 *       network. (The paper normalises the losses per task and clusters the symmetrised {@code T} spectrally; here
 *       {@code T} stays in loss units so that it completes a losses table.)
 * </ul>
 *
 * <p>{@link #affinity()} turns either fit into the affinity convention of TAG ({@link AffinityMatrix}, positive =
 * helps): {@code Z(j→t) = 1 − L̂({t, j}, t) / L̂({t}, t)}, which is {@code −θ_tj / b_t} for the ridge fit and
 * {@code 1 − T_tj / L({t}, t)} for the average; {@link org.mtl4j.grouping.affinity.AffinityGrouping} chooses groups
 * from it. {@link #complete} produces the full table of every task subset for the exact solver.
 */
public final class HigherOrderSurrogate {

    /** How the surrogate is fitted. */
    public enum Kind {
        /** Linear in the partners' presence indicators, ridge-regularised (TMLR 2023). */
        RIDGE("ridge"),
        /** The mean loss over observed subsets containing the pair (KDD 2023). */
        AVERAGE("average");

        private final String flag;

        Kind(String flag) {
            this.flag = flag;
        }

        /** @return {@code ridge} or {@code average} */
        public String flag() {
            return flag;
        }

        /**
         * The kind of a command-line value.
         *
         * @param flag {@code ridge} or {@code average}
         * @return the kind
         * @throws IllegalArgumentException for another value
         */
        public static Kind fromFlag(String flag) {
            for (Kind k : values()) {
                if (k.flag.equals(flag)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown surrogate '" + flag + "' (expected ridge or average)");
        }
    }

    /**
     * The losses of one trained network: the tasks it was trained on and the loss of each.
     *
     * @param tasks the trained tasks
     * @param losses task → loss, for some or all of the trained tasks
     */
    public record Observation(ImmutableSet<String> tasks, ImmutableMap<String, Double> losses) {

        /**
         * Validates and copies.
         *
         * @throws IllegalArgumentException on a loss for a task outside the set or a non-finite loss
         */
        public Observation {
            tasks = ImmutableSet.copyOf(checkNotNull(tasks, "tasks"));
            losses = ImmutableMap.copyOf(checkNotNull(losses, "losses"));
            checkArgument(!tasks.isEmpty(), "an observation needs at least one task");
            for (Map.Entry<String, Double> e : losses.entrySet()) {
                checkArgument(tasks.contains(e.getKey()), "loss of %s, which is not among the trained tasks %s",
                        e.getKey(), tasks);
                checkArgument(Double.isFinite(e.getValue()), "loss of %s is not finite: %s", e.getKey(),
                        e.getValue());
            }
        }

        /**
         * An observation of a network that reports every trained task.
         *
         * @param losses task → loss
         * @return the observation
         */
        public static Observation of(Map<String, Double> losses) {
            return new Observation(ImmutableSet.copyOf(losses.keySet()), ImmutableMap.copyOf(losses));
        }
    }

    private final ImmutableList<String> tasks;
    private final Kind kind;
    private final double lambda;
    private final double[] base;
    private final double[][] pair;
    private final int[] observations;

    private HigherOrderSurrogate(List<String> tasks, Kind kind, double lambda, double[] base, double[][] pair,
            int[] observations) {
        this.tasks = ImmutableList.copyOf(tasks);
        this.kind = kind;
        this.lambda = lambda;
        this.base = base;
        this.pair = pair;
        this.observations = observations;
    }

    /**
     * Fits the ridge surrogate of every task.
     *
     * @param tasks the tasks (the indicator order)
     * @param observed the trained networks' losses
     * @param lambda the ridge weight λ ≥ 0 on the partner terms (relative to the mean squared residual)
     * @return the surrogate
     * @throws IllegalArgumentException when a task has no observation, or, with λ = 0, its terms are not determined
     */
    public static HigherOrderSurrogate ridge(List<String> tasks, List<Observation> observed, double lambda) {
        checkTasks(tasks);
        checkNotNull(observed, "observations");
        checkArgument(Double.isFinite(lambda) && lambda >= 0,
                "the ridge weight must be finite and non-negative, got %s", lambda);
        int n = tasks.size();
        double[] base = new double[n];
        double[][] theta = new double[n][n];
        int[] counts = new int[n];
        for (int t = 0; t < n; t++) {
            String target = tasks.get(t);
            // unknowns: [b, θ_j for j ≠ t]; row/column 0 is the intercept
            int[] col = new int[n];
            int p = 1;
            for (int j = 0; j < n; j++) {
                col[j] = j == t ? -1 : p++;
            }
            double[][] a = new double[p][p];
            double[] rhs = new double[p];
            int count = 0;
            for (Observation o : observed) {
                Double y = o.losses().get(target);
                if (y == null) {
                    continue;
                }
                count++;
                List<Integer> active = new ArrayList<>();
                active.add(0);
                for (String s : o.tasks()) {
                    int j = tasks.indexOf(s);
                    checkArgument(j >= 0, "observation %s names a task outside %s", o.tasks(), tasks);
                    if (j != t) {
                        active.add(col[j]);
                    }
                }
                for (int u : active) {
                    rhs[u] += y;
                    for (int v : active) {
                        a[u][v] += 1;
                    }
                }
            }
            checkArgument(count > 0, "task %s: no trained network reports its loss", target);
            for (int u = 1; u < p; u++) {
                a[u][u] += count * lambda;
            }
            double[] x;
            try {
                x = solve(a, rhs);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(String.format(
                        "task %s: the %d observed networks do not determine its surrogate (with one subset size and "
                                + "no single-task network only differences of the partner terms are known); add the "
                                + "single-task networks, sample more subsets or use a ridge weight λ > 0",
                        target, count), e);
            }
            base[t] = x[0];
            for (int j = 0; j < n; j++) {
                theta[t][j] = j == t ? 0 : x[col[j]];
            }
            counts[t] = count;
        }
        return new HigherOrderSurrogate(tasks, Kind.RIDGE, lambda, base, theta, counts);
    }

    /**
     * Fits the averaging surrogate: {@code T_tj} = mean loss of {@code t} over the observed networks trained on both
     * {@code t} and {@code j}, and {@code L({t}, t)} from the single-task networks (their mean, if several).
     *
     * @param tasks the tasks
     * @param observed the trained networks' losses
     * @return the surrogate
     * @throws IllegalArgumentException when a task lacks a single-task network or a pair never occurs together
     */
    public static HigherOrderSurrogate average(List<String> tasks, List<Observation> observed) {
        checkTasks(tasks);
        checkNotNull(observed, "observations");
        int n = tasks.size();
        double[] singleSum = new double[n];
        int[] singles = new int[n];
        double[][] sum = new double[n][n];
        int[][] count = new int[n][n];
        int[] counts = new int[n];
        for (Observation o : observed) {
            int[] idx = o.tasks().stream().mapToInt(tasks::indexOf).toArray();
            for (int j : idx) {
                checkArgument(j >= 0, "observation %s names a task outside %s", o.tasks(), tasks);
            }
            for (Map.Entry<String, Double> e : o.losses().entrySet()) {
                int t = tasks.indexOf(e.getKey());
                counts[t]++;
                if (idx.length == 1) {
                    singleSum[t] += e.getValue();
                    singles[t]++;
                }
                for (int j : idx) {
                    if (j != t) {
                        sum[t][j] += e.getValue();
                        count[t][j]++;
                    }
                }
            }
        }
        double[] base = new double[n];
        double[][] avg = new double[n][n];
        for (int t = 0; t < n; t++) {
            checkArgument(singles[t] > 0, "the averaging surrogate needs the single-task network of %s", tasks.get(t));
            base[t] = singleSum[t] / singles[t];
            for (int j = 0; j < n; j++) {
                if (j == t) {
                    continue;
                }
                checkArgument(count[t][j] > 0, "tasks %s and %s are never trained together in the observed networks "
                        + "(with %s reported): sample more subsets (every pair occurs once all C(n, s) subsets are "
                        + "drawn) or use the ridge surrogate", tasks.get(t), tasks.get(j), tasks.get(t));
                avg[t][j] = sum[t][j] / count[t][j];
            }
        }
        return new HigherOrderSurrogate(tasks, Kind.AVERAGE, 0, base, avg, counts);
    }

    /**
     * Fits a surrogate of the given kind.
     *
     * @param kind the kind
     * @param tasks the tasks
     * @param observed the observations
     * @param lambda the ridge weight (ignored by {@link Kind#AVERAGE})
     * @return the surrogate
     */
    public static HigherOrderSurrogate fit(Kind kind, List<String> tasks, List<Observation> observed, double lambda) {
        return switch (checkNotNull(kind, "kind")) {
            case RIDGE -> ridge(tasks, observed, lambda);
            case AVERAGE -> average(tasks, observed);
        };
    }

    private static void checkTasks(List<String> tasks) {
        checkNotNull(tasks, "tasks");
        checkArgument(!tasks.isEmpty(), "no tasks");
        checkArgument(new HashSet<>(tasks).size() == tasks.size(), "a task is listed twice in %s", tasks);
    }

    /** @return the tasks, in indicator order */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /** @return how it was fitted */
    public Kind kind() {
        return kind;
    }

    /** @return the ridge weight (0 for the average) */
    public double lambda() {
        return lambda;
    }

    /**
     * The loss of a task alone: {@code b_t} (ridge) or the measured single-task loss (average).
     *
     * @param task the task
     * @return {@code L̂({t}, t)}
     */
    public double base(String task) {
        return base[index(task)];
    }

    /**
     * The partner term: {@code θ_tj} (ridge; the change of {@code t}'s loss when {@code j} joins) or {@code T_tj}
     * (average; the mean loss of {@code t} in observed subsets with {@code j}).
     *
     * @param task the target {@code t}
     * @param partner the partner {@code j ≠ t}
     * @return the term
     */
    public double partner(String task, String partner) {
        int t = index(task);
        int j = index(partner);
        checkArgument(t != j, "a task is not its own partner: %s", task);
        return pair[t][j];
    }

    /**
     * The number of observations the fit of a task used.
     *
     * @param task the task
     * @return the number of trained networks that report its loss
     */
    public int observations(String task) {
        return observations[index(task)];
    }

    /**
     * The surrogate's loss of {@code task} in a network trained on {@code group}.
     *
     * @param group the trained tasks (must contain {@code task})
     * @param task the task
     * @return {@code L̂(group, task)}
     */
    public double predict(Collection<String> group, String task) {
        checkArgument(group.contains(task), "task %s is not in group %s", task, group);
        int t = index(task);
        double sum = 0;
        int others = 0;
        for (String s : new HashSet<>(group)) {
            int j = index(s);
            if (j != t) {
                sum += pair[t][j];
                others++;
            }
        }
        if (kind == Kind.RIDGE) {
            return base[t] + sum;
        }
        return others == 0 ? base[t] : sum / others;
    }

    /**
     * The surrogate as TAG-style affinities, {@code Z(j→t) = 1 − L̂({t, j}, t) / L̂({t}, t)} (positive: {@code j}
     * helps {@code t}), diagonal 0.
     *
     * @return the matrix, rows = source {@code j}, columns = target {@code t}
     */
    public AffinityMatrix affinity() {
        int n = tasks.size();
        double[][] z = new double[n][n];
        for (int t = 0; t < n; t++) {
            for (int j = 0; j < n; j++) {
                if (j != t) {
                    double pairLoss = kind == Kind.RIDGE ? base[t] + pair[t][j] : pair[t][j];
                    z[j][t] = 1 - pairLoss / base[t];
                }
            }
        }
        return new AffinityMatrix(tasks, z, 0);
    }

    /**
     * The full table for the exact solver: {@code leading} (for example measured half-size networks) followed by one
     * network of cost 1 per non-empty task subset, in the order of the study's losses files (by size, then by task
     * position), named as {@link LossesCsv#networkName}. A subset with a measured network takes its measured loss for
     * every task it reports (when {@code measured} has it); every other loss comes from {@link #predict}.
     *
     * @param measured trained subsets → their losses (may be empty)
     * @param leading networks to list first, kept as given
     * @return the table
     * @throws IllegalArgumentException beyond 16 tasks ({@code 2^16 − 1} networks)
     */
    public LossTable complete(Map<? extends Set<String>, ? extends Map<String, Double>> measured,
            List<Candidate> leading) {
        int n = tasks.size();
        checkArgument(n <= 16, "completing every subset of %s tasks is too many networks (at most 16 tasks)", n);
        Map<Set<String>, Map<String, Double>> known = new LinkedHashMap<>();
        for (Map.Entry<? extends Set<String>, ? extends Map<String, Double>> e : measured.entrySet()) {
            known.put(Set.copyOf(e.getKey()), e.getValue());
        }
        List<Candidate> out = new ArrayList<>(leading);
        for (ImmutableList<String> members : subsetsInTableOrder(tasks)) {
            Map<String, Double> m = known.getOrDefault(Set.copyOf(members), Map.of());
            Map<String, Double> losses = new LinkedHashMap<>();
            for (String t : members) {
                Double v = m.get(t);
                losses.put(t, v != null ? v : predict(members, t));
            }
            out.add(Candidate.of(LossesCsv.networkName(tasks, members, false), 1.0, losses));
        }
        return LossTable.of(tasks, out);
    }

    /**
     * Every non-empty subset of the tasks, by size and then in the lexicographic order of the task positions
     * ({@code s, d, n, sd, sn, dn, sdn}), the row order of the study's losses files.
     *
     * @param tasks the tasks (at most 20)
     * @return the subsets, each in task order
     */
    public static ImmutableList<ImmutableList<String>> subsetsInTableOrder(List<String> tasks) {
        int n = tasks.size();
        checkArgument(n <= 20, "at most 20 tasks, got %s", n);
        ImmutableList.Builder<ImmutableList<String>> out = ImmutableList.builder();
        for (int size = 1; size <= n; size++) {
            List<Long> masks = new ArrayList<>();
            combinations(n, size, 0, 0L, masks);
            for (long m : masks) {
                out.add(TaskSubsetSampler.members(tasks, m));
            }
        }
        return out.build();
    }

    private static void combinations(int n, int size, int from, long mask, List<Long> out) {
        if (size == 0) {
            out.add(mask);
            return;
        }
        for (int t = from; t <= n - size; t++) {
            combinations(n, size - 1, t + 1, mask | (1L << t), out);
        }
    }

    private int index(String task) {
        int i = tasks.indexOf(task);
        checkArgument(i >= 0, "unknown task %s (the tasks are %s)", task, tasks);
        return i;
    }

    /**
     * Solves {@code a·x = b} by Gaussian elimination with partial pivoting.
     *
     * @throws ArithmeticException when {@code a} is singular to working precision
     */
    static double[] solve(double[][] a, double[] b) {
        int p = b.length;
        double[][] m = new double[p][];
        double scale = 0;
        for (int i = 0; i < p; i++) {
            m[i] = a[i].clone();
            for (double v : a[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        double[] x = b.clone();
        for (int c = 0; c < p; c++) {
            int piv = c;
            for (int r = c + 1; r < p; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[piv][c])) {
                    piv = r;
                }
            }
            if (Math.abs(m[piv][c]) <= 1e-12 * Math.max(scale, Double.MIN_NORMAL)) {
                throw new ArithmeticException("singular system");
            }
            double[] tmp = m[c];
            m[c] = m[piv];
            m[piv] = tmp;
            double tb = x[c];
            x[c] = x[piv];
            x[piv] = tb;
            for (int r = c + 1; r < p; r++) {
                double f = m[r][c] / m[c][c];
                if (f != 0) {
                    for (int k = c; k < p; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                    x[r] -= f * x[c];
                }
            }
        }
        for (int c = p - 1; c >= 0; c--) {
            double s = x[c];
            for (int k = c + 1; k < p; k++) {
                s -= m[c][k] * x[k];
            }
            x[c] = s / m[c][c];
        }
        return x;
    }
}
