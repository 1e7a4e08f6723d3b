package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import java.util.Map;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * MoCo, stochastic multi-objective gradient correction (Fernando et al., "Mitigating Gradient Bias in Multi-objective
 * Learning: A Provably Convergent Stochastic Approach", ICLR 2023).
 *
 * <p>MGDA on mini-batch gradients is biased: the min-norm weights of noisy gradients are not those of the true ones.
 * MoCo tracks each task's gradient with a moving estimate {@code y_i} and moves the weights λ by one projected
 * gradient step per iteration instead of solving MGDA's problem; at step t (from 1), with {@code h_i} the batch
 * gradient of task i:
 * <pre>  y_i ← y_i − β_t (y_i − h_i),                  β_t = β / t^{σ_β}
 *  λ ← Π_Δ(λ − γ_t (Y Yᵀ + ρ I) λ),             γ_t = γ / t^{σ_γ}   (Y: the rows y_i)
 *  d = Σ_i λ_i y_i</pre>
 * with {@code Π_Δ} the Euclidean projection onto the simplex (as in the authors' first code, heshandevaka/MoCo), y
 * starting at 0 and λ at 1/K (so the first step already moves y halfway to the batch gradients). Use it where batches
 * are small or noisy and an MGDA-like Pareto direction is wanted; it keeps a K×D array (K copies of the gradient).
 * Defaults are LibMTL's: {@code β = 0.5}, {@code σ_β = 0.5}, {@code γ = 0.1}, {@code σ_γ = 0.5}, {@code ρ = 0}. The
 * reported weights are λ; d is not a combination of this batch's gradients but of the tracked ones.
 *
 * <p>Deviations. The paper's algorithm is followed by default; {@code libmtl = true} gives LibMTL's implementation
 * (from the authors' code), which differs in two ways that change the weights noticeably: the tracked quantity is
 * the loss-scaled unit gradient {@code h_i = L_i g_i / (‖g_i‖ + 10⁻⁸)}, and λ is updated with a softmax,
 * {@code λ ← softmax(λ − γ_t (Y Yᵀ + ρ I) λ)}, instead of the projection (which can set weights to 0). γ acts on
 * {@code Y Yᵀ}, so with the paper's raw gradients its effect depends on the gradients' scale. Tasks absent from the
 * batch or with a zero gradient take no part: their y_i and λ_i stay as they are, the others' λ move within their
 * current share {@code m = Σ_active λ_i} (projection onto {@code {λ ≥ 0, Σ λ = m}}, or {@code m · softmax}), and the
 * reported weights are {@code λ_i / m} (0 for the left-out tasks), which is λ itself when all tasks take part. The
 * step count t counts the steps with at least one active task. The state (y, λ, t) is checkpointed; y lives on a
 * manager of this strategy on the gradients' device ({@link #close()} frees it). Parameter mode only, as in LibMTL:
 * y averages over batches, and representation gradients of different batches belong to different samples.
 */
final class MoCo implements GradientBasedWeighting, AutoCloseable {

    static final double DEFAULT_BETA = 0.5;
    static final double DEFAULT_BETA_SIGMA = 0.5;
    static final double DEFAULT_GAMMA = 0.1;
    static final double DEFAULT_GAMMA_SIGMA = 0.5;
    static final double DEFAULT_RHO = 0;
    static final double EPS = 1e-8;

    private final double beta;
    private final double betaSigma;
    private final double gamma;
    private final double gammaSigma;
    private final double rho;
    private final boolean libmtl;
    private final TaskBuffer tracked = new TaskBuffer("moco");
    private double[] lambda;
    private long step;

    MoCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho, boolean libmtl) {
        checkArgument(beta > 0 && beta <= 1, "moco: beta must lie in (0, 1], got %s", beta);
        checkArgument(betaSigma >= 0 && Double.isFinite(betaSigma), "moco: beta_sigma must be finite and >= 0, got %s",
                betaSigma);
        checkArgument(gamma >= 0 && Double.isFinite(gamma), "moco: gamma must be finite and >= 0, got %s", gamma);
        checkArgument(gammaSigma >= 0 && Double.isFinite(gammaSigma),
                "moco: gamma_sigma must be finite and >= 0, got %s", gammaSigma);
        checkArgument(rho >= 0 && Double.isFinite(rho), "moco: rho must be finite and >= 0, got %s", rho);
        this.beta = beta;
        this.betaSigma = betaSigma;
        this.gamma = gamma;
        this.gammaSigma = gammaSigma;
        this.rho = rho;
        this.libmtl = libmtl;
    }

    @Override
    public String name() {
        return "moco";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(taskGradients.getShape().get(0) == k, "moco: %s task gradients for %s tasks",
                taskGradients.getShape().get(0), k);
        long d = taskGradients.getShape().get(1);
        double[][] gram = Gradients.gram(taskGradients);
        boolean[] active = Gradients.active(gram, context.presentTasks());
        int[] idx = Gradients.indices(active);
        if (idx.length == 0) {
            return new CombinedGradient(taskGradients.getManager().zeros(new Shape(d)), new double[k]);
        }
        if (lambda == null || lambda.length != k) {
            lambda = new double[k];
            Arrays.fill(lambda, 1.0 / k);
        }
        step++;
        double b = beta / Math.pow(step, betaSigma);
        double c = gamma / Math.pow(step, gammaSigma);
        // y_i ← (1 − β_t) y_i + β_t h_i for the active rows, y_i unchanged for the others
        float[] keep = new float[k];
        float[] take = new float[k];
        for (int i = 0; i < k; i++) {
            double scale = libmtl && active[i] ? losses.get(i).getFloat() / (Math.sqrt(gram[i][i]) + EPS) : 1;
            keep[i] = active[i] ? (float) (1 - b) : 1f;
            take[i] = active[i] ? (float) (b * scale) : 0f;
        }
        NDArray y = tracked.current(taskGradients, taskGradients.getShape());
        try (NDArray a = EngineArrays.create(taskGradients.getManager(), keep, new Shape(k, 1));
                NDArray s = EngineArrays.create(taskGradients.getManager(), take, new Shape(k, 1));
                NDArray ay = a.mul(y); NDArray sh = s.mul(taskGradients)) {
            y = ay.add(sh);
        }
        tracked.replace(y);
        double[] weights = updateLambda(Gradients.gram(y), idx, c);
        try (NDArray row = EngineArrays.create(taskGradients.getManager(), Gradients.toFloat(weights),
                new Shape(1, k)); NDArray dir = row.matMul(y)) {
            return new CombinedGradient(dir.reshape(d), weights);
        }
    }

    /**
     * Moves the λ of the active tasks one (projected or softmax) step and returns the weights of this step.
     *
     * @param yy the Gram matrix {@code Y Yᵀ} of the tracked gradients
     * @param idx the active tasks
     * @param c the step size γ_t
     * @return {@code λ_i / Σ_active λ} for the active tasks, 0 for the others
     */
    private double[] updateLambda(double[][] yy, int[] idx, double c) {
        int n = idx.length;
        double mass = 0;
        for (int i : idx) {
            mass += lambda[i];
        }
        double[] weights = new double[lambda.length];
        if (!(mass > 0)) {
            for (int i : idx) {
                weights[i] = 1.0 / n; // the active tasks hold no weight yet: λ cannot move, use their mean
            }
            return weights;
        }
        double[] v = new double[n];
        for (int a = 0; a < n; a++) {
            double mv = rho * lambda[idx[a]];
            for (int b = 0; b < n; b++) {
                mv += yy[idx[a]][idx[b]] * lambda[idx[b]];
            }
            v[a] = lambda[idx[a]] - c * mv;
        }
        double[] next = libmtl ? Famo.softmax(v) : scaledSimplex(v, mass);
        for (int a = 0; a < n; a++) {
            lambda[idx[a]] = libmtl ? mass * next[a] : next[a];
        }
        double sum = 0;
        for (int i : idx) {
            sum += lambda[i];
        }
        for (int i : idx) {
            weights[i] = lambda[i] / sum;
        }
        return weights;
    }

    /** The Euclidean projection onto {@code {x ≥ 0, Σ x = mass}}: {@code mass · Π_Δ(v / mass)}. */
    private static double[] scaledSimplex(double[] v, double mass) {
        double[] u = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = v[i] / mass;
        }
        double[] p = CaGrad.projectToSimplex(u);
        for (int i = 0; i < p.length; i++) {
            p[i] *= mass;
        }
        return p;
    }

    /** @return the tracked gradients y (row-major K×D), λ and the step count; empty before the first step */
    @Override
    public ImmutableMap<String, double[]> state() {
        double[] y = tracked.export();
        if (lambda == null || y == null) {
            return ImmutableMap.of();
        }
        return ImmutableMap.of("tracked", y, "lambda", lambda.clone(), "step", new double[] {step});
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] y = state.get("tracked");
        double[] l = state.get("lambda");
        double[] t = state.get("step");
        if (y == null && l == null && t == null) {
            close();
            return;
        }
        checkArgument(y != null && l != null && t != null && t.length == 1 && y.length % Math.max(1, l.length) == 0,
                "moco: checkpoint state needs tracked (K×D), lambda (K) and step");
        tracked.restore(y);
        lambda = l.clone();
        step = (long) t[0];
    }

    /** Frees the tracked gradients' native memory and forgets the state. */
    @Override
    public void close() {
        tracked.close();
        lambda = null;
        step = 0;
    }

    @Override
    public String toString() {
        return name() + (libmtl ? ":libmtl" : "");
    }
}
