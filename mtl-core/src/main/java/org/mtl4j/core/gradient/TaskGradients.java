package org.mtl4j.core.gradient;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.RepresentationTap;

/**
 * Per-task gradients, in one place, in the two modes that gradient-based balancing strategies use.
 *
 * <p><b>Parameter mode</b> ({@link #ofSharedParameters}): after one forward pass, task {@code k}'s loss is
 * back-propagated with the graph retained ({@code JniUtils.backward(L_k, 1, keepGraph=true)}); the gradients of the
 * shared parameters are copied into row {@code k} of a K×D matrix and zeroed before the next task. Task heads
 * keep their accumulated gradients: each head only depends on its own loss, so it receives exactly its own task's
 * gradient. {@link #setSharedGradients} writes a combined vector back before the optimiser step. The rows are
 * bit-identical to K separate forward/backward passes.
 *
 * <p><b>Representation mode</b> ({@link #ofRepresentation}): the model ran its heads on a detached leaf copy
 * {@code z'} of the shared representation (see {@link RepresentationTap}); each loss is back-propagated into
 * {@code z'} only and row {@code k} is {@code ∂L_k/∂z'}. {@link #backwardThroughEncoder} then pushes a combined
 * gradient through the encoder, once. Same cost as a plain step.
 *
 * <p>Every array created here belongs to the caller's per-step manager: gradient wrappers returned by
 * {@code getGradient()} are closed at once, so memory stays flat over long runs. An open
 * {@code GradientCollector} is required (it switches autograd on).
 */
public final class TaskGradients {

    private TaskGradients() {}

    /**
     * Computes the K×D matrix of per-task gradients with respect to the shared parameters, leaving the shared
     * parameters' gradients at zero and the task heads' gradients accumulated.
     *
     * @param losses the K scalar task losses of one forward pass
     * @param shared the shared parameters (each must require a gradient)
     * @param manager the per-step manager that receives the matrix
     * @return the matrix, shape {@code (K, D)} with {@code D} the total size of the shared parameters
     */
    public static NDArray ofSharedParameters(NDList losses, List<Parameter> shared, NDManager manager) {
        checkArgument(!losses.isEmpty(), "no task losses given");
        checkArgument(!shared.isEmpty(), "the model reports no shared parameters");
        zeroGradients(shared);
        List<NDArray> rows = new ArrayList<>(losses.size());
        for (int k = 0; k < losses.size(); k++) {
            NDArray loss = losses.get(k);
            try (NDArray one = loss.getManager().ones(new Shape())) {
                JniUtils.backward((PtNDArray) loss, (PtNDArray) one, k < losses.size() - 1, false);
            }
            rows.add(flattenGradients(shared, manager));
            zeroGradients(shared);
        }
        return NDArrays.stack(new NDList(rows));
    }

    /**
     * Overwrites the gradients of the shared parameters with a combined vector (the inverse of the flattening of
     * {@link #ofSharedParameters}). The gradients must exist, that is a backward pass must have run since the
     * parameters were created (as it always has inside the training loop).
     *
     * @param shared the shared parameters, in the same order
     * @param combined the combined gradient, shape {@code (D)}
     */
    public static void setSharedGradients(List<Parameter> shared, NDArray combined) {
        long offset = 0;
        for (Parameter p : shared) {
            NDArray w = p.getArray();
            long size = w.size();
            try (NDArray g = w.getGradient();
                    NDArray part = combined.get(offset + ":" + (offset + size)).reshape(w.getShape())) {
                g.muli(0f).addi(part);
            }
            offset += size;
        }
        checkArgument(offset == combined.size(),
                "combined gradient has %s values but the shared parameters have %s", combined.size(), offset);
    }

    /**
     * Computes the K×D matrix of per-task gradients with respect to the detached shared representation.
     *
     * @param losses the K scalar task losses of a forward pass that ran through {@code tap}
     * @param tap the tap filled by that forward pass
     * @param manager the per-step manager that receives the matrix
     * @return the matrix, shape {@code (K, D)} with {@code D} the total size of the representation
     */
    public static NDArray ofRepresentation(NDList losses, RepresentationTap tap, NDManager manager) {
        checkArgument(!losses.isEmpty(), "no task losses given");
        NDList detached = tap.detached();
        List<NDArray> rows = new ArrayList<>(losses.size());
        for (int k = 0; k < losses.size(); k++) {
            NDArray loss = losses.get(k);
            try (NDArray one = loss.getManager().ones(new Shape())) {
                // heads may share nodes (distillation decoders), so the graph is kept for all but the last task
                JniUtils.backward((PtNDArray) loss, (PtNDArray) one, k < losses.size() - 1, false);
            }
            List<NDArray> parts = new ArrayList<>(detached.size());
            for (NDArray z : detached) {
                try (NDArray g = z.getGradient()) {
                    NDArray flat = g.flatten();
                    NDArray copy = flat.duplicate();
                    copy.attach(manager);
                    flat.close();
                    parts.add(copy);
                }
                JniUtils.zeroGrad((PtNDArray) z);
            }
            rows.add(parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts)));
        }
        return NDArrays.stack(new NDList(rows));
    }

    /**
     * Back-propagates a combined representation gradient through the encoder: {@code z.backward(g)}.
     *
     * @param tap the tap of this step
     * @param combined the combined gradient with respect to the representation, shape {@code (D)}
     */
    public static void backwardThroughEncoder(RepresentationTap tap, NDArray combined) {
        NDList live = tap.live();
        long offset = 0;
        for (int i = 0; i < live.size(); i++) {
            NDArray z = live.get(i);
            long size = z.size();
            try (NDArray part = combined.get(offset + ":" + (offset + size)).reshape(z.getShape())) {
                JniUtils.backward((PtNDArray) z, (PtNDArray) part, i < live.size() - 1, false);
            }
            offset += size;
        }
        checkArgument(offset == combined.size(),
                "combined gradient has %s values but the representation has %s", combined.size(), offset);
    }

    /**
     * Copies the current gradients of {@code params} into one flat vector.
     *
     * @param params the parameters
     * @param manager the manager that receives the vector
     * @return the flat gradient, shape {@code (D)}
     */
    public static NDArray flattenGradients(List<Parameter> params, NDManager manager) {
        List<NDArray> parts = new ArrayList<>(params.size());
        for (Parameter p : params) {
            try (NDArray g = p.getArray().getGradient(); NDArray flat = g.flatten()) {
                NDArray copy = flat.duplicate();
                copy.attach(manager);
                parts.add(copy);
            }
        }
        NDArray out = NDArrays.concat(new NDList(parts));
        for (NDArray part : parts) {
            part.close();
        }
        return out;
    }

    /**
     * Sets the gradients of {@code params} to zero in place.
     *
     * @param params the parameters
     */
    public static void zeroGradients(List<Parameter> params) {
        for (Parameter p : params) {
            JniUtils.zeroGrad((PtNDArray) p.getArray());
        }
    }
}
