package org.mtl4j.core.training;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.model.MultiTaskBlock;

/**
 * The block that is trained and checkpointed: the multi-task network plus, when the balancing strategy has learnable
 * weights, the strategy's parameter block. Its forward pass returns the K task predictions followed by the strategy's
 * parameter values. Placing the strategy's parameters here is what makes DJL's optimiser update them.
 */
public final class TrainingBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final MultiTaskBlock network;
    private final Block weighting;

    /**
     * Creates the block.
     *
     * @param network the multi-task network
     * @param weighting the strategy's parameter block, if any
     */
    public TrainingBlock(MultiTaskBlock network, Optional<Block> weighting) {
        super(VERSION);
        this.network = addChildBlock("network", network);
        this.weighting = weighting.map(b -> addChildBlock("weighting", b)).orElse(null);
    }

    /**
     * The shape of a batch of one sample, for initialising a network.
     *
     * @param input one sample's shape, without the batch axis
     * @return {@code (1, ...input)}
     */
    public static Shape singleSampleBatch(Shape input) {
        long[] dims = new long[input.dimension() + 1];
        dims[0] = 1;
        System.arraycopy(input.getShape(), 0, dims, 1, input.dimension());
        return new Shape(dims);
    }

    /**
     * Each trainable parameter's id mapped to its name in this block, as checkpoints name them.
     *
     * @return id → name
     */
    public Map<String, String> parameterNamesById() {
        Map<String, String> names = new HashMap<>();
        getParameters().forEach(p -> names.put(p.getValue().getId(), p.getKey()));
        return names;
    }

    /** @return the multi-task network */
    public MultiTaskBlock network() {
        return network;
    }

    /** @return the strategy's parameter block, if any */
    public Optional<Block> weighting() {
        return Optional.ofNullable(weighting);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = network.forward(ps, inputs, training, params);
        if (weighting == null) {
            return out;
        }
        NDList all = new NDList(out);
        all.addAll(weighting.forward(ps, new NDList(), training));
        return all;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Shape> shapes = new ArrayList<>(Arrays.asList(network.getOutputShapes(inputShapes)));
        if (weighting != null) {
            shapes.addAll(Arrays.asList(weighting.getOutputShapes(new Shape[0])));
        }
        return shapes.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        network.initialize(manager, dataType, inputShapes);
        if (weighting != null) {
            weighting.initialize(manager, dataType);
        }
    }
}
