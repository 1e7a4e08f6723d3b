package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * STCH, smooth Tchebycheff scalarisation (Lin et al., "Smooth Tchebycheff Scalarization for Multi-Objective
 * Optimization", ICML 2024).
 *
 * <p>The Tchebycheff scalarisation {@code max_i λ_i (f_i(x) − z_i*)} optimises the worst objective and can reach
 * every Pareto-optimal point, but it is not smooth; STCH replaces the max by its smooth upper bound
 * {@code g_μ(x|λ) = μ log Σ_i exp(λ_i (f_i(x) − z_i*) / μ)}, which tends to the max as the smoothing {@code μ → 0}
 * and to the average as {@code μ → ∞}. For multi-task learning the authors' code (mirrored by LibMTL) uses
 * {@code λ_i = 1}, the log losses {@code f_i = log L_i} and, as reference point, the log of a per-task "nadir"
 * {@code n_i}: the mean loss of every batch of warm-up epoch {@code W}. So, for epochs {@code e}:
 * <ul>
 *   <li>{@code e < W}: {@code L = Σ_i log(L_i + ε)} (equal weighting of the log losses);
 *   <li>{@code e = W}: the same loss, and every batch's task losses are recorded for {@code n_i};
 *   <li>{@code e > W}: with {@code l_i = log(L_i / n_i + ε)},
 *       {@code L = K · μ log Σ_i exp(l_i / μ)}, computed stably around {@code m = max_i l_i}.
 * </ul>
 * with {@code ε = 10⁻²⁰} and K the number of tasks present in the batch. The reported weights are
 * {@code ∂L/∂L_i}: {@code 1 / (L_i + ε)} in warm-up and {@code K softmax_i(l/μ) / (L_i + ε n_i)} afterwards, so the
 * task with the worst loss relative to its nadir gets most of the step.
 *
 * <p>Use it when the aim is a balanced solution in which no task is far behind its own starting level (min-max
 * fairness) at the cost of a plain step; the first {@code W + 1} epochs are log-loss equal weighting. Defaults (the
 * paper's code and LibMTL): {@code μ = 1}, {@code W = 4}. Tasks without labels in the batch are left out (weight 0),
 * and are not recorded. Loss mode only.
 *
 * <p>Deviations from the reference code: (1) the returned value adds back the (gradient-free) shift {@code m}, so it
 * is the scalarisation itself, {@code K μ log Σ exp(l_i/μ)}, where LibMTL returns it minus {@code K m}; the gradient
 * is the same; (2) K counts the tasks present in the batch (LibMTL always has them all); (3) LibMTL reports weights
 * of 1; here they are {@code ∂L/∂L_i}, as for every loss-based strategy of mtl4j; (4) a task never seen during epoch
 * W takes its nadir from the loop's loss history for that epoch (the mean over the epoch's samples), else 1. A loss
 * of exactly 0 is handled by the reference's {@code ε}: the log is finite ({@code log 10⁻²⁰ ≈ −46}), but in warm-up
 * its weight is {@code 10²⁰} (the loss's own gradient is then normally 0 as well).
 */
final class Stch implements LossBasedWeighting {

    /** The paper's and LibMTL's default smoothing μ. */
    static final double DEFAULT_MU = 1.0;
    /** The paper's and LibMTL's default warm-up epoch W. */
    static final int DEFAULT_WARMUP = 4;
    /** The reference's ε inside the logarithm. */
    static final double EPS = 1e-20;

    private final double mu;
    private final int warmup;
    private double[] lossSum;
    private double[] lossCount;
    private double[] nadir;

    Stch(double mu, int warmup) {
        checkArgument(mu > 0 && Double.isFinite(mu), "stch: mu must be positive and finite, got %s", mu);
        checkArgument(warmup >= 0, "stch: warm-up epochs must be >= 0, got %s", warmup);
        this.mu = mu;
        this.warmup = warmup;
    }

    /**
     * Parses the command-line arguments {@code mu} or {@code mu,warmup}.
     *
     * @param args the text after {@code stch:}; empty for the defaults
     * @return the strategy
     */
    static Stch fromArguments(String args) {
        if (args.isBlank()) {
            return new Stch(DEFAULT_MU, DEFAULT_WARMUP);
        }
        List<String> parts = Splitter.on(',').trimResults().splitToList(args);
        checkArgument(parts.size() <= 2, "stch: expected 'mu' or 'mu,warmup', got '%s'", args);
        double mu = parse(parts.get(0), "mu");
        int warmup = DEFAULT_WARMUP;
        if (parts.size() == 2) {
            double w = parse(parts.get(1), "warmup");
            checkArgument(w == Math.rint(w) && w >= 0 && w <= Integer.MAX_VALUE,
                    "stch: warmup must be a whole number of epochs >= 0, got '%s'", parts.get(1));
            warmup = (int) w;
        }
        return new Stch(mu, warmup);
    }

    private static double parse(String text, String what) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("stch: " + what + " '" + text + "' is not a number");
        }
    }

    @Override
    public String name() {
        return "stch";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        checkArgument(losses.size() == k, "stch: %s losses for %s tasks", losses.size(), k);
        boolean[] present = context.presentTasks();
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            values[i] = losses.get(i).getFloat();
        }
        NDManager manager = losses.get(0).getManager();
        if (!anyPresent(present)) {
            return new WeightedLoss(losses.get(0).mul(EngineArrays.scalar(manager, 0f)), new double[k]);
        }
        if (context.epoch() <= warmup) {
            if (context.epoch() == warmup) {
                record(values, present);
            }
            NDArray eps = EngineArrays.scalar(manager, (float) EPS);
            NDArray total = null;
            for (int i = 0; i < k; i++) {
                if (present[i]) {
                    NDArray term = losses.get(i).add(eps).log();
                    total = total == null ? term : total.add(term);
                }
            }
            return new WeightedLoss(total, warmupWeights(values, present));
        }
        double[] n = nadir(context);
        double[] l = relativeLogLosses(values, n, present);
        double max = max(l, present);
        int count = 0;
        NDArray eps = EngineArrays.scalar(manager, (float) EPS);
        NDArray shift = EngineArrays.scalar(manager, (float) max);
        NDArray smoothing = EngineArrays.scalar(manager, (float) mu);
        NDArray sum = null;
        for (int i = 0; i < k; i++) {
            if (present[i]) {
                count++;
                NDArray li = losses.get(i).div(EngineArrays.scalar(manager, (float) n[i])).add(eps).log();
                NDArray term = li.sub(shift).div(smoothing).exp();
                sum = sum == null ? term : sum.add(term);
            }
        }
        NDArray total = sum.log().mul(smoothing).add(shift).mul(EngineArrays.scalar(manager, count));
        return new WeightedLoss(total, weights(values, n, present, mu));
    }

    private void record(double[] values, boolean[] present) {
        if (lossSum == null || lossSum.length != values.length) {
            lossSum = new double[values.length];
            lossCount = new double[values.length];
        }
        for (int i = 0; i < values.length; i++) {
            if (present[i] && Double.isFinite(values[i])) {
                lossSum[i] += values[i];
                lossCount[i]++;
            }
        }
    }

    /** The nadir {@code n_i}: fixed on first use after warm-up, from the recorded losses or the loss history. */
    private double[] nadir(WeightingContext context) {
        int k = context.taskCount();
        if (nadir != null && nadir.length == k) {
            return nadir;
        }
        double[] history = context.lossHistory().size() > warmup
                ? context.lossHistory().get(warmup).stream().mapToDouble(Double::doubleValue).toArray()
                : null;
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            double v = Double.NaN;
            if (lossSum != null && lossSum.length == k && lossCount[i] > 0) {
                v = lossSum[i] / lossCount[i];
            } else if (history != null) {
                v = history[i];
            }
            out[i] = v > 0 && Double.isFinite(v) ? v : 1.0;
        }
        nadir = out;
        return nadir;
    }

    /** @return {@code l_i = log(L_i / n_i + ε)} for the present tasks (0 elsewhere) */
    static double[] relativeLogLosses(double[] losses, double[] nadir, boolean[] present) {
        double[] l = new double[losses.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = present[i] ? Math.log(losses[i] / nadir[i] + EPS) : 0;
        }
        return l;
    }

    /**
     * The weights {@code ∂L/∂L_i} after warm-up: {@code K softmax_i(l/μ) / (L_i + ε n_i)}.
     *
     * @param losses {@code L_i}
     * @param nadir {@code n_i}
     * @param present the tasks in the scalarisation
     * @param mu the smoothing μ
     * @return the weights (0 for absent tasks)
     */
    static double[] weights(double[] losses, double[] nadir, boolean[] present, double mu) {
        double[] l = relativeLogLosses(losses, nadir, present);
        double max = max(l, present);
        double sum = 0;
        int count = 0;
        double[] p = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            if (present[i]) {
                p[i] = Math.exp((l[i] - max) / mu);
                sum += p[i];
                count++;
            }
        }
        double[] w = new double[l.length];
        for (int i = 0; i < l.length; i++) {
            w[i] = present[i] ? count * (p[i] / sum) / (losses[i] + EPS * nadir[i]) : 0;
        }
        return w;
    }

    /** @return the warm-up weights {@code 1 / (L_i + ε)} (0 for absent tasks) */
    static double[] warmupWeights(double[] losses, boolean[] present) {
        double[] w = new double[losses.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = present[i] ? 1 / (losses[i] + EPS) : 0;
        }
        return w;
    }

    private static double max(double[] l, boolean[] present) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < l.length; i++) {
            if (present[i]) {
                max = Math.max(max, l[i]);
            }
        }
        return max;
    }

    private static boolean anyPresent(boolean[] present) {
        for (boolean p : present) {
            if (p) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        ImmutableMap.Builder<String, double[]> b = ImmutableMap.builder();
        if (lossSum != null) {
            b.put("nadir_loss_sum", lossSum.clone()).put("nadir_loss_count", lossCount.clone());
        }
        if (nadir != null) {
            b.put("nadir", nadir.clone());
        }
        return b.build();
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] s = state.get("nadir_loss_sum");
        double[] c = state.get("nadir_loss_count");
        double[] n = state.get("nadir");
        checkArgument((s == null) == (c == null) && (s == null || s.length == c.length),
                "stch: checkpoint state needs nadir_loss_sum and nadir_loss_count of equal length");
        lossSum = s == null ? null : s.clone();
        lossCount = c == null ? null : c.clone();
        nadir = n == null ? null : n.clone();
    }

    @Override
    public String toString() {
        return name() + ":" + mu + "," + warmup;
    }
}
