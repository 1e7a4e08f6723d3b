package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.base.Splitter;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.MetaStep;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * Auto-Lambda (Liu, Davison, Johns, "Auto-Lambda: Disentangling Dynamic Task Relationships", TMLR 2022; reference
 * code {@code lorenmt/auto-lambda}, {@code auto_lambda.py}).
 *
 * <p>The task weights {@code λ} (all {@value #DEFAULT_INITIAL_WEIGHT} at first, the reference's {@code autol_init})
 * are meta-learned so that one training step on {@code Σ_i λ_i L_i} lowers the validation loss of the primary tasks.
 * Before every step ({@link #metaStep}), with {@code α} the model's learning rate at that step:
 * <ol>
 *   <li>virtual step: {@code θ' = θ − α ∇_θ Σ_i λ_i L_i^train(θ)};
 *   <li>meta loss: {@code L^val(θ') = Σ_{i ∈ P} L_i^val(θ')} on a validation batch, P the primary tasks (all tasks
 *       in the multi-task setting, the named ones in the auxiliary-learning setting), and {@code v = ∇_θ' L^val};
 *   <li>hypergradient by central finite differences: with {@code ε = 0.01 / ‖v‖} and {@code θ± = θ ± ε v},
 *       {@code ∂L^val(θ')/∂λ_i ≈ −α (L_i^train(θ⁺) − L_i^train(θ⁻)) / (2ε)}, which approximates the exact
 *       {@code −α v · ∇_θ L_i^train(θ)} ({@code ∇_λ_i Σ_j λ_j L_j = L_i});
 *   <li>one Adam step on {@code λ} (learning rate {@value #DEFAULT_LEARNING_RATE}, the reference's {@code autol_lr};
 *       β = (0.9, 0.999), ε = 1e-8, no weight decay, PyTorch's defaults). {@code λ} is not constrained.
 * </ol>
 * The real step then minimises {@code Σ_i λ_i L_i} with the updated {@code λ} ({@link #weightLosses}). The loop puts
 * the parameters and batch-norm running statistics back exactly after the meta step. Cost: four extra passes per
 * step (two with a backward pass). {@code λ} and its Adam moments are strategy state, saved in checkpoints.
 *
 * <p>Differences from the reference code: its virtual step also subtracts {@code α} times SGD's momentum buffer and
 * weight-decay term (here {@code θ'} uses the gradient alone, whatever the optimiser); its validation batches come
 * from a second shuffled loader over the <em>training</em> set (here from the validation data given to {@code fit});
 * its three virtual training-mode passes also move the real model's batch-norm running statistics (here they are
 * restored). A task without labels in the training batch keeps its {@code λ} and moments for that step; a step whose
 * meta passes give a non-finite value, or a zero meta gradient, leaves {@code λ} unchanged.
 */
final class AutoLambda implements LossBasedWeighting {

    /** The reference's {@code autol_init}. */
    static final double DEFAULT_INITIAL_WEIGHT = 0.1;
    /** The reference's {@code autol_lr} (NYUv2; 3e-5 for CityScapes, 3e-4 for CIFAR-100). */
    static final double DEFAULT_LEARNING_RATE = 1e-4;
    /** {@code ε ‖v‖}: the length of the finite-difference displacement, as in the reference. */
    static final double DISPLACEMENT = 0.01;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPS = 1e-8;

    private final double initialWeight;
    private final double learningRate;
    private final ImmutableSet<String> primaryTasks;
    private double[] lambda;
    private double[] m;
    private double[] v;
    private long t;
    private double[] lastHypergradient;

    /**
     * @param initialWeight every task's initial {@code λ}
     * @param learningRate the Adam learning rate of {@code λ}
     * @param primaryTasks the tasks of the meta loss; empty for all (the multi-task setting)
     */
    AutoLambda(double initialWeight, double learningRate, ImmutableSet<String> primaryTasks) {
        checkArgument(Double.isFinite(initialWeight), "autol: initial weight must be finite, got %s", initialWeight);
        checkArgument(learningRate > 0 && Double.isFinite(learningRate),
                "autol: learning rate must be positive and finite, got %s", learningRate);
        this.initialWeight = initialWeight;
        this.learningRate = learningRate;
        this.primaryTasks = primaryTasks;
    }

    /**
     * Parses {@code lr[,init[,task+task…]]} (all optional; an empty string gives the defaults and all tasks primary).
     *
     * @param args the arguments after {@code autol:}
     * @return the strategy
     */
    static AutoLambda fromArguments(String args) {
        if (args.isBlank()) {
            return new AutoLambda(DEFAULT_INITIAL_WEIGHT, DEFAULT_LEARNING_RATE, ImmutableSet.of());
        }
        List<String> parts = Splitter.on(',').trimResults().splitToList(args);
        checkArgument(parts.size() <= 3, "autol: expected 'lr', 'lr,init' or 'lr,init,task+task...', got '%s'", args);
        double lr = parse(parts.get(0), "learning rate");
        double init = parts.size() >= 2 ? parse(parts.get(1), "initial weight") : DEFAULT_INITIAL_WEIGHT;
        ImmutableSet<String> primary = parts.size() == 3
                ? ImmutableSet.copyOf(Splitter.on('+').trimResults().omitEmptyStrings().split(parts.get(2)))
                : ImmutableSet.of();
        checkArgument(parts.size() < 3 || !primary.isEmpty(), "autol: no primary task named in '%s'", args);
        return new AutoLambda(init, lr, primary);
    }

    private static double parse(String text, String what) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("autol: " + what + " '" + text + "' is not a number");
        }
    }

    @Override
    public String name() {
        return "autol";
    }

    @Override
    public boolean needsMetaStep() {
        return true;
    }

    private void ensureState(int k) {
        if (lambda == null || lambda.length != k) {
            lambda = new double[k];
            java.util.Arrays.fill(lambda, initialWeight);
            m = new double[k];
            v = new double[k];
            t = 0;
        }
    }

    /** @return 1 for the primary tasks, 0 for the others */
    double[] primaryMask(ImmutableList<String> taskNames) {
        double[] mask = new double[taskNames.size()];
        for (String p : primaryTasks) {
            checkArgument(taskNames.contains(p), "autol: primary task '%s' is not a task of the model %s", p,
                    taskNames);
        }
        for (int i = 0; i < mask.length; i++) {
            mask[i] = primaryTasks.isEmpty() || primaryTasks.contains(taskNames.get(i)) ? 1 : 0;
        }
        return mask;
    }

    @Override
    public void metaStep(MetaStep step) {
        WeightingContext context = step.context();
        int k = context.taskCount();
        ensureState(k);
        double[] primary = primaryMask(context.taskNames());
        double alpha = step.learningRate();
        // θ' = θ − α ∇_θ Σ_i λ_i L_i^train(θ)
        MetaStep.Gradient train = step.gradient(MetaStep.Data.TRAINING, lambda);
        if (!finite(train.losses())) {
            return;
        }
        step.moveTo(train.gradient(), -alpha);
        // v = ∇_θ' Σ_{i ∈ P} L_i^val(θ')
        MetaStep.Gradient val = step.gradient(MetaStep.Data.VALIDATION, primary);
        double norm = norm(val.gradient());
        if (!finite(val.losses()) || !(norm > 0) || !Double.isFinite(norm)) {
            step.restore();
            return;
        }
        double eps = DISPLACEMENT / norm;
        step.moveTo(val.gradient(), eps);
        double[] plus = step.losses(MetaStep.Data.TRAINING);
        step.moveTo(val.gradient(), -eps);
        double[] minus = step.losses(MetaStep.Data.TRAINING);
        step.restore();
        double[] hyper = hypergradient(plus, minus, eps, alpha);
        if (!finite(hyper)) {
            return;
        }
        lastHypergradient = hyper;
        t++;
        adamStep(lambda, m, v, t, hyper, learningRate, context.presentTasks());
    }

    /**
     * The finite-difference hypergradient {@code −α (L_i(θ⁺) − L_i(θ⁻)) / (2ε)}.
     *
     * @param plus the training losses at {@code θ + ε v}
     * @param minus the training losses at {@code θ − ε v}
     * @param eps ε
     * @param alpha the learning rate α of the virtual step
     * @return {@code ∂L^val(θ')/∂λ}, approximately
     */
    static double[] hypergradient(double[] plus, double[] minus, double eps, double alpha) {
        checkArgument(plus.length == minus.length, "autol: %s and %s losses", plus.length, minus.length);
        double[] h = new double[plus.length];
        for (int i = 0; i < h.length; i++) {
            h[i] = -alpha * (plus[i] - minus[i]) / (2 * eps);
        }
        return h;
    }

    /**
     * One Adam step (PyTorch's, no weight decay), in place, on the coordinates that take part.
     *
     * @param x the parameters
     * @param m the first moments
     * @param v the second moments
     * @param step the step count, from 1
     * @param gradient the gradient
     * @param learningRate the learning rate
     * @param present the coordinates that take part; the others keep their value and moments
     */
    static void adamStep(double[] x, double[] m, double[] v, long step, double[] gradient, double learningRate,
            boolean[] present) {
        double c1 = 1 - Math.pow(BETA1, step);
        double c2 = 1 - Math.pow(BETA2, step);
        for (int i = 0; i < x.length; i++) {
            if (!present[i]) {
                continue;
            }
            double g = gradient[i];
            m[i] = BETA1 * m[i] + (1 - BETA1) * g;
            v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
            x[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + ADAM_EPS);
        }
    }

    private static double norm(NDList arrays) {
        double sq = 0;
        for (NDArray a : arrays) {
            try (NDArray s = a.square().sum()) {
                sq += s.getFloat();
            }
        }
        return Math.sqrt(sq);
    }

    private static boolean finite(double[] values) {
        for (double x : values) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        int k = context.taskCount();
        checkArgument(losses.size() == k, "autol: %s losses for %s tasks", losses.size(), k);
        ensureState(k);
        double[] w = lambda.clone();
        // the expression of LossWeighting.fixed, so that a step equals a fixed-weight step with these weights
        NDArray total = null;
        for (int i = 0; i < k; i++) {
            NDArray term = w[i] == 1.0 ? losses.get(i)
                    : losses.get(i).mul(EngineArrays.scalar(losses.get(i).getManager(), (float) w[i]));
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, w);
    }

    /** @return the current λ (a copy), or empty before the first step */
    double[] weights() {
        return lambda == null ? new double[0] : lambda.clone();
    }

    /** @return the hypergradient of the last meta step that updated λ, or null */
    double[] lastHypergradient() {
        return lastHypergradient == null ? null : lastHypergradient.clone();
    }

    @Override
    public ImmutableMap<String, double[]> state() {
        if (lambda == null) {
            return ImmutableMap.of();
        }
        return ImmutableMap.of("lambda", lambda.clone(), "adam_m", m.clone(), "adam_v", v.clone(), "adam_t",
                new double[] {t});
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] l = state.get("lambda");
        if (l == null) {
            lambda = null;
            return;
        }
        double[] mm = state.get("adam_m");
        double[] vv = state.get("adam_v");
        double[] tt = state.get("adam_t");
        checkArgument(mm != null && vv != null && tt != null && mm.length == l.length && vv.length == l.length
                && tt.length == 1, "autol: checkpoint state needs lambda, adam_m, adam_v of equal length and adam_t");
        lambda = l.clone();
        m = mm.clone();
        v = vv.clone();
        t = (long) tt[0];
    }

    @Override
    public String toString() {
        return name() + ":" + learningRate + "," + initialWeight
                + (primaryTasks.isEmpty() ? "" : "," + String.join("+", primaryTasks));
    }
}
