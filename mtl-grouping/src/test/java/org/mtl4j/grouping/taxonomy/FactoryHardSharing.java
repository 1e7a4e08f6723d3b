package org.mtl4j.grouping.taxonomy;

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
 * A minimal hard-sharing network for tests that, unlike the core's tiny block, takes its encoder from the factory:
 * {@code encoder → conv1×1(4) → ReLU → conv1×1(C_k)} per dense task at the encoder's resolution (downsampling 1).
 */
final class FactoryHardSharing extends MultiTaskBlock {

    private final Block encoder;
    private final List<Block> heads = new ArrayList<>();
    private final ImmutableList<Task> tasks;

    private FactoryHardSharing(List<Task> tasks, EncoderFactory factory) {
        super((byte) 1);
        this.tasks = ImmutableList.copyOf(tasks);
        this.encoder = addChildBlock("encoder", factory.create());
        for (Task t : tasks) {
            // a hidden layer: with a bare 1×1 head the cross-entropy gradients sum to exactly zero over the classes,
            // which DJL's first-step check mistakes for a missing backward pass
            heads.add(addChildBlock("head_" + t.name(), new SequentialBlock()
                    .add(Conv2d.builder().setFilters(4).setKernelShape(new Shape(1, 1)).build())
                    .add(Activation::relu)
                    .add(Conv2d.builder().setFilters(t.channels()).setKernelShape(new Shape(1, 1)).build())));
        }
    }

    static Architecture architecture() {
        return new Architecture() {
            @Override
            public String name() {
                return "factory-hps";
            }

            @Override
            public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
                return new FactoryHardSharing(tasks, encoder);
            }
        };
    }

    /** A conv3×3(c) → ReLU encoder at the input resolution. */
    static EncoderFactory convEncoder(int channels) {
        return new EncoderFactory() {
            @Override
            public Block create() {
                return new SequentialBlock().add(Conv2d.builder().setFilters(channels).setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1)).build()).add(Activation::relu);
            }

            @Override
            public int outputChannels() {
                return channels;
            }

            @Override
            public int downsampling() {
                return 1;
            }

            @Override
            public String describe() {
                return "conv" + channels;
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
            out.add(h.forward(ps, z, training, params).singletonOrThrow());
        }
        return out;
    }

    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            if (p.getValue().requiresGradient()) {
                out.add(p.getValue());
            }
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
