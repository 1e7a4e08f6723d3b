package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.core.weighting.WeightingParameters;
import org.mtl4j.losses.WeightingFunctions.GradNormStep;

/**
 * GradNorm, gradient normalisation (Chen et al., "GradNorm: Gradient Normalization for Adaptive Loss Balancing in
 * Deep Multitask Networks", ICML 2018).
 *
 * <p>Learnable weights {@code w_i} (initialised to 1, renormalised to {@code Σ_i w_i = K} after every step) scale
 * the task gradients: {@code d = Σ_i w_i g_i}. They are trained to equalise the tasks' training rates: with
 * {@code G_i = ‖∇_W w_i L_i‖ = w_i ‖∇_W L_i‖} at the last shared layer {@code W}, {@code Ḡ = mean_i G_i},
 * {@code L̃_i = L_i / L_i(0)} and {@code r_i = L̃_i / mean_j L̃_j}, the weights follow the gradient of
 * {@code L_grad = Σ_i |G_i − Ḡ · r_i^α|}, the target {@code Ḡ r_i^α} held constant:
 * {@code ∂L_grad/∂w_i = sign(G_i − Ḡ r_i^α) ‖∇_W L_i‖}. The loop hands that gradient to the optimiser, which
 * updates the weights with the network; {@link #afterStep} then renormalises them. {@code L_i(0)} is the task's loss
 * at its first training step (kept as state). In parameter mode {@code W} is the last shared parameter with at least
 * two dimensions (the last shared convolution or linear weight); in representation mode it is the shared
 * representation, as in LibMTL. {@code α = 1.5} by default (the paper's NYUv2 setting, LibMTL's default).
 */
final class GradNorm implements GradientBasedWeighting {

    /** The paper's and LibMTL's default asymmetry α. */
    static final double DEFAULT_ALPHA = 1.5;
    /** Weights are kept at least this large before renormalisation. */
    static final double MIN_WEIGHT = 1e-4;
    private static final String PARAMETER = "gradnorm_weight";
    private static final String STATE_INITIAL = "initial_losses";

    private final double alpha;
    private double[] initialLosses;
    private GradNormStep last;

    GradNorm(double alpha) {
        checkArgument(alpha >= 0 && Double.isFinite(alpha), "gradnorm: alpha must be finite and >= 0, got %s",
                alpha);
        this.alpha = alpha;
    }

    @Override
    public String name() {
        return "gradnorm";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    @Override
    public Optional<Block> createParameterBlock(ImmutableList<String> taskNames) {
        return Optional.of(new WeightingParameters(PARAMETER, taskNames.size(), 1f));
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(learnable.size() == 1 && learnable.get(0).size() == k,
                "gradnorm expects one learnable vector of %s weights, got %s", k, learnable);
        double[] w = Gradients.toDouble(learnable.get(0).toFloatArray());
        double[] l = new double[k];
        for (int i = 0; i < k; i++) {
            l[i] = losses.get(i).getFloat();
        }
        if (initialLosses == null || initialLosses.length != k) {
            initialLosses = new double[k];
            Arrays.fill(initialLosses, Double.NaN);
        }
        boolean[] present = context.presentTasks();
        for (int i = 0; i < k; i++) {
            if (present[i] && Double.isNaN(initialLosses[i]) && l[i] > 0) {
                initialLosses[i] = l[i]; // L_i(0): the loss at the task's first step
            }
        }
        double[] norms = lastLayerNorms(taskGradients, context.gradientMode() == GradientMode.PARAMETERS
                ? context.gradientSegments() : ImmutableList.of());
        boolean[] active = new boolean[k];
        for (int i = 0; i < k; i++) {
            active[i] = present[i] && norms[i] > 0 && initialLosses[i] > 0 && l[i] > 0;
        }
        GradNormStep s = step(w, norms, l, initialLosses, alpha, active);
        last = s;
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) {
            weights[i] = present[i] ? w[i] : 0;
        }
        NDArray dw = Gradients.vector(learnable.get(0), s.weightGradient()).reshape(learnable.get(0).getShape());
        return new CombinedGradient(Gradients.combine(taskGradients, weights), weights, new NDList(dw));
    }

