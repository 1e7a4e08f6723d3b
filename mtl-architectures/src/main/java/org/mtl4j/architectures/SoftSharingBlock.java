package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Soft parameter sharing (Duong et al., ACL 2015, "Low Resource Dependency Parsing: Cross-lingual Parameter Sharing
 * in a Neural Network Parser"; Ruder, 2017, "An Overview of Multi-Task Learning in Deep Neural Networks"): every
 * task has its own encoder column and head, and an L2 penalty pulls corresponding weights of the columns together.
 *
 * <p>{@code ŷ_k = H_k(E_k(x))}, and the training loop adds
 * {@code R = λ Σ_{k<l} Σ_p ‖θ_k^p − θ_l^p‖²} to the loss, where {@code p} runs over the trainable parameters of a
 * column (convolution and linear weights, batch-norm scales and shifts) and {@code θ_k^p} is that parameter in
 * column {@code k}. With {@code λ = 0} the tasks are trained independently; as {@code λ → ∞} the columns collapse
 * into hard sharing.
 *
 * <p>Use it when tasks are related but not close enough for one encoder, or to measure how much sharing helps: it
 * costs K encoders (K times the parameters and encoder compute of hard sharing). There is no representation that
 * all heads read, so representation-mode gradient strategies are rejected; in parameter mode the "shared"
 * parameters are all columns (the parameters the penalty couples), and task {@code k}'s gradient is non-zero only on
 * column {@code k}.
 */
public final class SoftSharingBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final List<Block> columns = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final double strength;

    SoftSharingBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth,
            double strength) {
        super(VERSION);
        checkArgument(strength >= 0 && Double.isFinite(strength),
                "soft-sharing strength must be finite and non-negative, got %s", strength);
        boolean image = Stages.imageInput("soft sharing", inputShape);
        this.tasks = tasks;
        this.strength = strength;
        for (Task t : tasks) {
            columns.add(addChildBlock("column_" + t.name(), encoderFactory.create()));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    /** @return the penalty strength {@code λ} */
    public double strength() {
        return strength;
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** Returns the K column outputs; column {@code k} is read by head {@code k} only. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(columns.size());
        for (Block column : columns) {
            out.add(column.forward(ps, inputs, training, params).singletonOrThrow());
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return Layers.perTaskHeads(ps, heads, tasks, representation, inputs.head(), training, params);
    }

    /** Returns the trainable parameters of all columns, column by column. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            shared.addAll(columnParameters(k));
        }
        return shared;
    }

    /**
     * Returns the trainable parameters of one column, in a stable order that matches the other columns.
     *
     * @param column the column (task) index
     * @return the parameters
     */
    public List<Parameter> columnParameters(int column) {
        List<Parameter> out = new ArrayList<>();
        Layers.addTrainable(columns.get(column), out);
        return out;
    }

    @Override
    public boolean hasSharedRepresentation() {
        return false;
    }

    /**
     * Returns {@code λ Σ_{k<l} Σ_p ‖θ_k^p − θ_l^p‖²}, or empty when {@code λ = 0} or there is one task. Every array
     * it creates belongs to the parameter store's manager (the training loop's per-step manager).
     */
    @Override
    public Optional<NDArray> regularization(ParameterStore ps, boolean training) {
        if (strength == 0 || columns.size() < 2) {
            return Optional.empty();
        }
        NDManager manager = ps.getManager();
        Device device = manager.getDevice();
        List<List<NDArray>> values = new ArrayList<>();
        for (int k = 0; k < columns.size(); k++) {
            List<NDArray> v = new ArrayList<>();
            for (Parameter p : columnParameters(k)) {
                v.add(ps.getValue(p, device, training));
            }
            values.add(v);
        }
        NDArray total = null;
        for (int k = 0; k < values.size(); k++) {
            for (int l = k + 1; l < values.size(); l++) {
                for (int i = 0; i < values.get(k).size(); i++) {
                    NDArray diff = values.get(k).get(i).sub(values.get(l).get(i));
                    diff.attach(manager); // the difference of two parameters would otherwise live as long as they do
                    NDArray sq = diff.square().sum();
                    total = total == null ? sq : total.add(sq);
                }
            }
        }
        // a float operand: a double would promote the loss to float64
        return Optional.of(total.mul(EngineArrays.scalar(manager, (float) strength)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int k = 0; k < columns.size(); k++) {
            columns.get(k).initialize(manager, dataType, inputShapes);
            Shape z = columns.get(k).getOutputShapes(inputShapes)[0];
            heads.get(k).initialize(manager, dataType, z);
        }
    }
}
