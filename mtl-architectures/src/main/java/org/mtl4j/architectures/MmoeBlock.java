package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableDoubleArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.GatedExperts;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Multi-gate Mixture-of-Experts, MMoE (Ma, Zhao, Yi, Chen, Hong and Chi, KDD 2018, "Modeling Task Relationships in
 * Multi-task Learning with Multi-gate Mixture-of-Experts"): E expert encoders shared by all tasks, mixed per task by
 * a softmax gate that looks at the input.
 *
 * <p>{@code g_k(x) = softmax(W_k · vec(x) + b_k) ∈ Δ^E}, {@code f_k(x) = Σ_e g_k(x)_e · E_e(x)},
 * {@code ŷ_k = H_k(f_k(x))}. The gate is linear in the flattened raw input, as in the paper and in LibMTL (for
 * images it has {@code E·(C·H·W + 1)} parameters per task). Experts are full encoders from the encoder design, so
 * MMoE works on images ({@link Encoders#resNet(int)}) and on vector or tabular inputs ({@link Encoders#mlp(int...)}).
 *
 * <p>Use it when task relatedness varies between inputs, typically recommendation and tabular multi-objective
 * problems: the gates learn input-dependent sharing, and with E experts it costs E encoders. The shared
 * representation is the list of the E expert outputs (all heads read all of them through their gates), the shared
 * parameters are the experts', so every gradient mode works. Training passes record each gate's mean weights
 * ({@link #drainGateUsage()}).
 */
public final class MmoeBlock extends MultiTaskBlock implements GatedExperts {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final List<Block> experts = new ArrayList<>();
    private final List<Block> gates = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final GateUsage usage;

    MmoeBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int expertCount,
            int headWidth) {
        super(VERSION);
        checkArgument(expertCount > 0, "MMoE needs at least one expert, got %s", expertCount);
        boolean image = Stages.imageInput("MMoE", inputShape);
        this.tasks = tasks;
        for (int e = 0; e < expertCount; e++) {
            experts.add(addChildBlock("expert" + e, encoderFactory.create()));
        }
        for (Task t : tasks) {
            gates.add(addChildBlock("gate_" + t.name(), new SequentialBlock().add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(expertCount).build())));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
        this.usage = new GateUsage(expertCount);
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of experts E */
    public int expertCount() {
        return experts.size();
    }

    /** @return the gates' trainable parameters, task by task */
    public List<Parameter> gateParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Block g : gates) {
            Layers.addTrainable(g, out);
        }
        return out;
    }

    /**
     * Computes the gate of one task.
     *
     * @param ps the parameter store
     * @param inputs the inputs
     * @param task the task index
     * @param training whether this is a training pass
     * @return the expert weights, shape {@code (N, E)}, rows on the simplex
     */
    public NDArray gate(ParameterStore ps, NDList inputs, int task, boolean training) {
        return gates.get(task).forward(ps, new NDList(inputs.head()), training).singletonOrThrow().softmax(1);
    }

    /** Returns the E expert outputs. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(experts.size());
        for (Block e : experts) {
            out.add(e.forward(ps, inputs, training, params).singletonOrThrow());
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray stacked = stack(representation);
        if (training) {
            usage.discardPending();
        }
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray g = gate(ps, inputs, k, training);
            if (training) {
                usage.add(tasks.get(k).name(), g, GateUsage.range(0, experts.size()));
            }
            NDArray mixed = mix(stacked, g);
            NDArray y = heads.get(k).forward(ps, new NDList(mixed), training, params).singletonOrThrow();
            out.add(Layers.toInputResolution(tasks.get(k), y, inputs.head()));
        }
        if (training) {
            usage.flush();
        }
        return out;
    }

    /** Per task, the mean softmax weight of every expert over the training passes since the last call. */
    @Override
    public ImmutableMap<String, ImmutableDoubleArray> drainGateUsage() {
        return usage.drain();
    }

    /** Returns {@code (shared)/0 … (shared)/(E−1)}: every expert is shared. */
    @Override
    public ImmutableList<String> expertNames() {
        return GateUsage.sharedNames(experts.size());
    }

    /** Stacks the E expert outputs into {@code (E, N, C, ...)}. */
    NDArray stack(NDList representation) {
        checkArgument(representation.size() == experts.size(), "MMoE expects %s expert outputs, got %s",
                experts.size(), representation.size());
        return NDArrays.stack(representation);
    }

    /**
     * Mixes stacked expert outputs with a task's gate: {@code Σ_e g_e · E_e}.
     *
     * @param stacked the expert outputs, {@code (E, N, C, ...)}
     * @param gate the gate, {@code (N, E)}
     * @return the task's features, {@code (N, C, ...)}
     */
    static NDArray mix(NDArray stacked, NDArray gate) {
        Shape s = stacked.getShape();
        long[] dims = new long[s.dimension()];
        Arrays.fill(dims, 1);
        dims[0] = s.get(0);
        dims[1] = s.get(1);
        return stacked.mul(gate.transpose().reshape(new Shape(dims))).sum(new int[] {0}); // (E, N, 1, ...) weights
    }

    /** Returns the experts' trainable parameters. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (Block e : experts) {
            Layers.addTrainable(e, shared);
        }
        return shared;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] z = null;
        for (Block e : experts) {
            e.initialize(manager, dataType, inputShapes);
            z = e.getOutputShapes(inputShapes);
        }
        for (Block g : gates) {
            g.initialize(manager, dataType, inputShapes);
        }
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }
}
