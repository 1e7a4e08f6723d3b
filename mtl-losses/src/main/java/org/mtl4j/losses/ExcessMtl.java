package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * ExcessMTL, robust multi-task learning with excess risks (He et al., "Robust Multi-Task Learning with Excess
 * Risks", ICML 2024).
 *
 * <p>Loss-based robust weighting (GroupDRO) favours the tasks with the largest loss, which may just be the noisiest;
 * ExcessMTL favours the tasks furthest from their own optimum, their <em>excess risk</em>. With a second-order
 * expansion around the optimum, {@code E_i ≈ ½ g_iᵀ H_i⁻¹ g_i}, and a diagonal AdaGrad-style estimate of the
 * curvature, {@code H_i = diag(√(Σ_{τ≤t} g_{i,τ}² + 10⁻⁷))} (squared gradients summed over the steps):
 * <pre>  Ê_i = Σ_n g_{i,n}² / √(S_{i,n} + 10⁻⁷),   S_i ← S_i + g_i²
 *  w_i ← w_i · exp(η Ê_i / Ê_i⁽⁰⁾),   then w ← K · w / Σ_j w_j;    d = Σ_i w_i g_i</pre>
 * The baseline {@code Ê_i⁽⁰⁾} puts the tasks' estimates on one scale (the paper's scale processing; the constant ½
 * cancels in the ratio). As in LibMTL and the official code, the weights start at 1 and sum to K (the paper, and
 * TorchJD after it, keep them on the simplex: a factor K on the step, here the library's equal-weighting convention),
 * and the first step only records the baseline: the weights stay 1 and the next steps update them (TorchJD instead
 * updates at the first step with the raw estimate). {@code warmupSteps} generalises this: the baseline is the mean of a
 * task's estimates over its first {@code warmupSteps} steps with a non-zero estimate, during which its weight does not
 * move; 1 is the reference behaviour and the default (TorchJD cites the paper's Appendix C.1 for collecting three
 * epochs of statistics). Use it when some tasks have noisy labels that should not take over the training, which
 * loss-based robust weighting would let happen. Defaults: {@code η = 10⁻²} (LibMTL's {@code robust_step_size};
 * TorchJD uses 1), one warm-up step. It keeps a K×D array of squared-gradient sums.
 *
 * <p>Tasks absent from the batch or with a zero gradient take no part: weight 0 in this step's d, and their sums,
 * baseline and weight stay as they are (the present tasks are renormalised among themselves, keeping their total, so
 * the weights still sum to K). Works in parameter mode (preferred) and representation mode; in representation mode the
 * estimates use, as LibMTL does, each task's representation gradient summed over the batch, so the sums have a fixed
 * size whatever the batch; d still combines the per-sample gradients. The state (sums, weights, baselines, warm-up
 * progress) is checkpointed; the sums live on a manager of this strategy on the gradients' device ({@link #close()}
 * frees it).
 */
final class ExcessMtl implements GradientBasedWeighting, AutoCloseable {

    /** LibMTL's default {@code robust_step_size} η. */
    static final double DEFAULT_STEP_SIZE = 1e-2;
    /** LibMTL's handling: the first step records the baseline. */
    static final int DEFAULT_WARMUP_STEPS = 1;
    static final double EPS = 1e-7;

    private final double stepSize;
    private final int warmupSteps;
    private final TaskBuffer squares = new TaskBuffer("excessmtl");
    private double[] weights;
    private double[] baseline;
    private double[] warmupSum;
    private double[] warmupCount;

    ExcessMtl(double stepSize, int warmupSteps) {
        checkArgument(stepSize > 0 && Double.isFinite(stepSize),
                "excessmtl: robust step size must be positive and finite, got %s", stepSize);
        checkArgument(warmupSteps >= 1, "excessmtl: warm-up steps must be >= 1, got %s", warmupSteps);
        this.stepSize = stepSize;
        this.warmupSteps = warmupSteps;
    }

