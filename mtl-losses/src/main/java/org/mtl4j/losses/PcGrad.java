package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import java.util.SplittableRandom;
import org.mtl4j.core.weighting.GradientMode;

/**
 * PCGrad, projecting conflicting gradients (Yu et al., "Gradient Surgery for Multi-Task Learning", NeurIPS 2020).
 *
 * <p>For every task i, visiting the other tasks j in a random order: if {@code g_i^PC · g_j < 0} then
 * {@code g_i^PC ← g_i^PC − (g_i^PC · g_j / ‖g_j‖²) g_j}; the update is {@code d = Σ_i g_i^PC}. Each projected
 * gradient stays a combination of the original ones, {@code g_i^PC = Σ_l C_il g_l}, so the surgery runs on the
 * K×K Gram matrix and the reported weights are {@code α_l = Σ_i C_il} (LibMTL's {@code batch_weight}). Parameter
 * mode only, as in the paper and LibMTL.
 */
final class PcGrad extends GramWeighting {

    @Override
    public String name() {
        return "pcgrad";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.PARAMETERS);
    }

    @Override
    double[] weights(double[][] gram, boolean[] active, long seed) {
        return surgery(gram, active, seed);
    }

    /**
     * Runs the projections in coefficient space.
     *
     * @param gram the Gram matrix of the original gradients
     * @param active the tasks that take part
     * @param seed the seed of the random visiting orders
     * @return {@code α} with {@code Σ_i g_i^PC = Σ_l α_l g_l}
     */
    static double[] surgery(double[][] gram, boolean[] active, long seed) {
        int k = gram.length;
        SplittableRandom random = new SplittableRandom(seed);
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            int[] order = shuffledOthers(k, i, random);
            if (!active[i]) {
                continue;
            }
            double[] c = new double[k]; // g_i^PC = Σ_l c_l g_l
            c[i] = 1;
            for (int j : order) {
                if (!active[j]) {
                    continue;
                }
                double dot = 0; // g_i^PC · g_j
                for (int l = 0; l < k; l++) {
                    dot += c[l] * gram[l][j];
                }
                if (dot < 0) {
                    c[j] -= dot / gram[j][j];
                }
            }
            for (int l = 0; l < k; l++) {
                alpha[l] += c[l];
            }
        }
        return alpha;
    }

    /** The other tasks in a random order (a Fisher–Yates shuffle, drawn for every task, active or not). */
    static int[] shuffledOthers(int k, int i, SplittableRandom random) {
        int[] order = new int[k - 1];
        for (int j = 0, n = 0; j < k; j++) {
            if (j != i) {
                order[n++] = j;
            }
        }
        for (int n = order.length - 1; n > 0; n--) {
            int m = random.nextInt(n + 1);
            int t = order[n];
            order[n] = order[m];
            order[m] = t;
        }
        return order;
    }

    @Override
    public String toString() {
        return name();
    }
}
