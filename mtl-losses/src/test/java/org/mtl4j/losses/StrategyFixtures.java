package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.losses.WeightingFunctions.Combination;

/**
 * The strategies' tests' shared fixtures: contexts for K tasks, hand-made gradient matrices as NDArrays, one step of
 * a gradient-based or a loss-based strategy on a sub-manager closed right after, the training-hook check that the
 * Gram-matrix strategies all pass, and a training history's per-epoch numbers as arrays.
 */
final class StrategyFixtures {

    private StrategyFixtures() {}

    /** @return the task names {@code t0, t1, …} of {@code k} tasks */
    static ImmutableList<String> taskNames(int k) {
        ImmutableList.Builder<String> names = ImmutableList.builder();
        for (int i = 0; i < k; i++) {
            names.add("t" + i);
        }
        return names.build();
    }

    /** @return the label counts as a list (empty: unknown, every task present) */
    static ImmutableList<Integer> counts(int... counts) {
        return ImmutableList.copyOf(Arrays.stream(counts).boxed().toList());
    }

    /** @return the context of step 0, epoch 0, seed 0, no history, metrics or segments */
    static WeightingContext context(ImmutableList<String> tasks, GradientMode mode, ImmutableList<Integer> counts) {
        return context(tasks, mode, counts, 0, ImmutableList.of());
    }

    /** @return the parameter-mode context of step 0 for the first {@code k} of the tasks a, b, c, d */
    static WeightingContext context(int k, ImmutableList<Integer> counts) {
        return context(ImmutableList.of("a", "b", "c", "d").subList(0, k), GradientMode.PARAMETERS, counts);
    }

    /** @return the context of step 0, epoch 0, no history or metrics */
    static WeightingContext context(ImmutableList<String> tasks, GradientMode mode, ImmutableList<Integer> counts,
            long stepSeed, ImmutableList<GradientSegment> segments) {
        return new WeightingContext(0, 0, tasks, ImmutableList.of(), stepSeed, mode, counts, ImmutableList.of(),
                segments);
    }

    /** @return the float32 K×D matrix of {@code g}, owned by {@code m} */
    static NDArray matrix(NDManager m, double[][] g) {
        return EngineArrays.create(m, flat(g), new Shape(g.length, g[0].length));
    }

    /** @return the rows of {@code g} one after the other, rounded to float */
    static float[] flat(double[][] g) {
        float[] flat = new float[g.length * g[0].length];
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < g[0].length; j++) {
                flat[i * g[0].length + j] = (float) g[i][j];
            }
        }
        return flat;
    }

    /** @return one float32 scalar per value, owned by {@code m} */
    static NDList losses(NDManager m, double... values) {
        NDList l = new NDList();
        for (double v : values) {
            l.add(EngineArrays.scalar(m, (float) v));
        }
        return l;
    }

    /** @return {@code k} ones, the losses of a strategy that does not read them */
    static double[] ones(int k) {
        double[] l = new double[k];
        Arrays.fill(l, 1);
        return l;
    }

    /**
     * One step of a gradient-based strategy on a sub-manager of {@code parent} closed right after.
     *
     * @return the weights, then the direction
     */
    static double[][] step(NDManager parent, GradientBasedWeighting w, double[][] g, double[] losses,
            WeightingContext ctx) {
        try (NDManager m = parent.newSubManager()) {
            CombinedGradient r = w.combineGradients(matrix(m, g), losses(m, losses), new NDList(), ctx);
            return new double[][] {r.weights(), Gradients.toDouble(r.gradient().toFloatArray())};
        }
    }

    /** @return a K×D matrix of standard normal values from {@code new Random(seed)}, row by row */
    static double[][] random(int k, int d, long seed) {
        Random r = new Random(seed);
        double[][] g = new double[k][d];
        for (double[] row : g) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        return g;
    }

    /** @return {@code a · b} */
    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * Checks that a Gram-matrix strategy's training hook gives the plain-array function's weights and direction, and
     * that a task without labels in the batch (task b of three, with a non-zero row) is left out with weight 0.
     *
     * @param strategy makes the strategy (once for the hook, once for the plain function)
     * @param mode the gradient mode of the context
     */
    static void assertHookMatchesThePlainFunctionAndSkipsAnAbsentTask(Supplier<? extends GramWeighting> strategy,
            GradientMode mode) {
        Random r = new Random(21);
        double[][] g = new double[3][40];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 40; j++) {
                g[i][j] = (float) r.nextGaussian();
            }
        }
        WeightingContext ctx = context(ImmutableList.of("a", "b", "c"), mode, ImmutableList.of(4, 0, 4));
        try (NDManager m = NDManager.newBaseManager()) {
            CombinedGradient c = strategy.get().combineGradients(matrix(m, g), losses(m, 1, 1, 1), new NDList(), ctx);
            Combination expected = strategy.get().combine(new double[][] {g[0], g[2]}, 0);
            assertArrayEquals(new double[] {expected.weights()[0], 0, expected.weights()[1]}, c.weights(), 1e-4);
            assertArrayEquals(expected.direction(), Gradients.toDouble(c.gradient().toFloatArray()), 1e-3);
        }
    }

    /**
     * What a loss-based strategy did with one batch.
     *
     * @param total the weighted total
     * @param weights the reported weights
     * @param gradients autograd's {@code ∂total/∂L_i}
     */
    record LossStep(double total, double[] weights, double[] gradients) {}

    /**
     * One batch of a loss-based strategy on a sub-manager of {@code parent} closed right after: weights the losses
     * and back-propagates the total into them.
     *
     * @return the total, the reported weights and the gradient of the total with respect to each loss
     */
    static LossStep lossStep(NDManager parent, LossBasedWeighting w, WeightingContext ctx, double... losses) {
        try (NDManager m = parent.newSubManager(); GradientCollector gc = Engine.getInstance()
                .newGradientCollector()) {
            NDList l = new NDList();
            for (double v : losses) {
                NDArray x = EngineArrays.scalar(m, (float) v);
                x.setRequiresGradient(true);
                l.add(x);
            }
            WeightedLoss wl = w.weightLosses(l, new NDList(), ctx);
            double total = wl.total().getFloat();
            gc.backward(wl.total());
            double[] g = new double[losses.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = l.get(i).getGradient().getFloat();
            }
            return new LossStep(total, wl.weights(), g);
        }
    }

    /** @return per epoch, the mean training loss of each task */
    static double[][] trainLosses(TrainingHistory h) {
        return h.epochs().stream().map(e -> e.trainLoss().values().stream().mapToDouble(Double::doubleValue)
                .toArray()).toArray(double[][]::new);
    }

    /** @return per epoch, the mean weight of each task */
    static double[][] meanWeights(TrainingHistory h) {
        return h.epochs().stream().map(e -> e.meanWeights().values().stream().mapToDouble(Double::doubleValue)
                .toArray()).toArray(double[][]::new);
    }
}
