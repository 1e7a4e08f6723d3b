package org.mtl4j.losses;

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
import ai.djl.nn.norm.BatchNorm;
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
 * Two small networks for the Auto-Lambda tests.
 * <ul>
 *   <li>{@link #linear()}: one shared {@code conv1×1(C→1)} with bias and no heads, every task reading the same
 *       prediction {@code ŷ = w·x + b}: with squared-error losses each task loss is quadratic in the parameters, so
 *       gradients and hypergradients have closed forms;
 *   <li>{@link #batchNorm()}: {@code conv3×3(4) → batch norm → ReLU} shared and a {@code conv1×1} head per task,
 *       to check that the meta step leaves the running statistics as they were.
 * </ul>
 */
final class MetaTestBlock extends MultiTaskBlock {

    private final ImmutableList<Task> tasks;
    private final boolean linear;
    private final Block encoder;
    private final List<Block> heads = new ArrayList<>();

    private MetaTestBlock(List<Task> tasks, boolean linear) {
        super((byte) 1);
        this.tasks = ImmutableList.copyOf(tasks);
        this.linear = linear;
        if (linear) {
            encoder = addChildBlock("encoder", Conv2d.builder().setFilters(1).setKernelShape(new Shape(1, 1)).build());
        } else {
            encoder = addChildBlock("encoder", new SequentialBlock()
                    .add(Conv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                            .build())
                    .add(BatchNorm.builder().build())
                    .add(Activation::relu));
            for (Task t : tasks) {
                heads.add(addChildBlock("head_" + t.name(),
                        Conv2d.builder().setFilters(t.channels()).setKernelShape(new Shape(1, 1)).build()));
            }
        }
    }

    static Architecture linear() {
        return architecture(true);
    }

    static Architecture batchNorm() {
        return architecture(false);
    }

    private static Architecture architecture(boolean linear) {
        return new Architecture() {
            @Override
            public String name() {
                return linear ? "meta-linear" : "meta-bn";
            }

            @Override
            public MultiTaskBlock create(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoder) {
                return new MetaTestBlock(tasks, linear);
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
        if (linear) {
            NDArray y = z.singletonOrThrow();
            for (int k = 0; k < tasks.size(); k++) {
                out.add(y);
            }
            return out;
        }
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
