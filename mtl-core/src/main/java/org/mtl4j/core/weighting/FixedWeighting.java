package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableSet;
import java.util.Arrays;
import org.mtl4j.core.data.EngineArrays;

/**
 * Equal ({@code λ_k = 1}) or fixed weights: {@code L = Σ_k λ_k L_k}.
 */
final class FixedWeighting implements LossBasedWeighting, GradientBasedWeighting {

    private final String name;
    private final double[] weights;

    FixedWeighting(String name, double[] weights) {
        if (weights != null) {
            checkArgument(weights.length > 0, "fixed weighting needs at least one weight");
            for (int i = 0; i < weights.length; i++) {
                checkArgument(weights[i] >= 0 && Double.isFinite(weights[i]),
                        "fixed weight %s (task %s) must be finite and non-negative, got %s", i, i, weights[i]);
            }
        }
        this.name = name;
        this.weights = weights;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        double[] w = new double[losses.size()];
        if (weights == null) {
            Arrays.fill(w, 1.0);
        } else {
            checkArgument(weights.length == losses.size(),
                    "fixed weighting has %s weights but the model has %s tasks %s",
                    weights.length, losses.size(), context.taskNames());
            System.arraycopy(weights, 0, w, 0, w.length);
        }
        NDArray total = null;
        for (int k = 0; k < w.length; k++) {
            NDArray term = w[k] == 1.0 ? losses.get(k) : losses.get(k).mul(EngineArrays.scalar(losses.get(k).getManager(), (float) w[k]));
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, w);
    }

    @Override
    public CombinedGradient combineGradients(NDArray taskGradients, NDList losses, NDList learnable,
            WeightingContext context) {
        double[] w = new double[(int) taskGradients.getShape().get(0)];
        Arrays.fill(w, 1.0);
        if (weights != null) {
            checkArgument(weights.length == w.length, "fixed weighting has %s weights but the model has %s tasks",
                    weights.length, w.length);
            System.arraycopy(weights, 0, w, 0, w.length);
        }
        NDArray wa = EngineArrays.create(taskGradients.getManager(), toFloat(w), new Shape(w.length, 1));
        return new CombinedGradient(taskGradients.mul(wa).sum(new int[] {0}), w);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public ImmutableSet<GradientMode> gradientModes() {
        return ImmutableSet.of(GradientMode.NONE, GradientMode.PARAMETERS,
                GradientMode.REPRESENTATION);
    }

    @Override
    public String toString() {
        return weights == null ? "equal" : "fixed" + Arrays.toString(weights);
    }
}
