package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * A block that holds one learnable vector of a balancing strategy (uncertainty log-variances, GradNorm weights,
 * ...), initialised to a constant. Its forward pass ignores its input and returns the vector, so that the training
 * loop can put the block inside the model: DJL's optimiser then updates it and checkpoints save it.
 */
public final class WeightingParameters extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Parameter values;
    private final int size;

    /**
     * Creates the block.
     *
     * @param name the parameter name, for example {@code "log_variance"}
     * @param size the vector length (usually the number of tasks)
     * @param initialValue the initial value of every element
     */
    public WeightingParameters(String name, int size, float initialValue) {
        super(VERSION);
        checkArgument(size > 0, "weighting parameter '%s' needs a positive size, got %s", name, size);
        checkArgument(Float.isFinite(initialValue), "weighting parameter '%s': initial value must be finite, got %s",
                name, initialValue);
        this.size = size;
        this.values = addParameter(Parameter.builder().setName(name).setType(Parameter.Type.OTHER)
                .optShape(new Shape(size)).optInitializer(new ConstantInitializer(initialValue)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(ps.getValue(values, ps.getManager().getDevice(), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(size)};
    }

    @Override
    public void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
