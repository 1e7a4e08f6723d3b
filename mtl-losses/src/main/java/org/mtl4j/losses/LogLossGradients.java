package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * Any gradient-based strategy applied to the log losses: the log-MGDA, log-CAGrad and log-IMTL baselines of Liu et
 * al., "FAMO: Fast Adaptive Multitask Optimization", NeurIPS 2023 ({@code log_mgda}, {@code log_cagrad},
 * {@code log_imtl} in its code).
 *
 * <p>Minimising {@code log L_i} instead of {@code L_i} changes each task gradient to
 * {@code ∇ log(L_i + ε) = g_i / (L_i + ε)}, which removes the tasks' loss scales before the inner method balances
 * them. This wrapper divides row i of the K×D task-gradient matrix by {@code L_i + ε} ({@code ε = 10⁻⁸}, FAMO's),
 * hands the result to the inner strategy, and returns its direction {@code d = Σ_i α_i g_i / (L_i + ε)}; the
 * reported weights on the raw gradients are {@code α_i / (L_i + ε)}. Everything else (modes, learnable parameters,
 * state, hooks) is the inner strategy's. The inner strategy receives the raw loss values, so methods that read them
 * (GradNorm's training rates, IMTL-L's scale gradient {@code e^{s_i} L_i − 1}) keep their meaning. Tasks without
 * labels in the batch keep a zero row (factor 0). Name: {@code "log-" + inner}, for example {@code log-mgda}.
 *
 * <p>Use it when losses differ in scale or shrink at different speeds: the log makes the balancing use relative
 * rather than absolute decreases. Same cost as the inner strategy. No hyper-parameters of its own; FAMO's
 * experiments use the inner methods' defaults (log_cagrad with its c = 0.4 there; mtl4j's CAGrad default is 0.5).
 *
 * <p>Differences from FAMO's code: (1) log_mgda further divides its weights by
 * {@code c = Σ_i α_i / (L_i + ε)} so that the raw weights sum to 1; this only shortens or lengthens the step, and is
 * not done here (the step of log-MGDA thus grows as the losses shrink, as for log_cagrad and log_imtl); (2)
 * log_cagrad takes {@code log L_i} without ε and multiplies its direction by K; (3) log_imtl is IMTL-G alone on the
 * log-loss gradients, without IMTL-L: wrapping mtl4j's hybrid {@code imtl} keeps IMTL-L's learnt scales
 * {@code e^{s_i}} on top of the {@code 1 / L_i} (IMTL-L itself works on the raw losses). IMTL-G's direction does not
 * depend on per-task scales, only its length does, so log-imtl and imtl point the same way. Wrapping a loss-based
 * strategy (equal and fixed weights included) is refused: for the sum of the log losses use {@code si-ls}.
 */
final class LogLossGradients extends ForwardingWeighting {

    /** The ε added to each loss (FAMO's log_mgda and log_imtl). */
    static final double EPS = 1e-8;


    /**
     * Wraps a gradient-based strategy.
     *
     * @param inner the strategy to apply to the log-loss gradients; not loss-based, not already wrapped
     */
    LogLossGradients(LossWeighting inner) {
        super(wrappable(inner));
    }

    private static GradientBasedWeighting wrappable(LossWeighting inner) {
        checkNotNull(inner, "log-losses: inner strategy");
        checkArgument(inner instanceof GradientBasedWeighting && !(inner instanceof LossBasedWeighting),
                "log-losses: '%s' is loss-based (si-ls sums the log losses); wrap a gradient-based strategy such as"
                        + " mgda, cagrad or imtl", inner.name());
        checkArgument(!(inner instanceof LogLossGradients), "log-losses: '%s' already works on log losses",
                inner.name());
        return (GradientBasedWeighting) inner;
    }

    /** @return the wrapped strategy */
    GradientBasedWeighting inner() {
        return inner;
    }

    @Override
    public String name() {
        return "log-" + inner.name();
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(taskGradients.getShape().dimension() == 2 && taskGradients.getShape().get(0) == k,
                "%s: task gradients of shape %s for %s tasks", name(), taskGradients.getShape(), k);
        checkArgument(losses.size() == k, "%s: %s losses for %s tasks", name(), losses.size(), k);
        double[] values = new double[k];
        for (int i = 0; i < k; i++) {
            values[i] = losses.get(i).getFloat();
        }
        double[] factors = factors(values, context.presentTasks());
        NDArray scaled;
        try (NDArray f = EngineArrays.create(taskGradients.getManager(), Gradients.toFloat(factors),
                new Shape(k, 1))) {
            scaled = taskGradients.mul(f);
        }
        CombinedGradient c = inner.combineGradients(scaled, losses, learnable, context);
        if (c.gradient() != scaled) {
            scaled.close(); // K×D, as large as the task gradients: free it now rather than with the batch
        }
        double[] w = rawWeights(c.weights(), factors);
        return new CombinedGradient(c.gradient(), w, c.learnableGradients());
    }

    /**
     * The row factors {@code 1 / (L_i + ε)}: the gradient of {@code log(L_i + ε)} is {@code g_i} times this.
     *
     * @param losses {@code L_i}
     * @param present the tasks present in the batch (others get 0)
     * @return the factors
     */
    static double[] factors(double[] losses, boolean[] present) {
        checkArgument(losses.length == present.length, "log-losses: %s losses for %s presence flags",
                losses.length, present.length);
        double[] f = new double[losses.length];
        for (int i = 0; i < f.length; i++) {
            double x = 1 / (losses[i] + EPS);
            f[i] = present[i] && Double.isFinite(x) && x > 0 ? x : 0;
        }
        return f;
    }

    /** @return the inner weights times the factors: the weights on the raw task gradients (NaN stays NaN) */
    static double[] rawWeights(double[] innerWeights, double[] factors) {
        checkArgument(innerWeights.length == factors.length, "log-losses: %s weights for %s tasks",
                innerWeights.length, factors.length);
        double[] w = new double[factors.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = factors[i] == 0 && !Double.isNaN(innerWeights[i]) ? 0 : innerWeights[i] * factors[i];
        }
        return w;
    }

    @Override
    public String toString() {
        return "log-" + inner;
    }
}
