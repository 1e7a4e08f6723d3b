package org.mtl4j.core.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * A tiny hard-sharing network for tests of the core: {@code conv3×3(8) → ReLU → conv3×3(8) → ReLU} shared, and a
 * {@code conv1×1(C_k)} head per dense task, all at the input resolution.
 */
public final class TinyMultiTaskBlock extends MultiTaskBlock {

    private final Block encoder;
    private final List<Block> heads = new ArrayList<>();
    private final ImmutableList<Task> tasks;

    /**
     * Creates the block.
     *
     * @param tasks dense tasks
     */
    public TinyMultiTaskBlock(List<Task> tasks) {
        super((byte) 1);
        this.tasks = ImmutableList.copyOf(tasks);
        encoder = addChildBlock("encoder", new SequentialBlock()
                .add(Conv2d.builder().setFilters(8).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(Activation::relu)
                .add(Conv2d.builder().setFilters(8).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).build())
                .add(Activation::relu));
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(),
                    Conv2d.builder().setFilters(t.channels()).setKernelShape(new Shape(1, 1)).build()));
        }
    }

    /** @return an architecture that builds this block, ignoring the encoder factory */
    public static Architecture architecture() {
        return new Architecture() {
            @Override
            public String name() {
                return "tiny";
            }

            @Override
            public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
                return new TinyMultiTaskBlock(tasks);
            }
        };
    }

    /** @return an encoder factory placeholder for the builder */
    public static EncoderFactory encoderFactory() {
        return new EncoderFactory() {
            @Override
            public Block create() {
                throw new UnsupportedOperationException("the tiny block builds its own encoder");
            }

            @Override
            public int outputChannels() {
                return 8;
            }

            @Override
            public int downsampling() {
                return 1;
            }

            @Override
            public String describe() {
                return "tiny";
            }
        };
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return encoder.forward(ps, inputs, training, params);
    }

    @Override
    public NDList decode(ParameterStore ps, NDList z, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList out = new NDList();
        for (Block h : heads) {
            NDArray y = h.forward(ps, z, training, params).singletonOrThrow();
            out.add(y);
        }
        return out;
    }

    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            out.add(p.getValue());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape[] out = new Shape[tasks.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = new Shape(in.get(0), tasks.get(k).channels(), in.get(2), in.get(3));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape z = encoder.getOutputShapes(inputShapes)[0];
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }
}
