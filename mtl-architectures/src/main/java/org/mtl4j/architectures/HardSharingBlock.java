package org.mtl4j.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * Hard parameter sharing (Caruana, ICML 1993): one encoder shared by all tasks, one head per task.
 *
 * <p>{@code z = E(x)}, {@code ŷ_k = up(H_k(z))} for dense tasks and {@code ŷ_k = H_k(pool(z))} for per-sample tasks.
 * The shared parameters are the encoder's; the shared representation is {@code z}. The cheapest architecture and the
 * baseline every other one is compared against; use it first.
 */
public final class HardSharingBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final Block encoder;
    private final ImmutableList<Task> tasks;
    private final List<Block> heads = new ArrayList<>();
    private final boolean imageInput;

    HardSharingBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth) {
        super(VERSION);
        this.tasks = tasks;
        this.imageInput = inputShape.dimension() == 3;
        this.encoder = addChildBlock("encoder", encoderFactory.create());
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, imageInput)));
        }
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
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray z = representation.singletonOrThrow();
        Shape in = inputs.head().getShape();
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray y = heads.get(k).forward(ps, new NDList(z), training, params).singletonOrThrow();
            if (tasks.get(k).kind() == OutputKind.DENSE) {
                y = TaskHeads.upsample(y, in.get(2), in.get(3));
            }
            out.add(y);
        }
        return out;
    }

    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (Pair<String, Parameter> p : encoder.getParameters()) {
            if (p.getValue().requiresGradient()) {
                shared.add(p.getValue());
            }
        }
        return shared;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        Shape[] out = new Shape[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            Task t = tasks.get(k);
            out[k] = t.kind() == OutputKind.DENSE ? new Shape(in.get(0), t.channels(), in.get(2), in.get(3))
                    : new Shape(in.get(0), t.channels());
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape z = encoder.getOutputShapes(inputShapes)[0];
        for (Block head : heads) {
            head.initialize(manager, dataType, z);
        }
    }
}
