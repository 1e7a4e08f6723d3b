package org.mtl4j.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.engine.EngineNumerics;

/**
 * The multi-task model contract: a DJL block whose forward pass gives one prediction per task, in task order
 * (optionally followed by deep-supervised intermediate predictions, see {@link #deepSupervision()}),
 * which names its shared parameters and can hand out its shared representation.
 *
 * <p>The forward pass is split into {@link #encode} (the shared part, giving the representation {@code z}) and
 * {@link #decode} (the task-specific part, {@code z → (ŷ_1 … ŷ_K)}). This split is what lets every balancing
 * strategy work with every architecture: parameter-mode strategies read the gradients of
 * {@link #sharedParameters()}, representation-mode strategies the gradients with respect to {@code z}
 * (see {@link org.mtl4j.core.gradient.TaskGradients}). Architectures where no single shared representation exists
 * (one column per task, as in soft sharing) return {@code false} from {@link #hasSharedRepresentation()}.
 *
 * <p>Subclasses follow DJL's block recipe: pass a version byte, register children with {@code addChildBlock},
 * implement {@code initializeChildBlocks} and {@code getOutputShapes}.
 */
public abstract class MultiTaskBlock extends AbstractBlock {

    private RepresentationTap tap;

    /**
     * Creates the block, after setting up the engine's numerics ({@link EngineNumerics#configure()}), so that every
     * multi-task network computes right convolution gradients however it is built and trained.
     *
     * @param version the serialisation version of the subclass
     */
    protected MultiTaskBlock(byte version) {
        super(version);
        EngineNumerics.configure();
    }

    /** @return the task names, in the order of the predictions */
    public abstract ImmutableList<String> taskNames();

    /**
     * Runs the shared part of the network.
     *
     * @param ps the parameter store
     * @param inputs the inputs
     * @param training whether this is a training pass
     * @param params optional parameters
     * @return the shared representation (one or more arrays)
     */
    public abstract NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params);

    /**
     * Runs the task-specific part of the network on a shared representation.
     *
     * @param ps the parameter store
     * @param representation the output of {@link #encode}, or a detached copy of it
     * @param inputs the original inputs (some decoders need the input size)
     * @param training whether this is a training pass
     * @param params optional parameters
     * @return one prediction per task, in {@link #taskNames()} order
     */
    public abstract NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params);

    /**
     * Returns the trainable parameters shared by the tasks (the encoder's, without batch-norm running statistics).
     *
     * @return the shared parameters, in a stable order
     */
    public abstract List<Parameter> sharedParameters();

    /**
     * Returns, for every extra prediction that {@link #decode} gives after the K task predictions, the index of the
     * task whose label and loss supervise it (deep supervision of intermediate predictions, as in PAD-Net). The
     * training loop adds each such loss to its task's loss; evaluation reads only the first K predictions.
     *
     * @return one task index per extra prediction; empty by default
     */
    public ImmutableList<Integer> deepSupervision() {
        return ImmutableList.of();
    }

    /**
     * Returns whether {@link #encode} gives one representation that all heads read.
     *
     * @return true by default
     */
    public boolean hasSharedRepresentation() {
        return true;
    }

    /**
     * Whether this network can give per-task gradients in a mode: the one source of truth for an architecture's
     * capabilities. Loss-only and parameter mode always work; representation mode needs
     * {@link #hasSharedRepresentation()}.
     *
     * @param mode the mode
     * @return true when supported
     */
    public final boolean supports(org.mtl4j.core.weighting.GradientMode mode) {
        return mode != org.mtl4j.core.weighting.GradientMode.REPRESENTATION || hasSharedRepresentation();
    }

    /**
     * An extra term the training loop adds to the loss (for example the L2 distance between the columns of soft
     * parameter sharing), or empty.
     *
     * @param ps the parameter store
     * @param training whether this is a training pass
     * @return the regularisation term, a scalar, or empty
     */
    public Optional<NDArray> regularization(ParameterStore ps, boolean training) {
        return Optional.empty();
    }

    /**
     * Makes the next forward pass detach the shared representation into {@code tap}: the heads then run on a leaf
     * copy. Used by {@link org.mtl4j.core.gradient.TaskGradients} in representation mode; the tap is cleared after
     * one pass.
     *
     * @param representationTap the tap to fill
     */
    public final void tapRepresentationOnce(RepresentationTap representationTap) {
        if (!hasSharedRepresentation()) {
            throw new UnsupportedOperationException(getClass().getSimpleName()
                    + " has no single shared representation; use parameter-mode gradients");
        }
        this.tap = representationTap;
    }

    @Override
    protected final NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList z = encode(ps, inputs, training, params);
        RepresentationTap current = tap;
        if (current != null) {
            tap = null;
            z = current.capture(z);
        }
        return decode(ps, z, inputs, training, params);
    }
}
