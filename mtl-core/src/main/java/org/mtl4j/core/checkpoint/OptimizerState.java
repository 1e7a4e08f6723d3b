package org.mtl4j.core.checkpoint;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * The optimiser's moments at a checkpoint, by parameter name: Adam's first and second moments, or SGD's momentum
 * buffer. With them (and the step count in {@link CheckpointState}) a resumed run continues exactly as the
 * uninterrupted run would have; without them (checkpoints of format 1, or {@link #NONE}) the optimiser restarts
 * from zero moments.
 *
 * @param optimizer the optimiser's name ({@code adam}, {@code adamw}, {@code sgd}), empty when there is no state
 * @param moments parameter name → the optimiser's arrays for it, flattened (row-major)
 */
public record OptimizerState(String optimizer, ImmutableMap<String, ImmutableList<float[]>> moments) {

    /** No optimiser state. */
    public static final OptimizerState NONE = new OptimizerState("", ImmutableMap.of());

    /** Validates the components. */
    public OptimizerState {
        checkNotNull(optimizer, "optimizer");
        checkNotNull(moments, "moments");
    }

    /** @return whether there is no state to restore */
    public boolean isEmpty() {
        return moments.isEmpty();
    }
}
