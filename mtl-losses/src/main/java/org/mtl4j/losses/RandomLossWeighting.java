package org.mtl4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.SplittableRandom;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * RLW, random loss weighting (Lin et al., "Reasonable Effectiveness of Random Weighting: A Litmus Test for
 * Multi-Task Learning", TMLR 2022).
 *
 * <p>Every step draws fresh weights {@code λ = softmax(z)}, {@code z ~ N(0, I_K)}, and minimises
 * {@code Σ_k λ_k L_k} (the weights sum to 1, as in LibMTL). The draw comes from the step's seed, so a run repeats
 * exactly. A baseline that any balancing method should beat; loss mode only, no extra cost.
 */
final class RandomLossWeighting implements LossBasedWeighting {

    @Override
    public String name() {
        return "rlw";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        double[] lambda = weights(context.taskCount(), context.stepSeed());
        NDArray total = null;
        for (int i = 0; i < lambda.length; i++) {
            NDArray term = losses.get(i).mul(EngineArrays.scalar(losses.get(i).getManager(), (float) lambda[i]));
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, lambda);
    }

    /**
     * The weights of one step.
     *
     * @param taskCount K
     * @param seed the step's seed
     * @return {@code softmax(z)}, {@code z ~ N(0, I)} drawn from {@code seed}
     */
    static double[] weights(int taskCount, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] z = new double[taskCount];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < taskCount; i++) {
            z[i] = random.nextGaussian();
            max = Math.max(max, z[i]);
        }
        double sum = 0;
        for (int i = 0; i < taskCount; i++) {
            z[i] = Math.exp(z[i] - max);
            sum += z[i];
        }
        for (int i = 0; i < taskCount; i++) {
            z[i] /= sum;
        }
        return z;
    }

    @Override
    public String toString() {
        return name();
    }
}
