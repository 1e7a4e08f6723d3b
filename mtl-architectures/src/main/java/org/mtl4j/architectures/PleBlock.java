package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
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
 * Progressive Layered Extraction, PLE (Tang, Liu, Zhao and Gong, RecSys 2020, "Progressive Layered Extraction (PLE):
 * A Novel Multi-Task Learning (MTL) Model for Personalized Recommendations", section 4.3): L extraction levels, each a
 * CGC ({@link CgcBlock}) whose experts read the previous level's gated outputs, with an extra shared gate at every
 * level but the last that mixes all the level's experts into the next level's shared input.
 *
 * <p>With {@code q^k_0 = q^s_0 = x}, at level {@code l}: the shared experts {@code E^s_{l,i}(q^s_l)}, task k's experts
 * {@code E^k_{l,j}(q^k_l)}; task k's gate {@code g^k_l = softmax(W^k_l · vec(q^k_l) + b^k_l)} mixes the shared experts
 * and task k's into {@code q^k_{l+1}}; for {@code l < L−1} the shared gate
 * {@code g^s_l = softmax(W^s_l · vec(q^s_l) + b^s_l)} mixes all {@code S + K·T} experts into {@code q^s_{l+1}}; the
 * head reads {@code ŷ_k = H_k(q^k_L)}. The levels are the stages of the encoder design, which must be a
 * {@link StagedEncoderFactory}: level l's experts are fresh copies of stage l ({@link Encoders#resNet(int)}: two
 * levels, {@link Encoders#mlp(int...)}: one per layer), so PLE works on images and on vectors; a one-stage encoder
 * gives CGC. Gates are linear in their flattened input, as in LibMTL's {@code PLE} (which, unlike the paper, has no
 * shared gate and runs the shared experts once per task). LibMTL's reference runs use one shared expert and one
 * expert per task, the defaults here.
 *
 * <p>Use it over CGC when tasks share low-level but not high-level features: the lower levels' shared gates let the
 * experts exchange information before the task-specific routing of the last level. It costs {@code S + K·T} copies of
 * every encoder stage. The shared representation is the last level's expert outputs (shared first, then each task's)
 * followed, when there are two levels or more, by the last level's gate inputs {@code q^k_{L−1}}; the shared parameters
 * are those through which more than one task's loss flows: the shared experts of every level, the task experts and
 * shared gates of every level but the last, and the task gates of the levels below the last two. Every gradient mode
 * works. Training passes record each gate's mean weights ({@link #drainGateUsage()}).
 */
public final class PleBlock extends MultiTaskBlock implements GatedExperts {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final int sharedCount;
    private final int perTask;
    /** sharedExperts.get(l).get(i): shared expert i of level l. */
    private final List<List<Block>> sharedExperts = new ArrayList<>();
    /** taskExperts.get(l).get(k).get(j): expert j of task k at level l. */
    private final List<List<List<Block>>> taskExperts = new ArrayList<>();
    /** taskGates.get(l).get(k): task k's gate at level l. */
    private final List<List<Block>> taskGates = new ArrayList<>();
    /** sharedGates.get(l): the shared gate of level l, for l < L − 1. */
    private final List<Block> sharedGates = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();
    private final ImmutableList<String> expertNames;
    private final GateUsage usage;

    PleBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int sharedCount,
            int perTask, int headWidth) {
        super(VERSION);
        checkArgument(sharedCount > 0, "PLE needs at least one shared expert, got %s", sharedCount);
        checkArgument(perTask >= 0, "PLE's experts per task must not be negative, got %s", perTask);
        checkArgument(encoderFactory instanceof StagedEncoderFactory, "PLE builds its extraction levels from encoder "
                + "stages, but encoder %s is not a StagedEncoderFactory (use Encoders.resNet or Encoders.mlp)",
                encoderFactory.describe());
        boolean image = Stages.imageInput("PLE", inputShape);
        StagedEncoderFactory staged = Stages.of(encoderFactory);
        this.tasks = tasks;
        this.sharedCount = sharedCount;
        this.perTask = perTask;
        int levels = staged.stageCount();
        int all = sharedCount + tasks.size() * perTask;
        for (int l = 0; l < levels; l++) {
            List<Block> shared = new ArrayList<>();
            for (int i = 0; i < sharedCount; i++) {
                shared.add(addChildBlock("level" + l + "_shared_expert" + i, stage(staged, l)));
            }
            sharedExperts.add(shared);
            List<List<Block>> own = new ArrayList<>();
            for (Task t : tasks) {
                List<Block> experts = new ArrayList<>();
                for (int j = 0; j < perTask; j++) {
                    experts.add(addChildBlock("level" + l + "_expert_" + t.name() + "_" + j, stage(staged, l)));
                }
                own.add(experts);
            }
            taskExperts.add(own);
            List<Block> gates = new ArrayList<>();
            for (Task t : tasks) {
                gates.add(addChildBlock("level" + l + "_gate_" + t.name(), CgcBlock.gate(sharedCount + perTask)));
            }
            taskGates.add(gates);
            if (l < levels - 1) {
                sharedGates.add(addChildBlock("level" + l + "_shared_gate", CgcBlock.gate(all)));
            }
            channels.add(staged.stageChannels(l));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
        ImmutableList.Builder<String> names = ImmutableList.builder();
        names.addAll(GateUsage.sharedNames(sharedCount));
        for (Task t : tasks) {
            names.addAll(GateUsage.names(t.name(), perTask));
        }
        this.expertNames = names.build();
        this.usage = new GateUsage(expertNames.size());
    }

    private static Block stage(StagedEncoderFactory staged, int l) {
        return new SequentialBlock().add(staged.createStageFront(l)).add(staged.createStageBack(l));
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of extraction levels L (the encoder's stages) */
    public int levelCount() {
        return sharedExperts.size();
    }

    /** @return the number of shared experts S per level */
    public int sharedExpertCount() {
        return sharedCount;
    }

    /** @return the number of experts of each task T per level */
    public int expertsPerTask() {
        return perTask;
    }

    /** @return every gate's trainable parameters: level by level, the task gates then the shared gate */
    public List<Parameter> gateParameters() {
        List<Parameter> out = new ArrayList<>();
        for (int l = 0; l < levelCount(); l++) {
            for (Block g : taskGates.get(l)) {
                Layers.addTrainable(g, out);
            }
            if (l < sharedGates.size()) {
                Layers.addTrainable(sharedGates.get(l), out);
            }
        }
        return out;
    }

    /** Shared expert i of level l (for tests). */
    Block sharedExpert(int level, int i) {
        return sharedExperts.get(level).get(i);
    }

    /** Expert j of task k at level l (for tests). */
    Block taskExpert(int level, int task, int j) {
        return taskExperts.get(level).get(task).get(j);
    }

    /** Task k's gate at level l, or the shared gate of level l when {@code task == -1} (for tests). */
    Block gateBlock(int level, int task) {
        return task < 0 ? sharedGates.get(level) : taskGates.get(level).get(task);
    }

    private static NDArray softmaxGate(Block gate, ParameterStore ps, NDArray input, boolean training) {
        return gate.forward(ps, new NDList(input), training).singletonOrThrow().softmax(1);
    }

    /**
     * Returns the last level's expert outputs (the S shared experts', then each task's T, in task order), followed,
     * when {@code L > 1}, by the K gate inputs {@code q^k_{L−1}} of the last level.
     */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        if (training) {
            usage.discardPending();
        }
        int levels = levelCount();
        int k = tasks.size();
        NDArray sharedIn = inputs.head();
        List<NDArray> taskIn = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            taskIn.add(inputs.head());
        }
        for (int l = 0; l < levels; l++) {
            NDList shared = new NDList(sharedCount);
            for (Block e : sharedExperts.get(l)) {
                shared.add(e.forward(ps, new NDList(sharedIn), training, params).singletonOrThrow());
            }
            List<NDList> own = new ArrayList<>(k);
            for (int t = 0; t < k; t++) {
                NDList o = new NDList(perTask);
                for (Block e : taskExperts.get(l).get(t)) {
                    o.add(e.forward(ps, new NDList(taskIn.get(t)), training, params).singletonOrThrow());
                }
                own.add(o);
            }
            if (l == levels - 1) {
                NDList out = new NDList(expertNames.size() + (levels > 1 ? k : 0));
                out.addAll(shared);
                own.forEach(out::addAll);
                if (levels > 1) {
                    out.addAll(taskIn);
                }
                return out;
            }
            List<NDArray> nextTask = new ArrayList<>(k);
            for (int t = 0; t < k; t++) {
                NDArray g = softmaxGate(taskGates.get(l).get(t), ps, taskIn.get(t), training);
                if (training) {
                    usage.add(tasks.get(t).name() + "@" + l, g, positions(t));
                }
                NDList mixed = new NDList(shared);
                mixed.addAll(own.get(t));
                nextTask.add(MmoeBlock.mix(NDArrays.stack(mixed), g));
            }
            NDArray gs = softmaxGate(sharedGates.get(l), ps, sharedIn, training);
            if (training) {
                usage.add(GateUsage.SHARED + "@" + l, gs, GateUsage.range(0, expertNames.size()));
            }
            NDList everything = new NDList(shared);
            own.forEach(everything::addAll);
            sharedIn = MmoeBlock.mix(NDArrays.stack(everything), gs);
            taskIn = nextTask;
        }
        throw new IllegalStateException("PLE has no levels");
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        int n = expertNames.size();
        int extra = levelCount() > 1 ? tasks.size() : 0;
        checkArgument(representation.size() == n + extra, "PLE expects %s arrays (expert outputs and gate inputs), "
                + "got %s", n + extra, representation.size());
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray g = lastGate(ps, representation, inputs, k, training);
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
     * Task k's features before its head, {@code q^k_L}: its last gate's mixture of the last level's shared experts
     * and its own.
     *
     * @param ps the parameter store
     * @param representation the output of {@link #encode}
     * @param inputs the inputs
     * @param task the task index
     * @return the features, shaped like one last-level expert's output
     */
    public NDArray taskFeatures(ParameterStore ps, NDList representation, NDList inputs, int task) {
        return MmoeBlock.mix(NDArrays.stack(taskView(representation, task)),
                lastGate(ps, representation, inputs, task, false));
    }

    private NDArray lastGate(ParameterStore ps, NDList representation, NDList inputs, int task, boolean training) {
        int levels = levelCount();
        NDArray gateInput = levels > 1 ? representation.get(expertNames.size() + task) : inputs.head();
        return softmaxGate(taskGates.get(levels - 1).get(task), ps, gateInput, training);
    }

    /** The outputs a task's gate mixes: the shared experts', then the task's own. */
    private NDList taskView(NDList representation, int task) {
        NDList view = new NDList(sharedCount + perTask);
        for (int e = 0; e < sharedCount; e++) {
            view.add(representation.get(e));
        }
        for (int e = 0; e < perTask; e++) {
            view.add(representation.get(sharedCount + task * perTask + e));
        }
        return view;
    }

    /** The indices into {@link #expertNames()} of the experts task k's gate weighs. */
    private int[] positions(int task) {
        return GateUsage.concat(GateUsage.range(0, sharedCount), GateUsage.range(sharedCount + task * perTask,
                perTask));
    }

    /**
     * Returns the mean softmax weights since the last call (0 for experts a gate cannot select): under the task name,
     * the task's gate at the last level; under {@code task@l}, its gate at level {@code l < L−1}; under
     * {@code (shared)@l}, the shared gate of level {@code l < L−1}. Every level has the same experts,
     * {@link #expertNames()}.
     */
    @Override
    public ImmutableMap<String, ImmutableDoubleArray> drainGateUsage() {
        return usage.drain();
    }

    /** Returns one level's experts: {@code (shared)/0 … (shared)/(S−1)}, then {@code task/0 … task/(T−1)} per task. */
    @Override
    public ImmutableList<String> expertNames() {
        return expertNames;
    }

    /**
     * Returns the parameters more than one task's loss reaches, level by level: the shared experts; below the last
     * level the task experts and the shared gate (the shared gate feeds them to every task); below the last two
     * levels the task gates (they feed task experts that the next shared gate mixes).
     */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        int levels = levelCount();
        for (int l = 0; l < levels; l++) {
            for (Block e : sharedExperts.get(l)) {
                Layers.addTrainable(e, shared);
            }
            if (l < levels - 1) {
                for (List<Block> own : taskExperts.get(l)) {
                    for (Block e : own) {
                        Layers.addTrainable(e, shared);
                    }
                }
                Layers.addTrainable(sharedGates.get(l), shared);
            }
            if (l < levels - 2) {
                for (Block g : taskGates.get(l)) {
                    Layers.addTrainable(g, shared);
                }
            }
        }
        return shared;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] in = new Shape[] {inputShapes[0]};
        for (int l = 0; l < levelCount(); l++) {
            for (Block e : sharedExperts.get(l)) {
                e.initialize(manager, dataType, in);
            }
            for (List<Block> own : taskExperts.get(l)) {
                for (Block e : own) {
                    e.initialize(manager, dataType, in);
                }
            }
            for (Block g : taskGates.get(l)) {
                g.initialize(manager, dataType, in);
            }
            if (l < sharedGates.size()) {
                sharedGates.get(l).initialize(manager, dataType, in);
            }
            Shape[] out = sharedExperts.get(l).get(0).getOutputShapes(in);
            checkState(out[0].get(1) == channels.get(l), "encoder stage %s gives %s channels but declares %s", l,
                    out[0].get(1), channels.get(l));
            in = out;
        }
        for (Block h : heads) {
            h.initialize(manager, dataType, in);
        }
    }
}
