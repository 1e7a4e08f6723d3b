package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.google.common.collect.ImmutableSet;
import java.util.SplittableRandom;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.losses.WeightingFunctions.Combination;

/**
 * GradDrop, gradient sign dropout (Chen et al., "Just Pick a Sign: Optimizing Deep Multitask Models with Gradient
 * Sign Dropout", NeurIPS 2020).
 *
 * <p>At every element of the shared representation, the sign purity {@code P = ½ (1 + Σ_i g_i / Σ_i |g_i|)} is the
 * probability of keeping the positive gradients: with {@code U ~ Uniform(0, 1)} drawn per element, the mask is
 * {@code M_i = [P > U]·[g_i > 0] + [P < U]·[g_i < 0]} and the update is
 * {@code d = Σ_i g_i · (ℓ + (1 − ℓ) M_i)} with the leak {@code ℓ} (0 by default, as in LibMTL). Representation
 * mode only (the sign choice is made per activation). {@code U} comes from the step's seed, so runs repeat. There
 * are no task weights; the reported value per task is the share of its gradient's magnitude that passes the mask.
 */
final class GradDrop implements GradientBasedWeighting {

    private final double leak;

    GradDrop(double leak) {
        checkArgument(leak >= 0 && leak <= 1, "graddrop: leak must lie in [0, 1], got %s", leak);
        this.leak = leak;
    }

    @Override
    public String name() {
        return "graddrop";
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.REPRESENTATION);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        int d = (int) taskGradients.getShape().get(1);
        NDArray g = taskGradients;
        NDArray u = EngineArrays.create(g.getManager(), uniforms(context.stepSeed(), d));
        NDArray abs = g.abs();
        // scalar-ok: the gradient matrices here are data, no graph is recorded
        NDArray purity = g.sum(new int[] {0}).div(abs.sum(new int[] {0}).add(1e-7f)).add(1f).mul(0.5f);
        NDArray positive = purity.gt(u).expandDims(0).logicalAnd(g.gt(0f));
        NDArray negative = purity.lt(u).expandDims(0).logicalAnd(g.lt(0f));
        NDArray mask = positive.logicalOr(negative).toType(DataType.FLOAT32, false);
        // scalar-ok: as above
        NDArray factor = mask.mul((float) (1 - leak)).add((float) leak);
        NDArray direction = g.mul(factor).sum(new int[] {0});
        double[] kept = Gradients.toDouble(abs.mul(factor).sum(new int[] {1})
                .div(abs.sum(new int[] {1}).maximum(1e-30f)).toFloatArray()); // scalar-ok: no graph here
        return new CombinedGradient(direction, kept);
    }

    /**
     * The per-element uniforms of a step: {@code U_j} from a {@link SplittableRandom} seeded with the step's seed.
     *
     * @param seed the step's seed
     * @param size the number of elements
     * @return the uniforms in [0, 1)
     */
    static float[] uniforms(long seed, int size) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] u = new float[size];
        for (int i = 0; i < size; i++) {
            u[i] = (float) random.nextDouble();
        }
        return u;
    }

    /**
     * The sign-dropout rule on plain arrays.
     *
     * @param gradients K rows of equal length D
     * @param uniforms D draws of {@code U}
     * @param leak the leak ℓ in [0, 1]
     * @return the kept share per task and the direction
     */
    static Combination drop(double[][] gradients, double[] uniforms, double leak) {
        int k = gradients.length;
        int d = gradients[0].length;
        checkArgument(uniforms.length == d, "graddrop: %s uniforms for %s gradient elements", uniforms.length, d);
        double[] direction = new double[d];
        double[] keptMass = new double[k];
        double[] mass = new double[k];
        for (int j = 0; j < d; j++) {
            double sum = 0;
            double abs = 0;
            for (double[] row : gradients) {
                sum += row[j];
                abs += Math.abs(row[j]);
            }
            double purity = 0.5 * (1 + sum / (abs + 1e-7));
            for (int i = 0; i < k; i++) {
                double gij = gradients[i][j];
                boolean keep = purity > uniforms[j] && gij > 0 || purity < uniforms[j] && gij < 0;
                double factor = leak + (1 - leak) * (keep ? 1 : 0);
                direction[j] += gij * factor;
                keptMass[i] += Math.abs(gij) * factor;
                mass[i] += Math.abs(gij);
            }
        }
        double[] kept = new double[k];
        for (int i = 0; i < k; i++) {
            kept[i] = keptMass[i] / Math.max(mass[i], 1e-30);
        }
        return new Combination(kept, direction);
    }

    @Override
    public String toString() {
        return name() + ":" + leak;
    }
}
