package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;

/** Helpers for staged encoders and for layers that work on both feature maps and feature vectors. */
final class Stages {

    private Stages() {}

    /**
     * Views an encoder design as a staged one: a {@link StagedEncoderFactory} as it is, any other design as a single
     * stage whose back block is the identity.
     *
     * @param factory the encoder design
     * @return the staged view
     */
    static StagedEncoderFactory of(EncoderFactory factory) {
        if (factory instanceof StagedEncoderFactory) {
            StagedEncoderFactory staged = (StagedEncoderFactory) factory;
            checkArgument(staged.stageCount() > 0, "encoder %s has no stages", staged.describe());
            return staged;
        }
        return new StagedEncoderFactory() {
            @Override
            public int stageCount() {
                return 1;
            }

            @Override
            public Block createStageFront(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return factory.create();
            }

            @Override
            public Block createStageBack(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return Blocks.identityBlock();
            }

            @Override
            public int stageChannels(int stage) {
                checkArgument(stage == 0, "stage %s of a single-stage encoder", stage);
                return factory.outputChannels();
            }

            @Override
            public Block create() {
                return factory.create();
            }

            @Override
            public int outputChannels() {
                return factory.outputChannels();
            }

            @Override
            public int downsampling() {
                return factory.downsampling();
            }

            @Override
            public String describe() {
                return factory.describe();
            }
        };
    }

    /**
     * Prepends the batch axis to one sample's shape.
     *
     * @param sample the sample shape
     * @param batch the batch size
     * @return {@code (batch, sample...)}
     */
    static Shape batched(Shape sample, long batch) {
        long[] dims = new long[sample.dimension() + 1];
        dims[0] = batch;
        System.arraycopy(sample.getShape(), 0, dims, 1, sample.dimension());
        return new Shape(dims);
    }

    /**
     * Checks that an architecture gets images {@code (C, H, W)} or vectors {@code (F)}.
     *
     * @param architecture the architecture name, for the message
     * @param inputShape one sample's shape
     * @return whether the input is an image
     */
    static boolean imageInput(String architecture, Shape inputShape) {
        checkArgument(inputShape.dimension() == 3 || inputShape.dimension() == 1,
                "%s takes images (C, H, W) or vectors (F), got input shape %s", architecture, inputShape);
        return inputShape.dimension() == 3;
    }

    /**
     * The forward pass of one column per task with a mixing block after every stage (cross-stitch units, NDDR
     * layers): stage {@code j} of column {@code k} reads column {@code k}'s mixed output of stage {@code j − 1}.
     *
     * @param ps the parameter store
     * @param stages per stage, the K columns' blocks
     * @param mixers per stage, the block that mixes the K column outputs into K new ones
     * @param inputs the network's input
     * @param training whether this is a training pass
     * @param params extra parameters
     * @return the K column outputs after the last mixer
     */
    static NDList forwardMixedColumns(ParameterStore ps, List<List<Block>> stages, List<? extends Block> mixers,
            NDList inputs, boolean training, PairList<String, Object> params) {
        NDList columns = null;
        for (int j = 0; j < stages.size(); j++) {
            List<Block> stage = stages.get(j);
            NDList next = new NDList(stage.size());
            for (int k = 0; k < stage.size(); k++) {
                NDList in = columns == null ? inputs : new NDList(columns.get(k));
                next.add(stage.get(k).forward(ps, in, training, params).singletonOrThrow());
            }
            columns = mixers.get(j).forward(ps, next, training, params);
        }
        return columns;
    }

    /**
     * Initialises columns (or branches) stage by stage, in order, without mixing blocks, then the heads on the last
     * stage's output shape; {@link #initializeMixedColumns} without its mixers.
     *
     * @param manager the manager
     * @param dataType the data type
     * @param stages per stage, the blocks of its columns or branches (each reads its input stage's output shape)
     * @param channels per stage, the channels the encoder declares (checked)
     * @param heads the task heads
     * @param inputShapes the network's input shapes
     */
    static void initializeColumns(NDManager manager, DataType dataType, List<List<Block>> stages,
            List<Integer> channels, List<Block> heads, Shape... inputShapes) {
        initializeMixedColumns(manager, dataType, stages, null, channels, heads, inputShapes);
    }

    /**
     * Initialises columns with a mixing block after every stage, stage by stage (each mixer on K copies of its
     * stage's output shape), then the heads on the last stage's output shape.
     *
     * @param manager the manager
     * @param dataType the data type
     * @param stages per stage, the K columns' blocks
     * @param mixers per stage, the mixing block, or null for none
     * @param channels per stage, the channels the encoder declares (checked)
     * @param heads the task heads
     * @param inputShapes the network's input shapes
     */
    static void initializeMixedColumns(NDManager manager, DataType dataType, List<List<Block>> stages,
            List<? extends Block> mixers, List<Integer> channels, List<Block> heads, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (int j = 0; j < stages.size(); j++) {
            for (Block column : stages.get(j)) {
                column.initialize(manager, dataType, shapes);
            }
            Shape[] out = stages.get(j).get(0).getOutputShapes(shapes);
            checkState(out[0].get(1) == channels.get(j), "encoder stage %s gives %s channels but declares %s", j,
                    out[0].get(1), channels.get(j));
            if (mixers != null) {
                Shape[] all = new Shape[stages.get(j).size()];
                Arrays.fill(all, out[0]);
                mixers.get(j).initialize(manager, dataType, all);
            }
            shapes = out;
        }
        for (Block head : heads) {
            head.initialize(manager, dataType, shapes);
        }
    }
}
