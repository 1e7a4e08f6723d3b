package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Locale;
import org.mtl4j.core.task.TaskLoss;

/**
 * How Grad-TAE ({@link GradTae}) linearises one sample's loss: the loss is written as {@code ℓ = ψ(u)} of a scalar
 * {@code u} that is linearised in the parameters around {@code θ*},
 *
 * <pre>
 *   u(θ) ≈ a + ⟨∇u(θ*), θ − θ*⟩,    a = ψ⁻¹(ℓ(θ*)),    ∇u = ∇ℓ / ψ'(a),
 * </pre>
 * so {@code ℓ(θ* + Δ) ≈ ψ(a + ⟨h, Δ⟩)} with {@code h = ∇ℓ(θ*) / ψ'(a)} needs only the per-sample loss and its
 * gradient. The model reproduces the loss at {@code θ*} and its gradient there, and its curvature is that of
 * {@code ψ}: a Gauss–Newton model of the loss.
 *
 * <ul>
 *   <li>{@link #SQUARE}: {@code ψ(u) = u²}, {@code a = √ℓ}, {@code h = ∇ℓ / (2√ℓ)}. For a scalar output {@code f}
 *       with the squared error {@code ℓ = (f − y)²}, {@code u = ±(f − y)} and linearising {@code u} is exactly
 *       linearising the network output, {@code f(x; θ) ≈ f(x; θ*) + ∇f(x; θ*)ᵀ(θ − θ*)} — the paper's model — and
 *       the fit is least squares. For any other loss (L1, {@code 1 − cos}, per-pixel means) it is the Gauss–Newton
 *       model of {@code √ℓ}. The fit is closed form.
 *   <li>{@link #LOGISTIC}: {@code ψ(u) = log(1 + e^{−u})}, {@code a = −log(e^ℓ − 1)}, {@code h = −∇ℓ / (1 − e^{−ℓ})}.
 *       For a logistic loss on one logit, {@code u} is the signed margin {@code y·f} and linearising it is again
 *       linearising the output — the paper's logistic regression on output gradients; for multi-class cross-entropy
 *       {@code u = f_y − log Σ_{c ≠ y} e^{f_c}} (the soft margin), and for a mean over pixels it is the margin of the
 *       mean. The fit takes a few Newton steps.
 * </ul>
 * {@link #forLoss} picks {@code LOGISTIC} for cross-entropy losses and {@code SQUARE} otherwise. Losses below
 * {@code 1e-12} are treated as {@code 1e-12} (a sample the network already fits perfectly contributes {@code h = 0}
 * under {@code SQUARE}).
 */
public enum LossLink {

    /** {@code ψ(u) = u²}: least squares (regression losses). */
    SQUARE,

    /** {@code ψ(u) = log(1 + e^{−u})}: logistic regression (cross-entropy losses). */
    LOGISTIC;

    private static final double FLOOR = 1e-12;

    /**
     * The link for a task's loss: {@link #LOGISTIC} when its name contains {@code cross-entropy}, else
     * {@link #SQUARE}.
     *
     * @param loss the task's loss
     * @return the link
     */
    public static LossLink forLoss(TaskLoss loss) {
        checkNotNull(loss, "loss");
        return loss.name().toLowerCase(Locale.ROOT).contains("cross-entropy") ? LOGISTIC : SQUARE;
    }

    /**
     * {@code a = ψ⁻¹(ℓ)}.
     *
     * @param loss the sample's loss at {@code θ*}, non-negative
     * @return the linearised scalar at {@code θ*}
     */
    public double offset(double loss) {
        double l = Math.max(loss, FLOOR);
        return switch (this) {
            case SQUARE -> loss <= FLOOR ? 0 : Math.sqrt(l);
            // −log(e^ℓ − 1) = −ℓ − log(1 − e^{−ℓ}), stable for large and small ℓ
            case LOGISTIC -> -l - Math.log(-Math.expm1(-l));
        };
    }

    /**
     * {@code 1 / ψ'(a)}: the factor that turns the loss gradient into the gradient of the linearised scalar.
     *
     * @param loss the sample's loss at {@code θ*}
     * @return the factor ({@code 0} for a perfectly fitted sample under {@link #SQUARE})
     */
    public double slope(double loss) {
        double l = Math.max(loss, FLOOR);
        return switch (this) {
            case SQUARE -> loss <= FLOOR ? 0 : 1 / (2 * Math.sqrt(l));
            case LOGISTIC -> 1 / Math.expm1(-l); // −1 / (1 − e^{−ℓ})
        };
    }

    /**
     * {@code ψ(u)}.
     *
     * @param u the linearised scalar
     * @return the modelled loss
     */
    public double value(double u) {
        return switch (this) {
            case SQUARE -> u * u;
            case LOGISTIC -> u > 0 ? Math.log1p(Math.exp(-u)) : -u + Math.log1p(Math.exp(u));
        };
    }

    /**
     * {@code ψ'(u)}.
     *
     * @param u the linearised scalar
     * @return the derivative
     */
    public double first(double u) {
        return switch (this) {
            case SQUARE -> 2 * u;
            case LOGISTIC -> -sigmoid(-u);
        };
    }

    /**
     * {@code ψ''(u)}.
     *
     * @param u the linearised scalar
     * @return the second derivative
     */
    public double second(double u) {
        return switch (this) {
            case SQUARE -> 2;
            case LOGISTIC -> sigmoid(u) * sigmoid(-u);
        };
    }

    private static double sigmoid(double x) {
        return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
    }
}
