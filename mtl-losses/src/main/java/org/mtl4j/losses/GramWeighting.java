package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.losses.WeightingFunctions.Combination;

/**
 * A gradient-combination strategy that picks its task weights from the Gram matrix of the task gradients alone
 * (PCGrad, MGDA-UB, CAGrad, Nash-MTL): {@code α = f(G, present)}, then {@code d = Σ_i α_i g_i}. The training hook
 * and the plain-array function {@link #combine(double[][], long)} share {@link #weights}.
 */
abstract class GramWeighting implements GradientBasedWeighting {

    /**
     * Chooses the task weights.
     *
     * @param gram the K×K Gram matrix {@code G_ij = g_i·g_j}
     * @param active per task, whether it takes part (present in the batch, non-zero gradient)
     * @param seed a seed for strategies that draw random numbers
     * @return one weight per task (0 for inactive tasks)
     */
    abstract double[] weights(double[][] gram, boolean[] active, long seed);

    @Override
    public final CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        checkArgument(taskGradients.getShape().get(0) == context.taskCount(),
                "%s: %s task gradients for %s tasks", name(), taskGradients.getShape().get(0), context.taskCount());
        double[][] gram = Gradients.gram(taskGradients);
        double[] alpha = weights(gram, Gradients.active(gram, context.presentTasks()), context.stepSeed());
        return new CombinedGradient(Gradients.combine(taskGradients, alpha), alpha);
    }

    /**
     * The plain-array form: weights and direction for a K×D matrix of task gradients (every task present).
     *
     * @param gradients K rows of equal length
     * @param seed the seed for random choices
     * @return the weights and {@code d = Σ_i α_i g_i}
     */
    final Combination combine(double[][] gradients, long seed) {
        double[][] gram = Gradients.gram(gradients);
        double[] alpha = weights(gram, Gradients.active(gram, Gradients.all(gradients.length)), seed);
        return new Combination(alpha, Gradients.combine(gradients, alpha));
    }
}