    /**
     * ‖∇_W L_i‖ for every task: W is the last segment with at least two dimensions, or every column when there is
     * none (representation mode, or no layout given).
     */
    private static double[] lastLayerNorms(NDArray g, ImmutableList<GradientSegment> segments) {
        long from = 0;
        long to = g.getShape().get(1);
        GradientSegment chosen = null;
        for (GradientSegment s : segments) {
            if (s.shape().dimension() >= 2) {
                chosen = s;
            }
        }
        if (chosen != null) {
            from = chosen.offset();
            to = chosen.end();
        }
        try (NDArray slice = g.get(":, " + from + ":" + to); NDArray sq = slice.square();
                NDArray sum = sq.sum(new int[] {1}); NDArray norms = sum.sqrt()) {
            return Gradients.toDouble(norms.toFloatArray());
        }
    }

    /**
     * One GradNorm evaluation (the plain-array form).
     *
     * @param weights the current weights {@code w_i}
     * @param gradientNorms {@code ‖∇_W L_i‖}
     * @param losses {@code L_i(t)}
     * @param initialLosses {@code L_i(0)}
     * @param alpha the asymmetry α
     * @param active the tasks that take part (others get no gradient)
     * @return {@code G_i}, the targets {@code Ḡ r_i^α}, {@code L_grad} and {@code ∂L_grad/∂w_i}
     */
    static GradNormStep step(double[] weights, double[] gradientNorms, double[] losses, double[] initialLosses,
            double alpha, boolean[] active) {
        int k = weights.length;
        checkArgument(gradientNorms.length == k && losses.length == k && initialLosses.length == k
                && active.length == k, "gradnorm: inputs of different lengths for %s tasks", k);
        double[] g = new double[k];
        double[] ratio = new double[k];
        double meanG = 0;
        double meanRatio = 0;
        int n = 0;
        for (int i = 0; i < k; i++) {
            g[i] = weights[i] * gradientNorms[i];
            if (active[i]) {
                ratio[i] = losses[i] / initialLosses[i];
                meanG += g[i];
                meanRatio += ratio[i];
                n++;
            }
        }
        double[] target = new double[k];
        double[] grad = new double[k];
        double loss = 0;
        if (n == 0) {
            return new GradNormStep(g, target, 0, grad);
        }
        meanG /= n;
        meanRatio /= n;
        for (int i = 0; i < k; i++) {
            if (!active[i]) {
                continue;
            }
            double r = ratio[i] / meanRatio;
            target[i] = meanG * Math.pow(r, alpha);
            loss += Math.abs(g[i] - target[i]);
            grad[i] = Math.signum(g[i] - target[i]) * gradientNorms[i];
        }
        return new GradNormStep(g, target, loss, grad);
    }

    /**
     * Renormalises weights to sum to K: {@code w ← K · max(w, ε) / Σ max(w, ε)}.
     *
     * @param weights the weights after the optimiser's update
     * @return the renormalised weights
     */
    static double[] renormalise(double[] weights) {
        double[] out = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            out[i] = Double.isFinite(weights[i]) ? Math.max(weights[i], MIN_WEIGHT) : 1;
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] *= out.length / sum;
        }
        return out;
    }

    @Override
    public void afterStep(NDList learnable, double[] lossesBefore, Optional<double[]> lossesAfter,
            WeightingContext context) {
        NDArray w = learnable.get(0);
        double[] renormalised = renormalise(Gradients.toDouble(w.toFloatArray()));
        try (NDArray values = Gradients.vector(w, renormalised); NDArray shaped = values.reshape(w.getShape())) {
            w.muli(0).addi(shaped); // in place: w is the parameter array (no gradient is recorded here)
        }
    }

    /** @return the last step's GradNorm quantities (for tests and diagnostics), or null before the first step */
    GradNormStep lastStep() {
        return last;
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        return initialLosses == null ? ImmutableMap.of() : ImmutableMap.of(STATE_INITIAL, initialLosses.clone());
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] l = state.get(STATE_INITIAL);
        initialLosses = l == null ? null : l.clone();
    }

    @Override
    public String toString() {
        return name() + ":" + alpha;
    }
}
