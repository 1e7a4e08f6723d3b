package org.mtl4j.core.weighting;

/**
 * How a balancing strategy sees the tasks.
 *
 * <ul>
 *   <li>{@link #NONE}: only the K task losses (uncertainty weighting, DWA, ...); one backward pass per step.
 *   <li>{@link #PARAMETERS}: the K gradients with respect to the shared parameters, from one forward pass and K
 *       retained-graph backward passes (PCGrad, CAGrad, GradNorm, ...). About twice a plain step for 3 tasks.
 *   <li>{@link #REPRESENTATION}: the K gradients with respect to the shared representation {@code z}, from K
 *       backward passes through the heads only and one through the encoder (MGDA-UB, GradDrop); the cost of a
 *       plain step.
 * </ul>
 */
public enum GradientMode {
    /** Loss-based: no per-task gradients. */
    NONE,
    /** Per-task gradients with respect to the shared parameters. */
    PARAMETERS,
    /** Per-task gradients with respect to the shared representation. */
    REPRESENTATION;

    /**
     * Parses the command-line spelling of a mode.
     *
     * @param flag {@code auto} (or {@code none}: {@link #NONE}, which lets {@code MultiTask.builder()} pick the
     *     strategy's mode), {@code parameters} or {@code representation}
     * @return the mode
     * @throws IllegalArgumentException naming the flag and the choices
     */
    public static GradientMode fromFlag(String flag) {
        switch (String.valueOf(flag)) {
            case "auto":
            case "none":
                return NONE;
            case "parameters":
                return PARAMETERS;
            case "representation":
                return REPRESENTATION;
            default:
                throw new IllegalArgumentException("unknown gradient mode '" + flag
                        + "'; available: auto, parameters, representation");
        }
    }
}
