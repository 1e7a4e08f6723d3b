package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import java.util.SplittableRandom;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * GradVac, gradient vaccine (Wang et al., "Gradient Vaccine: Investigating and Improving Multi-task Optimization in
 * Massively Multilingual Models", ICLR 2021).
 *
 * <p>PCGrad only acts when two gradients conflict ({@code cos < 0}) and then makes them orthogonal; GradVac instead
 * aims every pair at a target similarity learnt from the pair's history. For every task i, visiting the other tasks j
 * in a random order (as PCGrad), with {@code φ_ij = cos(g_i', g_j)} the similarity of the partly corrected
 * {@code g_i'} and the original {@code g_j}: if {@code φ_ij < φ̂_ij} then
 * <pre>  g_i' ← g_i' + ‖g_i'‖ (φ̂_ij √(1 − φ_ij²) − φ_ij √(1 − φ̂_ij²)) / (‖g_j‖ √(1 − φ̂_ij²)) · g_j,</pre>
 * which makes {@code cos(g_i', g_j) = φ̂_ij}; then, in every case, {@code φ̂_ij ← (1 − β) φ̂_ij + β φ_ij}. The update
 * is {@code d = Σ_i g_i'}. The targets start at 0 (so the first step is PCGrad) and are kept as state (checkpointed).
 * Each corrected gradient stays a combination {@code g_i' = Σ_l C_il g_l}, so everything runs on the K×K Gram matrix
 * and the reported weights are {@code α_l = Σ_i C_il} (TorchJD's formulation; LibMTL reports 1 per task).
 *
 * <p>Use it where task gradients are often well aligned but less so than usual, which PCGrad leaves alone (the
 * paper's multilingual translation). Defaults: {@code β = 0.5} and one group for the whole model, as LibMTL
 * ({@code GradVac_beta}, {@code GradVac_group_type = 0}; the per-layer groups are not offered). As in LibMTL and
 * TorchJD, {@code 10⁻⁸} is added to the denominators of φ and of the correction (the paper has none), so a target that
 * has reached 1 gives a very large but finite correction. Tasks absent from the batch or with a zero gradient take no
 * part: weight 0, and their targets stay as they are. Parameter mode as in the paper and LibMTL (preferred); the
 * representation mode works as well (only K×K state), with the similarities of the representation gradients.
 */
final class GradVac implements GradientBasedWeighting {

    /** LibMTL's default EMA weight β of the targets. */
    static final double DEFAULT_BETA = 0.5;
    /** The references' guard in the denominators. */
    static final double EPS = 1e-8;
    private static final String STATE_TARGETS = "targets";

    private final double beta;
    private double[][] targets;

    GradVac(double beta) {
        checkArgument(beta >= 0 && beta <= 1, "gradvac: beta must lie in [0, 1], got %s", beta);
        this.beta = beta;
    }

    @Override
    public String name() {
        return "gradvac";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        checkArgument(taskGradients.getShape().get(0) == context.taskCount(), "gradvac: %s task gradients for %s tasks",
                taskGradients.getShape().get(0), context.taskCount());
        double[][] gram = Gradients.gram(taskGradients);
        double[] alpha = weights(gram, Gradients.active(gram, context.presentTasks()), context.stepSeed());
        return new CombinedGradient(Gradients.combine(taskGradients, alpha), alpha);
    }

    /**
     * Runs the vaccine in coefficient space and updates the targets of the pairs of active tasks.
     *
     * @param gram the Gram matrix of the original gradients
     * @param active the tasks that take part
     * @param seed the seed of the random visiting orders
     * @return {@code α} with {@code Σ_i g_i' = Σ_l α_l g_l}
     */
    double[] weights(double[][] gram, boolean[] active, long seed) {
        int k = gram.length;
        if (targets == null || targets.length != k) {
            targets = new double[k][k];
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            int[] order = PcGrad.shuffledOthers(k, i, random);
            if (!active[i]) {
                continue;
            }
            double[] c = new double[k]; // g_i' = Σ_l c_l g_l
            c[i] = 1;
            double[] cg = gram[i].clone(); // cg_l = g_i' · g_l
            for (int j : order) {
                if (!active[j]) {
                    continue;
                }
                double normI = 0;
                for (int l = 0; l < k; l++) {
                    normI += c[l] * cg[l];
                }
                normI = Math.sqrt(Math.max(0, normI));
                double normJ = Math.sqrt(gram[j][j]);
                double phi = cg[j] / (normI * normJ + EPS);
                double target = targets[i][j];
                if (phi < target) {
                    double rootTarget = Math.sqrt(Math.max(0, 1 - target * target));
                    double w = normI * (target * Math.sqrt(Math.max(0, 1 - phi * phi)) - phi * rootTarget)
                            / (normJ * rootTarget + EPS);
                    c[j] += w;
                    for (int l = 0; l < k; l++) {
                        cg[l] += w * gram[j][l];
                    }
                }
                targets[i][j] = (1 - beta) * target + beta * phi;
            }
            for (int l = 0; l < k; l++) {
                alpha[l] += c[l];
            }
        }
        return alpha;
    }

    /** @return the targets {@code φ̂_ij}, row-major; empty before the first step */
    @Override
    public ImmutableMap<String, double[]> state() {
        if (targets == null) {
            return ImmutableMap.of();
        }
        int k = targets.length;
        double[] flat = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(targets[i], 0, flat, i * k, k);
        }
        return ImmutableMap.of(STATE_TARGETS, flat);
    }

    @Override
    public void restoreState(Map<String, double[]> state) {
        double[] flat = state.get(STATE_TARGETS);
        if (flat == null) {
            targets = null;
            return;
        }
        int k = (int) Math.round(Math.sqrt(flat.length));
        checkArgument(k * k == flat.length && k > 0, "gradvac: saved targets have %s values, not K×K", flat.length);
        targets = new double[k][k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(flat, i * k, targets[i], 0, k);
        }
    }

    @Override
    public String toString() {
        return name() + ":" + beta;
    }
}
