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
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.GatedExperts;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Customized Gate Control, CGC (Tang, Liu, Zhao and Gong, RecSys 2020, "Progressive Layered Extraction (PLE): A Novel
 * Multi-Task Learning (MTL) Model for Personalized Recommendations", section 4.2): {@code S} expert encoders shared
 * by all tasks and {@code T} expert encoders of each task's own; task k's softmax gate, which looks at the input,
 * mixes the shared experts and task k's experts only.
 *
 * <p>{@code g_k(x) = softmax(W_k · vec(x) + b_k) ∈ Δ^{S+T}},
 * {@code f_k(x) = Σ_{s<S} g_k(x)_s · E^shared_s(x) + Σ_{t<T} g_k(x)_{S+t} · E^k_t(x)}, {@code ŷ_k = H_k(f_k(x))}.
 * As in MMoE ({@link MmoeBlock}) and LibMTL's {@code CGC}, the gate is linear in the flattened raw input and every
 * expert is a full encoder from the encoder design, so CGC works on images ({@link Encoders#resNet(int)}) and on
 * vectors ({@link Encoders#mlp(int...)}). LibMTL's reference runs use one shared expert and one expert per task
 * ({@code num_experts [1, 1, 1, 1]}), the defaults here.
 *
 * <p>Use it instead of MMoE when tasks conflict: task-specific experts give each task capacity that the other tasks'
 * gradients cannot pull away (the "seesaw" the paper measures), while the shared experts still carry what the tasks
 * have in common. It costs {@code S + K·T} encoders. The shared representation is the list of all expert outputs,
 * shared first, then each task's in task order (each head reads the shared ones and its own through its gate); the
 * shared parameters are the shared experts' (the only ones more than one task's loss reaches), so every gradient mode
 * works. Training passes record each gate's mean weights ({@link #drainGateUsage()}).
 */
public final class CgcBlock extends MultiTaskBlock implements GatedExperts {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final List<Block> sharedExperts = new ArrayList<>();
    /** taskExperts.get(k): task k's own experts. */
    private final List<List<Block>> taskExperts = new ArrayList<>();
    private final List<Block> gates = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final ImmutableList<String> expertNames;
    private final GateUsage usage;

    CgcBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int sharedCount,
            int perTask, int headWidth) {
        super(VERSION);
        checkArgument(sharedCount > 0, "CGC needs at least one shared expert, got %s", sharedCount);
        checkArgument(perTask >= 0, "CGC's experts per task must not be negative, got %s", perTask);
        boolean image = Stages.imageInput("CGC", inputShape);
        this.tasks = tasks;
        ImmutableList.Builder<String> names = ImmutableList.builder();
        names.addAll(GateUsage.sharedNames(sharedCount));
        for (int e = 0; e < sharedCount; e++) {
            sharedExperts.add(addChildBlock("shared_expert" + e, encoderFactory.create()));
        }
        for (Task t : tasks) {
            List<Block> own = new ArrayList<>();
            for (int e = 0; e < perTask; e++) {
                own.add(addChildBlock("expert_" + t.name() + "_" + e, encoderFactory.create()));
            }
            taskExperts.add(own);
            names.addAll(GateUsage.names(t.name(), perTask));
        }
        for (Task t : tasks) {
            gates.add(addChildBlock("gate_" + t.name(), gate(sharedCount + perTask)));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
        this.expertNames = names.build();
        this.usage = new GateUsage(expertNames.size());
    }

    /** A softmax-free gate: {@code flatten → Linear(experts)}; the softmax is applied in the forward pass. */
    static Block gate(int experts) {
        return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(experts).build());
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of shared experts S */
    public int sharedExpertCount() {
        return sharedExperts.size();
    }

    /** @return the number of experts of each task T */
    public int expertsPerTask() {
        return taskExperts.get(0).size();
    }

    /** @return the gates' trainable parameters, task by task */
    public List<Parameter> gateParameters() {
        List<Parameter> out = new ArrayList<>();
        for (Block g : gates) {
            Layers.addTrainable(g, out);
        }
        return out;
    }

    /** @return the task-specific experts' trainable parameters, task by task */
    public List<Parameter> taskExpertParameters() {
        List<Parameter> out = new ArrayList<>();
        for (List<Block> own : taskExperts) {
            for (Block e : own) {
                Layers.addTrainable(e, out);
            }
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
     * @return the weights of the shared experts then the task's own, shape {@code (N, S + T)}, rows on the simplex
     */
    public NDArray gate(ParameterStore ps, NDList inputs, int task, boolean training) {
        return gates.get(task).forward(ps, new NDList(inputs.head()), training).singletonOrThrow().softmax(1);
    }

    /** Returns the expert outputs: the S shared experts', then each task's T experts', in task order. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(expertNames.size());
        for (Block e : sharedExperts) {
            out.add(e.forward(ps, inputs, training, params).singletonOrThrow());
        }
        for (List<Block> own : taskExperts) {
            for (Block e : own) {
                out.add(e.forward(ps, inputs, training, params).singletonOrThrow());
            }
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkArgument(representation.size() == expertNames.size(), "CGC expects %s expert outputs, got %s",
                expertNames.size(), representation.size());
        if (training) {
            usage.discardPending();
        }
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray g = gate(ps, inputs, k, training);
            if (training) {
                usage.add(tasks.get(k).name(), g, positions(k));
            }
            NDArray mixed = MmoeBlock.mix(NDArrays.stack(taskView(representation, k)), g);
            NDArray y = heads.get(k).forward(ps, new NDList(mixed), training, params).singletonOrThrow();
            out.add(Layers.toInputResolution(tasks.get(k), y, inputs.head()));
        }
        if (training) {
            usage.flush();
        }
        return out;
    }

    /**
     * Task k's features before its head: its gate's mixture of the shared experts and its own.
     *
     * @param ps the parameter store
     * @param representation the output of {@link #encode}
     * @param inputs the inputs
     * @param task the task index
     * @return {@code f_k(x)}, shaped like one expert's output
     */
    public NDArray taskFeatures(ParameterStore ps, NDList representation, NDList inputs, int task) {
        return MmoeBlock.mix(NDArrays.stack(taskView(representation, task)), gate(ps, inputs, task, false));
    }

    /** The outputs a task's gate mixes: the shared experts', then the task's own. */
    private NDList taskView(NDList representation, int task) {
        int s = sharedExperts.size();
        int t = expertsPerTask();
        NDList view = new NDList(s + t);
        for (int e = 0; e < s; e++) {
            view.add(representation.get(e));
        }
        for (int e = 0; e < t; e++) {
            view.add(representation.get(s + task * t + e));
        }
        return view;
    }

    /** The indices into {@link #expertNames()} of the experts task k's gate weighs. */
    private int[] positions(int task) {
        int s = sharedExperts.size();
        int t = expertsPerTask();
        return GateUsage.concat(GateUsage.range(0, s), GateUsage.range(s + task * t, t));
    }

    /** Per task, the mean softmax weight of every expert (0 for other tasks' experts) since the last call. */
    @Override
    public ImmutableMap<String, ImmutableDoubleArray> drainGateUsage() {
        return usage.drain();
    }

    /** Returns {@code (shared)/0 … (shared)/(S−1)}, then {@code task/0 … task/(T−1)} for each task. */
    @Override
    public ImmutableList<String> expertNames() {
        return expertNames;
    }

    /** Returns the shared experts' trainable parameters. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (Block e : sharedExperts) {
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
        for (Block e : sharedExperts) {
            e.initialize(manager, dataType, inputShapes);
            z = e.getOutputShapes(inputShapes);
        }
        for (List<Block> own : taskExperts) {
            for (Block e : own) {
                e.initialize(manager, dataType, inputShapes);
            }
        }
        for (Block g : gates) {
            g.initialize(manager, dataType, inputShapes);
        }
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }
}
