package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.weighting.GradientMode;

/**
 * MoDo, multi-objective gradient with double sampling (Chen, Fernando, Ying and Chen, "Three-Way Trade-Off in
 * Multi-Objective Learning: Optimization, Generalization and Conflict-Avoidance", NeurIPS 2023; JMLR 2024).
 *
 * <p>MGDA's weights {@code λ* = argmin_{λ ∈ Δ} ½‖∇F(x) λ‖²} are a biased estimate when computed from stochastic
 * gradients. MoDo instead keeps λ across steps and moves it by one projected (sub)gradient step per step, with an
 * ℓ2 regulariser: {@code λ_{t+1} = Π_Δ(λ_t − γ (∇F(x_t; z_{t,1})ᵀ ∇F(x_t; z_{t,2}) λ_t + ρ λ_t))}, then
 * {@code x_{t+1} = x_t − α ∇F(x_t; z_{t,3}) λ_{t+1}}, where the {@code z_{t,s}} are independent batches (double
 * sampling makes the product an unbiased estimate of {@code ∇Fᵀ∇F}). Here the direction is
 * {@code d = Σ_i λ_{t+1,i} g_i} and the weights are {@code λ_{t+1}} (summing to 1).
 *
 * <p><b>One batch.</b> mtl4j's loop gives one batch's task-gradient matrix per step, so, as TorchJD's
 * {@code MoDoWeighting} does when given a single-batch Gramian, all three gradients are that batch's:
 * {@code ∇F(z_1)ᵀ∇F(z_2)} becomes the Gram matrix {@code G = ggᵀ}, which is a <em>biased</em> estimate of
 * {@code ∇Fᵀ∇F} (it adds the gradient noise's covariance), where the paper's double sampling is unbiased; the
 * paper's convergence guarantee does not cover this. What remains is MGDA solved by one projected-gradient step
 * per training step, warm-started from the last step's λ.
 *
 * <p>Use it as a cheap, smooth alternative to MGDA (one K×K product and a simplex projection per step; λ changes
 * slowly, so the weights do not jump from batch to batch). Defaults, LibMTL's: {@code γ = 10⁻³} (TorchJD: 0.1),
 * {@code ρ = 0.1}. γ acts on the raw Gram matrix, so its useful size depends on the gradients' norms. λ starts
 * uniform and is checkpointed. Parameter mode only, as in LibMTL and the authors' code.
 *
 * <p>Tasks absent from the batch (or with a zero gradient) are left out: the step runs on the present tasks' λ,
 * renormalised to sum 1 (uniform if they hold no mass), and the result is stored back with the mass they held, so
 * the absent tasks' λ is untouched. With every task present this is exactly the update above.
 */
final class MoDo extends GramWeighting {

    /** LibMTL's default step size of λ. */
    static final double DEFAULT_GAMMA = 1e-3;
    /** LibMTL's default ℓ2 regularisation of λ. */
    static final double DEFAULT_RHO = 0.1;

    private final double gamma;
    private final double rho;
    private final SimplexShare lambda = new SimplexShare("modo");

    MoDo(double gamma, double rho) {
        checkArgument(gamma > 0 && Double.isFinite(gamma), "modo: gamma must be positive and finite, got %s", gamma);
        checkArgument(rho >= 0 && Double.isFinite(rho), "modo: rho must be finite and >= 0, got %s", rho);
        this.gamma = gamma;
        this.rho = rho;
    }

    /**
     * Parses the command-line arguments {@code gamma} or {@code gamma,rho}.
     *
     * @param args the text after {@code modo:}; empty for the defaults
     * @return the strategy
     */
    static MoDo fromArguments(String args) {
        if (args.isBlank()) {
            return new MoDo(DEFAULT_GAMMA, DEFAULT_RHO);
        }
        List<String> parts = Splitter.on(',').trimResults().splitToList(args);
        checkArgument(parts.size() <= 2, "modo: expected 'gamma' or 'gamma,rho', got '%s'", args);
        double g = number(parts.get(0), "gamma");
        return new MoDo(g, parts.size() == 2 ? number(parts.get(1), "rho") : DEFAULT_RHO);
    }

    private static double number(String text, String what) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("modo: " + what + " '" + text + "' is not a number");
        }
    }

    @Override
    public String name() {
        return "modo";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int k = gram.length;
        lambda.start(k);
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new double[k];
        }
        double[] sub = lambda.share(k, idx);
        double[] next = step(Gradients.subset(gram, idx), sub, gamma, rho);
        lambda.store(next);
        return Gradients.scatter(next, idx, k);
    }

    /**
     * One MoDo update {@code Π_Δ(λ − γ (G λ + ρ λ))}.
     *
     * @param gram the (estimated) product {@code ∇Fᵀ∇F}, K×K
     * @param lambda the current weights, on the simplex
     * @param gamma the step size γ
     * @param rho the ℓ2 regularisation ρ
     * @return the new weights, on the simplex
     */
    static double[] step(double[][] gram, double[] lambda, double gamma, double rho) {
        double[] gl = Gradients.times(gram, lambda);
        double[] y = new double[lambda.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = lambda[i] - gamma * (gl[i] + rho * lambda[i]);
        }
        return CaGrad.projectToSimplex(y);
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        double[] v = lambda.values();
        return v == null ? ImmutableMap.of() : ImmutableMap.of("lambda", v);
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        lambda.restore(state.get("lambda"), "lambda");
    }

    @Override
    public String toString() {
        return name() + ":" + gamma + "," + rho;
    }
}
