package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import org.mtl4j.core.weighting.GradientMode;

/**
 * SDMGrad, stochastic direction-oriented multi-objective gradient descent (Xiao, Ban and Ji, "Direction-oriented
 * Multi-objective Learning: Simple and Provable Stochastic Algorithms", NeurIPS 2023).
 *
 * <p>SDMGrad looks for the direction closest to a target direction {@code g_0 = ∇F w̃} (here the average gradient,
 * {@code w̃ = 1/K}) among those that descend all tasks, which comes down to the weights
 * {@code w* = argmin_{w ∈ Δ} ½‖∇F (w + λ w̃)‖²} and the update {@code d = ∇F (w* + λ w̃) / (1 + λ)}. The
 * weights are found by a few projected SGD steps with momentum on the simplex, warm-started from the last step's
 * w: {@code v ← β v + A (w + λ w̃)}, {@code w ← Π_Δ(w − η v)}, with {@code A = ∇F(ξ)ᵀ∇F(ξ')} normalised by the
 * squared mean gradient norm {@code s = mean_i √max(A_ii, 0)}, {@code A ← A / (s² + 10⁻⁸)}, so that η does not
 * depend on the gradients' scale (the paper's section 6.1). The reported weights are {@code (w + λ w̃) / (1 + λ)},
 * summing to 1; {@code λ = 0} gives (an approximation of) MGDA, a large λ the average gradient.
 *
 * <p><b>One batch.</b> The paper estimates A from two independent batches {@code ξ, ξ'} and the update from a third,
 * {@code ζ}. mtl4j's loop gives one batch's task-gradient matrix per step, so, as TorchJD's
 * {@code SDMGradWeighting} does when given a single-batch Gramian, A is that batch's Gram matrix {@code G = ggᵀ}:
 * a <em>biased</em> estimate of {@code ∇Fᵀ∇F} where double sampling is unbiased, outside the paper's guarantee.
 * (The authors' code allocates its three gradient buffers as {@code [tensor] * 3}, one aliased tensor, so in effect
 * it also uses a single batch's gradients for all three.)
 *
 * <p>Use it when MGDA's bias towards the smallest gradient hurts the average: λ trades conflict avoidance for
 * closeness to the average gradient. Defaults: {@code λ = 0.3} (the authors' experiments and LibMTL), 20 inner
 * iterations, inner learning rate {@code η = 10} and momentum {@code β = 0.5} (the authors' code and TorchJD;
 * LibMTL uses η = 5). The authors' code also multiplies the direction by K ("to match the sum loss"); LibMTL and
 * TorchJD do not, nor does this class. w starts uniform and is checkpointed; the momentum restarts every step, as in
 * all three references. Parameter mode only, as in LibMTL and the authors' code.
 *
 * <p>Tasks absent from the batch (or with a zero gradient) are left out: the solve runs on the present tasks' w,
 * renormalised to sum 1 (uniform if they hold no mass), with {@code w̃} uniform over them, and the result is stored
 * back with the mass they held. With every task present this is exactly the update above.
 */
final class SdmGrad extends GramWeighting {

    /** The default pull λ towards the average gradient (the authors' experiments, LibMTL, TorchJD). */
    static final double DEFAULT_LAMBDA = 0.3;
    /** The default number of inner iterations. */
    static final int DEFAULT_ITERATIONS = 20;
    /** The default inner learning rate (the authors' code, TorchJD). */
    static final double DEFAULT_LEARNING_RATE = 10;
    /** The inner momentum of every reference. */
    static final double DEFAULT_MOMENTUM = 0.5;

    private final double lambda;
    private final double learningRate;
    private final double momentum;
    private final int iterations;
    private final SimplexShare w = new SimplexShare("sdmgrad");

    SdmGrad(double lambda) {
        this(lambda, DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM, DEFAULT_ITERATIONS);
    }

    SdmGrad(double lambda, double learningRate, double momentum, int iterations) {
        checkArgument(lambda >= 0 && Double.isFinite(lambda), "sdmgrad: lambda must be finite and >= 0, got %s",
                lambda);
        checkArgument(learningRate > 0 && Double.isFinite(learningRate),
                "sdmgrad: inner learning rate must be positive and finite, got %s", learningRate);
        checkArgument(momentum >= 0 && momentum < 1, "sdmgrad: momentum must be in [0, 1), got %s", momentum);
        checkArgument(iterations >= 1, "sdmgrad: inner iterations must be >= 1, got %s", iterations);
        this.lambda = lambda;
        this.learningRate = learningRate;
        this.momentum = momentum;
        this.iterations = iterations;
    }

    @Override
    public String name() {
        return "sdmgrad";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int k = gram.length;
        w.start(k);
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new double[k];
        }
        double[] sub = w.share(k, idx);
        double[] next = solve(Gradients.subset(gram, idx), sub, lambda, learningRate, momentum, iterations);
        w.store(next);
        return Gradients.scatter(combination(next, lambda), idx, k);
    }

    /**
     * The inner solve: {@code iterations} projected SGD steps with momentum from {@code start}.
     *
     * @param gram the (estimated) product {@code ∇Fᵀ∇F}, K×K
     * @param start the warm start, on the simplex
     * @param lambda the pull λ towards the average gradient
     * @param learningRate η
     * @param momentum β
     * @param iterations the number of steps
     * @return the new w, on the simplex
     */
    static double[] solve(double[][] gram, double[] start, double lambda, double learningRate, double momentum,
            int iterations) {
        int k = start.length;
        double scale = 0;
        for (int i = 0; i < k; i++) {
            scale += Math.sqrt(Math.max(gram[i][i], 0));
        }
        scale /= k;
        double norm = scale * scale + 1e-8;
        double[] x = start.clone();
        double[] v = new double[k];
        for (int it = 0; it < iterations; it++) {
            double[] u = new double[k];
            for (int i = 0; i < k; i++) {
                u[i] = x[i] + lambda / k;
            }
            double[] g = Gradients.times(gram, u);
            double[] y = new double[k];
            for (int i = 0; i < k; i++) {
                v[i] = momentum * v[i] + g[i] / norm;
                y[i] = x[i] - learningRate * v[i];
            }
            x = CaGrad.projectToSimplex(y);
        }
        return x;
    }

    /** @return the weights {@code (w + λ/K) / (1 + λ)} of the direction */
    static double[] combination(double[] w, double lambda) {
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (w[i] + lambda / w.length) / (1 + lambda);
        }
        return out;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        double[] v = w.values();
        return v == null ? ImmutableMap.of() : ImmutableMap.of("w", v);
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        w.restore(state.get("w"), "w");
    }

    @Override
    public String toString() {
        return name() + ":" + lambda;
    }
}
