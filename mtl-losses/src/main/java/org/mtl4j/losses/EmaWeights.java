package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableMap;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * An exponential moving average of any gradient strategy's task weights, after the correlation-reduced
 * multi-objective gradient manipulation (CR-MOGM) of Zhou et al., "On the Convergence of Stochastic Multi-Objective
 * Gradient Manipulation and Beyond", NeurIPS 2022 (TorchJD offers it as a wrapper too).
 *
 * <p>With {@code λ̂_t} the weights the wrapped strategy chooses at step t and β ∈ [0, 1):
 * {@code λ_t = β λ_{t−1} + (1 − β) λ̂_t} (with {@code λ_0 = λ̂_0}), and the update is {@code d_t = Σ_i λ_t,i g_i}.
 * Stochastic weights from one batch are noisy and correlated with that batch's gradients, which biases the update;
 * averaging them over steps reduces both. A task absent from a batch gets weight 0 in that step and keeps its average.
 * β = 0 is the wrapped strategy itself.
 *
 * <p>Works with every gradient strategy that reports its weights (not GradDrop, whose update is no weighted sum). The
 * wrapped strategy still runs every step, so its own state (GradVac's targets, IMTL-L's scales) evolves as without
 * the wrapper. {@code --weighting ema(pcgrad,0.9)}.
 */
final class EmaWeights extends ForwardingWeighting {

    private final double beta;
    private double[] average;

    EmaWeights(GradientBasedWeighting inner, double beta) {
        super(inner);
        checkArgument(!(inner instanceof GradDrop), "ema: strategy %s masks gradient elements; its update is no "
                + "weighted sum of the task gradients to average", inner.name());
        checkArgument(beta >= 0 && beta < 1, "ema: beta must be in [0, 1), got %s", beta);
        this.beta = beta;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "ema(%s,%s)", inner.name(), beta);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        CombinedGradient now = inner.combineGradients(taskGradients, losses, learnable, context);
        double[] w = now.weights();
        for (int i = 0; i < w.length; i++) {
            checkArgument(Double.isFinite(w[i]), "ema: strategy %s reports no weight for task %s (got %s); only "
                    + "strategies whose update is a weighted sum of the task gradients can be averaged", inner.name(),
                    context.taskNames().get(i), w[i]);
        }
        double[] used = update(w, context.presentTasks());
        now.gradient().close();
        return new CombinedGradient(Gradients.combine(taskGradients, used), used, now.learnableGradients());
    }

    /**
     * Folds one step's weights into the average.
     *
     * @param weights the wrapped strategy's weights
     * @param present the tasks present in the batch
     * @return the weights to apply: the average for present tasks, 0 for absent ones
     */
    double[] update(double[] weights, boolean[] present) {
        if (average == null) {
            average = weights.clone();
        } else {
            checkArgument(average.length == weights.length, "ema: %s weights after %s", weights.length,
                    average.length);
            for (int i = 0; i < weights.length; i++) {
                if (present[i]) {
                    average[i] = beta * average[i] + (1 - beta) * weights[i];
                }
            }
        }
        double[] used = new double[weights.length];
        for (int i = 0; i < used.length; i++) {
            used[i] = present[i] ? average[i] : 0;
        }
        return used;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        ImmutableMap.Builder<String, double[]> b = ImmutableMap.builder();
        if (average != null) {
            b.put("ema.average", average.clone());
        }
        inner.state().forEach((k, v) -> b.put("inner." + k, v));
        return b.build();
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] a = state.get("ema.average");
        average = a == null ? null : a.clone();
        ImmutableMap.Builder<String, double[]> rest = ImmutableMap.builder();
        state.forEach((k, v) -> {
            if (k.startsWith("inner.")) {
                rest.put(k.substring("inner.".length()), v);
            }
        });
        inner.restoreState(rest.build());
    }

    @Override
    public String toString() {
        return name();
    }
}
