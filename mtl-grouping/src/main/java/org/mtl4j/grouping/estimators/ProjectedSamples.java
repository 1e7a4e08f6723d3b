package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One task's samples as Grad-TAE ({@link GradTae}) sees them at the meta-initialisation {@code θ*}: for sample
 * {@code i}, its loss {@code ℓ_i(θ*)} and its projected loss gradient {@code φ_i = M·∇_θ ℓ_i(θ*)} with respect to
 * the shared parameters ({@link GradientProjection}). With the task's {@link LossLink} these define the linearised
 * per-sample loss {@code ℓ_i(θ* + Mᵀw) ≈ ψ(a_i + ⟨h_i, w⟩)}, {@code a_i = link.offset(ℓ_i)},
 * {@code h_i = link.slope(ℓ_i)·φ_i} ({@link LinearisedFit}).
 *
 * @param task the task's name
 * @param link how its loss is linearised
 * @param losses {@code ℓ_i(θ*)}, one per sample
 * @param features {@code φ_i}, one row of length {@code d} per sample
 */
public record ProjectedSamples(String task, LossLink link, double[] losses, double[][] features) {

    /**
     * Validates the shapes.
     *
     * @throws IllegalArgumentException on no samples, ragged features or a negative or non-finite loss
     */
    public ProjectedSamples {
        checkNotNull(task, "task");
        checkNotNull(link, "link");
        checkNotNull(losses, "losses");
        checkNotNull(features, "features");
        checkArgument(losses.length > 0, "task %s: no samples", task);
        checkArgument(features.length == losses.length, "task %s: %s losses but %s feature rows", task,
                losses.length, features.length);
        int d = features[0].length;
        for (int i = 0; i < losses.length; i++) {
            checkArgument(Double.isFinite(losses[i]) && losses[i] >= 0, "task %s: loss of sample %s is %s", task, i,
                    losses[i]);
            checkArgument(features[i].length == d, "task %s: feature row %s has %s entries, row 0 has %s", task, i,
                    features[i].length, d);
        }
    }

    /** @return the number of samples */
    public int size() {
        return losses.length;
    }

    /** @return the feature dimension {@code d} */
    public int dimension() {
        return features[0].length;
    }

    /**
     * The mean loss at {@code θ*}, {@code (1/n) Σ ℓ_i}.
     *
     * @return the mean
     */
    public double meanLoss() {
        double s = 0;
        for (double l : losses) {
            s += l;
        }
        return s / losses.length;
    }
}