    @Override
    public String name() {
        return "excessmtl";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int k = context.taskCount();
        checkArgument(taskGradients.getShape().get(0) == k, "excessmtl: %s task gradients for %s tasks",
                taskGradients.getShape().get(0), k);
        double[][] gram = Gradients.gram(taskGradients);
        boolean[] active = Gradients.active(gram, context.presentTasks());
        if (Gradients.indices(active).length == 0) {
            return new CombinedGradient(taskGradients.getManager().zeros(new Shape(taskGradients.getShape().get(1))),
                    new double[k]);
        }
        if (weights == null || weights.length != k) {
            weights = new double[k];
            Arrays.fill(weights, 1);
            baseline = new double[k];
            warmupSum = new double[k];
            warmupCount = new double[k];
        }
        double[] risk = excessRisks(taskGradients, context, active);
        double before = 0;
        double after = 0;
        for (int i = 0; i < k; i++) {
            if (!active[i]) {
                continue;
            }
            before += weights[i];
            if (warmupCount[i] >= warmupSteps) {
                weights[i] *= Math.exp(stepSize * risk[i] / baseline[i]);
            } else if (risk[i] > 0) { // a batch-summed representation gradient can vanish: no estimate, not counted
                warmupSum[i] += risk[i];
                warmupCount[i]++;
                if (warmupCount[i] == warmupSteps) {
                    baseline[i] = warmupSum[i] / warmupSteps;
                }
            }
            after += weights[i];
        }
        double[] out = new double[k];
        for (int i = 0; i < k; i++) {
            if (active[i]) {
                weights[i] *= before / after; // the active tasks keep their total, so Σ w stays K
                out[i] = weights[i];
            }
        }
        return new CombinedGradient(Gradients.combine(taskGradients, out), out);
    }

    /** Adds the active tasks' squared gradients to the sums and returns {@code Ê_i} (0 for inactive tasks). */
    private double[] excessRisks(NDArray g, WeightingContext context, boolean[] active) {
        int k = active.length;
        float[] mask = new float[k];
        for (int i = 0; i < k; i++) {
            mask[i] = active[i] ? 1f : 0f;
        }
        NDArray stats = statistics(g, context);
        try (NDArray m = EngineArrays.create(g.getManager(), mask, new Shape(k, 1));
                NDArray eps = EngineArrays.create(g.getManager(), new float[] {(float) EPS}, new Shape(1));
                NDArray sq = stats.square(); NDArray added = m.mul(sq)) {
            NDArray sums = added.add(squares.current(g, stats.getShape()));
            squares.replace(sums);
            try (NDArray shifted = eps.add(sums); NDArray h = shifted.sqrt(); NDArray ratio = sq.div(h);
                    NDArray risk = ratio.sum(new int[] {1})) {
                double[] r = Gradients.toDouble(risk.toFloatArray());
                for (int i = 0; i < k; i++) {
                    r[i] = active[i] ? r[i] : 0;
                }
                return r;
            }
        } finally {
            if (stats != g) {
                stats.close();
            }
        }
    }

    /**
     * The gradients the estimates use: the rows themselves in parameter mode; in representation mode each tapped
     * array's gradient summed over its first (batch) axis, as LibMTL does.
     */
    private static NDArray statistics(NDArray g, WeightingContext context) {
        if (context.gradientMode() != GradientMode.REPRESENTATION || context.gradientSegments().isEmpty()) {
            return g;
        }
        long k = g.getShape().get(0);
        NDList parts = new NDList();
        try {
            for (GradientSegment s : context.gradientSegments()) {
                long batch = s.shape().dimension() == 0 ? 1 : s.shape().get(0);
                try (NDArray slice = g.get(":, " + s.offset() + ":" + s.end());
                        NDArray samples = slice.reshape(k, batch, s.size() / batch)) {
                    parts.add(samples.sum(new int[] {1}));
                }
            }
            return parts.size() == 1 ? parts.get(0) : NDArrays.concat(parts, 1);
        } finally {
            if (parts.size() > 1) {
                parts.close();
            }
        }
    }

    /** @return the squared-gradient sums (row-major), weights, baselines and warm-up progress */
    @Override
    public ImmutableMap<String, double[]> state() {
        double[] sums = squares.export();
        if (weights == null || sums == null) {
            return ImmutableMap.of();
        }
        return ImmutableMap.of("squares", sums, "weights", weights.clone(), "baseline", baseline.clone(),
                "warmup_sum", warmupSum.clone(), "warmup_count", warmupCount.clone());
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] w = state.get("weights");
        if (w == null) {
            close();
            return;
        }
        double[] s = state.get("squares");
        double[] b = state.get("baseline");
        double[] ws = state.get("warmup_sum");
        double[] wc = state.get("warmup_count");
        checkArgument(s != null && b != null && ws != null && wc != null && b.length == w.length
                && ws.length == w.length && wc.length == w.length,
                "excessmtl: checkpoint state needs squares, weights, baseline, warmup_sum, warmup_count");
        squares.restore(s);
        weights = w.clone();
        baseline = b.clone();
        warmupSum = ws.clone();
        warmupCount = wc.clone();
    }

    /** Frees the squared-gradient sums' native memory and forgets the state. */
    @Override
    public void close() {
        squares.close();
        weights = null;
    }

    @Override
    public String toString() {
        return name() + ":" + stepSize;
    }
}
