package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * DB-MTL, dual-balancing multi-task learning (Lin et al., "Dual-Balancing for Multi-Task Learning", arXiv 2308.12029,
 * 2023).
 *
 * <p>Balances the tasks twice. <b>Loss scale</b>: every task is trained on {@code log L_i}, whose gradient
 * {@code ∇ log L_i = g_i / L_i} no longer depends on the loss's unit. <b>Gradient magnitude</b>: an exponential moving
 * average of those gradients, {@code ĝ_i ← β_t ĝ_i + (1 − β_t) g_i / (L_i + ε)} with {@code β_t = β / t^{σ}} and
 * {@code ĝ} starting at 0, is rescaled so that every task's share has the norm of the largest:
 * <pre>  d = Σ_i (max_j ‖ĝ_j‖ / (‖ĝ_i‖ + ε)) ĝ_i,    ε = 10⁻⁸.</pre>
 * Use it when losses differ in scale and gradients in magnitude (regression next to classification); it keeps a K×D
 * array (K copies of the gradient). Defaults are LibMTL's ({@code DB_beta = 0.9}, {@code DB_beta_sigma = 0}), whose
 * implementation is the authors' own. The reported weights are the rescaling factors
 * {@code max_j ‖ĝ_j‖ / (‖ĝ_i‖ + ε)} (LibMTL reports 1 per task); d combines the averaged gradients, not this batch's.
 *
 * <p>The loop hands over the gradients of {@code L_i}, so {@code g_i / (L_i + ε)} replaces LibMTL's back-propagation
 * of {@code log(L_i + ε)} (the same values). Losses must be non-negative (the method takes their logarithm). As in
 * the reference, the average is not bias-corrected: the first steps' d is smaller ({@code 1 − β} of its size at the
 * first step). Tasks absent from the batch or with a zero gradient take no part: weight 0, their average stays as it
 * is and they do not count for the largest norm; t counts the steps with at least one active task. The state
 * ({@code ĝ}, t) is checkpointed; {@code ĝ} lives on a manager of this strategy on the gradients' device
 * ({@link #close()} frees it). Parameter mode only, as in LibMTL: the average runs over batches, and representation
 * gradients of different batches belong to different samples.
 */
final class DbMtl implements GradientBasedWeighting, AutoCloseable {

    static final double DEFAULT_BETA = 0.9;
    static final double DEFAULT_BETA_SIGMA = 0;
    static final double EPS = 1e-8;

    private final double beta;
    private final double betaSigma;
    private final TaskBuffer averages = new TaskBuffer("dbmtl");
    private long step;

    DbMtl(double beta, double betaSigma) {
        checkArgument(beta >= 0 && beta < 1, "dbmtl: beta must lie in [0, 1), got %s", beta);
        checkArgument(betaSigma >= 0 && Double.isFinite(betaSigma),
                "dbmtl: beta_sigma must be finite and >= 0, got %s", betaSigma);
        this.beta = beta;
        this.betaSigma = betaSigma;
    }

    @Override
    public String name() {
        return "dbmtl";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(taskGradients.getShape().get(0) == k, "dbmtl: %s task gradients for %s tasks",
                taskGradients.getShape().get(0), k);
        long d = taskGradients.getShape().get(1);
        double[][] gram = Gradients.gram(taskGradients);
        boolean[] active = Gradients.active(gram, context.presentTasks());
        if (Gradients.indices(active).length == 0) {
            return new CombinedGradient(taskGradients.getManager().zeros(new Shape(d)), new double[k]);
        }
        double[] l = new double[k];
        for (int i = 0; i < k; i++) {
            if (active[i]) {
                l[i] = losses.get(i).getFloat();
                checkArgument(l[i] >= 0 && Double.isFinite(l[i]),
                        "dbmtl: task '%s' has loss %s; DB-MTL takes log(L) and needs finite losses >= 0",
                        context.taskNames().get(i), l[i]);
            }
        }
        step++;
        double b = beta / Math.pow(step, betaSigma);
        // ĝ_i ← β_t ĝ_i + (1 − β_t) g_i / (L_i + ε) for the active rows, unchanged for the others
        float[] keep = new float[k];
        float[] take = new float[k];
        for (int i = 0; i < k; i++) {
            keep[i] = active[i] ? (float) b : 1f;
            take[i] = active[i] ? (float) ((1 - b) / (l[i] + EPS)) : 0f;
        }
        NDArray avg = averages.current(taskGradients, taskGradients.getShape());
        try (NDArray a = EngineArrays.create(taskGradients.getManager(), keep, new Shape(k, 1));
                NDArray s = EngineArrays.create(taskGradients.getManager(), take, new Shape(k, 1));
                NDArray kept = a.mul(avg); NDArray added = s.mul(taskGradients)) {
            avg = kept.add(added);
        }
        averages.replace(avg);
        double[] norms;
        try (NDArray sq = avg.square(); NDArray sum = sq.sum(new int[] {1}); NDArray n = sum.sqrt()) {
            norms = Gradients.toDouble(n.toFloatArray());
        }
        double max = 0;
        for (int i = 0; i < k; i++) {
            if (active[i]) {
                max = Math.max(max, norms[i]);
            }
        }
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) {
            weights[i] = active[i] ? max / (norms[i] + EPS) : 0;
        }
        try (NDArray row = EngineArrays.create(taskGradients.getManager(), Gradients.toFloat(weights),
                new Shape(1, k)); NDArray dir = row.matMul(avg)) {
            return new CombinedGradient(dir.reshape(d), weights);
        }
    }

    /** @return the averaged log-loss gradients ĝ (row-major K×D) and the step count; empty before the first step */
    @Override
    public ImmutableMap<String, double[]> state() {
        double[] avg = averages.export();
        return avg == null ? ImmutableMap.of() : ImmutableMap.of("averages", avg, "step", new double[] {step});
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] avg = state.get("averages");
        double[] t = state.get("step");
        checkArgument((avg == null) == (t == null) && (t == null || t.length == 1),
                "dbmtl: checkpoint state needs both averages (K×D) and step");
        averages.restore(avg);
        step = t == null ? 0 : (long) t[0];
    }

    /** Frees the averages' native memory and forgets the state. */
    @Override
    public void close() {
        averages.close();
        step = 0;
    }

    @Override
    public String toString() {
        return name() + ":" + beta;
    }
}
