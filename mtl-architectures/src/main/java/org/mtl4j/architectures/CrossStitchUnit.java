package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import org.mtl4j.core.data.EngineArrays;

/**
 * A cross-stitch unit (Misra et al., CVPR 2016), per channel: {@code x̃_k^c = Σ_l α_{k,l}^c x_l^c} for the K task
 * activations {@code x_1 … x_K} of one stage. The learnable {@code α} has shape {@code (K, K, C)} and starts at
 * {@code self} on the diagonal and {@code other} elsewhere.
 */
final class CrossStitchUnit extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int tasks;
    private final int channels;
    private final Parameter alpha;

    CrossStitchUnit(int tasks, int channels, double self, double other) {
        super(VERSION);
        checkArgument(tasks > 0 && channels > 0, "a cross-stitch unit needs tasks and channels, got %s and %s",
                tasks, channels);
        this.tasks = tasks;
        this.channels = channels;
        float[] init = new float[tasks * tasks * channels];
        for (int k = 0; k < tasks; k++) {
            for (int l = 0; l < tasks; l++) {
                for (int c = 0; c < channels; c++) {
                    init[(k * tasks + l) * channels + c] = (float) (k == l ? self : other);
                }
            }
        }
        alpha = addParameter(Parameter.builder().setName("alpha").setType(Parameter.Type.OTHER)
                .optShape(new Shape(tasks, tasks, channels))
                .optInitializer((manager, shape, dataType) -> EngineArrays.create(manager, init, shape)
                        .toType(dataType, false))
                .build());
    }

    /** @return the mixing weights {@code α}, shape {@code (K, K, C)} */
    Parameter alpha() {
        return alpha;
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkArgument(inputs.size() == tasks, "the cross-stitch unit mixes %s columns, got %s", tasks, inputs.size());
        NDArray x = NDArrays.stack(inputs); // (K, N, C, ...)
        Shape s = x.getShape();
        checkArgument(s.get(2) == channels, "the cross-stitch unit has %s channels, the activations %s", channels,
                s.get(2));
        long[] dims = new long[s.dimension() + 1];
        Arrays.fill(dims, 1);
        dims[0] = tasks;
        dims[1] = tasks;
        dims[3] = channels;
        NDArray a = ps.getValue(alpha, x.getDevice(), training).reshape(new Shape(dims)); // (K, K, 1, C, 1, ...)
        a.attach(x.getManager()); // an op on a parameter lands in the parameter's long-lived manager
        NDArray mixed = x.expandDims(0).mul(a).sum(new int[] {1}); // (K, N, C, ...)
        NDList out = new NDList(tasks);
        for (int k = 0; k < tasks; k++) {
            out.add(mixed.get(k));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
