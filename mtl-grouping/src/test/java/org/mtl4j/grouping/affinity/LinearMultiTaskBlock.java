package org.mtl4j.grouping.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * A linear multi-task model small enough to differentiate by hand: a shared {@code z = W·x} (W of shape 1×F, no
 * bias) and a scalar head {@code ŷ_k = a_k·z} per task (no bias). Shared by the affinity and the estimator tests.
 */
public final class LinearMultiTaskBlock extends MultiTaskBlock {

    private final Block shared;
    private final List<Block> heads = new ArrayList<>();
    private final ImmutableList<Task> tasks;

    /**
     * @param tasks the tasks, one scalar head each
     */
    public LinearMultiTaskBlock(List<Task> tasks) {
        super((byte) 1);
        this.tasks = ImmutableList.copyOf(tasks);
        shared = addChildBlock("shared", Linear.builder().setUnits(1).optBias(false).build());
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), Linear.builder().setUnits(1).optBias(false).build()));
        }
    }

    /** @return the shared weight W */
    public Parameter sharedWeight() {
        return shared.getParameters().get(0).getValue();
    }

    /**
     * @param k the task index
     * @return task k's head weight a_k
     */
    public Parameter headWeight(int k) {
        return heads.get(k).getParameters().get(0).getValue();
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return shared.forward(ps, inputs, training, params);
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
        for (Pair<String, Parameter> p : shared.getParameters()) {
            out.add(p.getValue());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[tasks.size()];
        for (int k = 0; k < out.length; k++) {
            out[k] = new Shape(inputShapes[0].get(0), 1);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        shared.initialize(manager, dataType, inputShapes);
        Shape z = shared.getOutputShapes(inputShapes)[0];
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }
}
