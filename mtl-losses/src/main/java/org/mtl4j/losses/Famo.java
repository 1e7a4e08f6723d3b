package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableMap;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * FAMO, fast adaptive multitask optimisation (Liu et al., "FAMO: Fast Adaptive Multitask Optimization",
 * NeurIPS 2023).
 *
 * <p>FAMO decreases all task losses at an equal <em>rate</em> with O(1) cost per step, without per-task gradients.
 * With logits {@code ξ} and {@code z = softmax(ξ)}, the step minimises
 * {@code L = Σ_k z_k log(L_k + ε) / c} with {@code c = Σ_k z_k / (L_k + ε)} held constant ({@code ε = 10⁻⁸}), so the
 * implied loss weights {@code z_k / (c (L_k + ε))} sum to 1. After the optimiser step the loop re-evaluates the batch
 * ({@link #reevaluatesAfterStep()}) and FAMO updates the logits from the observed decrease
 * {@code δ_k = log(L_k(t) + ε) − log(L_k(t+1) + ε)}: their gradient is {@code ∂ξ_j = z_j (δ_j − Σ_k z_k δ_k)} (the
 * softmax Jacobian applied to δ) and its own Adam step (learning rate {@value #DEFAULT_LOGIT_LEARNING_RATE}, weight
 * decay {@value #DEFAULT_LOGIT_WEIGHT_DECAY} added to the gradient, β = (0.9, 0.999), as LibMTL's defaults) moves
 * weight away from the tasks that improved fastest. Logits and Adam moments are checkpointed. Tasks without labels in
 * a batch take no part in {@code c} or the update. Loss mode only; one extra forward pass without gradients per step.
 */
final class Famo implements LossBasedWeighting {

    /** LibMTL's default logit learning rate. */
    static final double DEFAULT_LOGIT_LEARNING_RATE = 0.025;
    /** LibMTL's default logit weight decay. */
    static final double DEFAULT_LOGIT_WEIGHT_DECAY = 1e-3;
    static final double EPS = 1e-8;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private final double learningRate;
    private final double weightDecay;
    private double[] logits;
    private double[] m;
    private double[] v;
    private long t;

    Famo(double learningRate, double weightDecay) {
        checkArgument(learningRate > 0 && Double.isFinite(learningRate),
                "famo: logit learning rate must be positive and finite, got %s", learningRate);
        checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay),
                "famo: logit weight decay must be finite and >= 0, got %s", weightDecay);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "famo";
    }

    @Override
    public boolean reevaluatesAfterStep() {
        return true;
    }

    private void ensureState(int k) {
        if (logits == null || logits.length != k) {
            logits = new double[k];
            m = new double[k];
            v = new double[k];
            t = 0;
        }
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        ensureState(k);
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            values[i] = losses.get(i).getFloat();
        }
        boolean[] present = context.presentTasks();
        double[] w = weights(logits, values, present);
        double c = normaliser(logits, values, present);
        double[] z = softmax(logits);
        NDArray total = null;
        for (int i = 0; i < k; i++) {
            if (!present[i]) {
                continue;
            }
            NDArray term = losses.get(i).add((float) EPS).log().mul(EngineArrays.scalar(losses.get(i).getManager(), (float) (z[i] / c)));
            total = total == null ? term : total.add(term);
        }
        if (total == null) {
            total = losses.get(0).mul(EngineArrays.scalar(losses.get(0).getManager(), 0f));
        }
        return new WeightedLoss(total, w);
    }

    @Override
    public void afterStep(NDList learnable, double[] lossesBefore, Optional<double[]> lossesAfter,
            WeightingContext context) {
        double[] after = lossesAfter.orElseThrow(() -> new IllegalStateException(
                "famo needs the losses after the step: does the training loop honour reevaluatesAfterStep()?"));
        ensureState(lossesBefore.length);
        double[] gradient = logitGradient(logits, lossesBefore, after, context.presentTasks());
        t++;
        adamStep(logits, m, v, t, gradient, learningRate, weightDecay);
    }

    /** @return {@code softmax(ξ)} */
    static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double x : logits) {
            max = Math.max(max, x);
        }
        double[] z = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            z[i] = Math.exp(logits[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < z.length; i++) {
            z[i] /= sum;
        }
        return z;
    }

    private static double normaliser(double[] logits, double[] losses, boolean[] present) {
        double[] z = softmax(logits);
        double c = 0;
        for (int i = 0; i < z.length; i++) {
            if (present[i]) {
                c += z[i] / (losses[i] + EPS);
            }
        }
        return c;
    }

    /**
     * The implied loss weights {@code z_k / (c (L_k + ε))}.
     *
     * @param logits ξ
     * @param losses {@code L_k}
     * @param present the tasks that take part
     * @return the weights (summing to 1 over the present tasks)
     */
    static double[] weights(double[] logits, double[] losses, boolean[] present) {
        checkArgument(logits.length == losses.length, "famo: %s logits for %s losses", logits.length,
                losses.length);
        double[] z = softmax(logits);
        double c = normaliser(logits, losses, present);
        double[] w = new double[z.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = present[i] && c > 0 ? z[i] / (c * (losses[i] + EPS)) : 0;
        }
        return w;
    }

    /**
     * The logit gradient from the observed decrease: {@code ∂ξ_j = z_j (δ_j − Σ_k z_k δ_k)} with
     * {@code δ_k = log(L_k(t) + ε) − log(L_k(t+1) + ε)} (0 for absent tasks or non-finite losses).
     *
     * @param logits ξ
     * @param before {@code L_k(t)}
     * @param after {@code L_k(t+1)}, the same batch after the step
     * @param present the tasks that take part
     * @return the gradient
     */
    static double[] logitGradient(double[] logits, double[] before, double[] after, boolean[] present) {
        int k = logits.length;
        checkArgument(before.length == k && after.length == k, "famo: %s logits for %s/%s losses", k,
                before.length, after.length);
        double[] z = softmax(logits);
        double[] delta = new double[k];
        double weighted = 0;
        for (int i = 0; i < k; i++) {
            double d = Math.log(before[i] + EPS) - Math.log(after[i] + EPS);
            delta[i] = present[i] && Double.isFinite(d) ? d : 0;
            weighted += z[i] * delta[i];
        }
        double[] g = new double[k];
        for (int j = 0; j < k; j++) {
            g[j] = z[j] * (delta[j] - weighted);
        }
        return g;
    }

    /**
     * One Adam step (PyTorch's, with weight decay added to the gradient), in place.
     *
     * @param x the parameters
     * @param m the first moments
     * @param v the second moments
     * @param step the step count, from 1
     * @param gradient the gradient
     * @param learningRate the learning rate
     * @param weightDecay the L2 weight decay
     */
    static void adamStep(double[] x, double[] m, double[] v, long step, double[] gradient, double learningRate,
            double weightDecay) {
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < x.length; i++) {
            double g = gradient[i] + weightDecay * x[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            x[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
        }
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        if (logits == null) {
            return ImmutableMap.of();
        }
        return ImmutableMap.of("logits", logits.clone(), "adam_m", m.clone(), "adam_v", v.clone(), "adam_t",
                new double[] {t});
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] l = state.get("logits");
        if (l == null) {
            logits = null;
            return;
        }
        double[] mm = state.get("adam_m");
        double[] vv = state.get("adam_v");
        double[] tt = state.get("adam_t");
        checkArgument(mm != null && vv != null && tt != null && mm.length == l.length && vv.length == l.length
                && tt.length == 1, "famo: checkpoint state needs logits, adam_m, adam_v of equal length and adam_t");
        logits = l.clone();
        m = mm.clone();
        v = vv.clone();
        t = (long) tt[0];
    }

    @Override
    public String toString() {
        return name() + ":" + learningRate;
    }
}
