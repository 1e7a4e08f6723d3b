package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
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
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Learning to Branch, LTB (Guo, Lee and Ulbricht, ICML 2020, "Learning to Branch for Multi-Task Learning"): a tree of
 * encoder stages whose branching is learnt. Every encoder stage has K nodes (copies of the stage), and every node
 * chooses its parent among the nodes of the stage before; every task head chooses its parent among the last stage's
 * nodes. Nodes chosen by several children are shared by them; the tasks split where their paths part.
 *
 * <p>With {@code o_i^j} the output of node {@code i} at stage {@code j} ({@code o^{−1} = x} for every node of stage
 * 0), decision {@code d} holds logits {@code θ^d ∈ R^{K×K}} and node {@code k} of stage {@code d+1} (or, for
 * {@code d = S−1}, head {@code k}) reads {@code Σ_i w_{k,i}^d o_i^d}. While searching, a training pass draws
 * {@code w_k^d = onehot(argmax_i(θ_{k,i}^d + g_{k,i})) − sg(y_k) + y_k} with {@code y_k = softmax((θ_k^d + g_k)/τ)}
 * and Gumbel noise {@code g = −log(−log u)}: the straight-through hard Gumbel-softmax of LibMTL's
 * {@code LTB.py}, whose forward pass routes each node through one sampled parent and whose backward pass reaches the
 * logits through {@code y}. Inference passes, and every pass once the tree is fixed, route through the argmax parents
 * ({@link #parents()}; ties go to the node's own index, so the untrained tree, with all logits equal, is K
 * independent columns) and compute only the nodes on the tree.
 *
 * <p>The block sees forward passes, not epochs. It counts its training forwards {@code t}; the noise of forward
 * {@code t} comes from a {@link java.util.SplittableRandom} seeded with the block's seed (the engine's random seed when the
 * block was made: {@code MultiTask.builder()} sets it from the run's seed) and {@code t}, so the same seed gives the
 * same draws, bit for bit. It counts an epoch boundary whenever a training forward finds the engine reseeded since
 * the previous one ({@code MultiTaskTrainer} reseeds the engine with {@code seed + epoch} at the start of every
 * epoch), and takes the length {@code L} of an epoch from the forwards before the first boundary. The temperature
 * is {@code τ_t = τ_0/√(1 + t/L)} ({@code τ_0} before {@code L} is known), which is LibMTL's
 * {@code τ_0/√(epoch + 1)} at the start of every epoch (LibMTL's {@code τ_0} is {@code epochs/20}); with
 * {@code search = E > 0} the first training forward of epoch {@code E} fixes the tree to the argmax parents
 * ({@link #fixTree()} does it at any time, for loops that do not reseed the engine), and training goes on with the
 * fixed tree, which neither samples nor moves the logits. The counters, the seed and the fixed tree are saved with
 * the parameters, so a run resumed from a checkpoint draws what the uninterrupted run drew.
 *
 * <p>Differences from LibMTL's {@code LTB.py}: LibMTL uses K nodes per ResNet layer too, but its heads always read
 * node {@code k} of the last layer, where here (as in the paper, whose leaves are the task heads) they choose; LibMTL
 * warms up for {@code epochs/100} epochs with all parents summed, here the search samples from the first step;
 * LibMTL samples in evaluation too, here evaluation uses the argmax tree; LibMTL never fixes the tree, the paper
 * fixes it and trains the found architecture from scratch, here training goes on with the fixed tree and its
 * weights.
 *
 * <p>Use it to find where tasks should branch instead of choosing by hand; it costs K encoders while searching (the
 * fixed tree computes only its own nodes). It needs an encoder with stages ({@link StagedEncoderFactory}:
 * {@link Encoders#resNet(int)} has 2, {@link Encoders#mlp(int...)} one per layer). The heads read different nodes, so
 * there is no single shared representation and representation-mode gradient strategies are rejected; in parameter
 * mode the shared parameters are all nodes and the branching logits.
 */
public final class LearningToBranchBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final int k;
    /** nodes.get(j).get(i): node i of stage j. */
    private final List<List<Block>> nodes = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    /** θ, shape (S, K, K): θ[d][k][i] is the logit of child k of decision d choosing parent i. */
    private final Parameter logits;
    private final BranchingSchedule schedule;

    LearningToBranchBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth,
            int searchEpochs, double tau) {
        super(VERSION);
        checkArgument(searchEpochs >= 0, "the LTB search must last 0 (never fix) or more epochs, got %s",
                searchEpochs);
        checkArgument(tau > 0 && Double.isFinite(tau), "the LTB temperature must be positive, got %s", tau);
        boolean image = Stages.imageInput("LTB", inputShape);
        checkArgument(encoderFactory instanceof StagedEncoderFactory,
                "LTB branches between encoder stages and needs an encoder with stages (resnet, mlp); encoder %s has "
                        + "none", encoderFactory.describe());
        this.tasks = tasks;
        this.k = tasks.size();
        StagedEncoderFactory staged = Stages.of(encoderFactory);
        int stageCount = staged.stageCount();
        logits = addParameter(Parameter.builder().setName("branch_logits").setType(Parameter.Type.OTHER)
                .optShape(new Shape(stageCount, k, k))
                .optInitializer((manager, shape, dataType) -> manager.ones(shape, dataType)).build());
        for (int j = 0; j < stageCount; j++) {
            List<Block> stage = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                stage.add(addChildBlock("node" + i + "_stage" + j, new SequentialBlock()
                        .add(staged.createStageFront(j)).add(staged.createStageBack(j))));
            }
            nodes.add(stage);
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
        Integer s = Engine.getInstance().getSeed();
        schedule = new BranchingSchedule(stageCount, k, tau, searchEpochs, s == null ? 0 : s);
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of encoder stages S, each with K nodes */
    public int stageCount() {
        return nodes.size();
    }

    /** package-private for tests: node i of stage j. */
    Block node(int stage, int i) {
        return nodes.get(stage).get(i);
    }

    /** @return the branching logits θ, shape {@code (S, K, K)} */
    public Parameter branchLogits() {
        return logits;
    }

    /**
     * Returns the tree: the fixed one once fixed, the argmax parents of the current logits before.
     *
     * @return {@code parents[d][k]}: for {@code d < S−1}, the node of stage {@code d} that node {@code k} of stage
     *     {@code d+1} reads; for {@code d = S−1}, the node of the last stage that head {@code k} reads
     */
    public int[][] parents() {
        return copy(tree());
    }

    /**
     * Returns the parents the last searching training forward sampled.
     *
     * @return {@code parents[d][k]} as in {@link #parents()}, or null before the first searching forward
     */
    public int[][] lastSampledParents() {
        return schedule.lastSampled() == null ? null : copy(schedule.lastSampled());
    }

    /** @return whether the tree is fixed (by {@link #fixTree()} or at the end of the search) */
    public boolean isFixed() {
        return schedule.fixed() != null;
    }

    /** @return the number of training forwards before the tree was fixed, or −1 while searching */
    public long fixedAtForward() {
        return schedule.fixedAt();
    }

    /** @return the training forwards seen so far */
    public long trainingForwards() {
        return schedule.forwards();
    }

    /** @return the epoch boundaries seen so far (engine reseeds between training forwards) */
    public int epochsSeen() {
        return schedule.epochs();
    }

    /** @return the temperature of the next searching forward */
    public double temperature() {
        return schedule.temperature();
    }

    /** @return the number of epochs of the search, 0 when the tree is never fixed automatically */
    public int searchEpochs() {
        return schedule.searchEpochs();
    }

    /**
     * Fixes the tree to the argmax parents of the current logits (ties to the node's own index); from now on every
     * forward pass routes through it and computes only its nodes. Does nothing when the tree is already fixed.
     */
    public void fixTree() {
        schedule.fix(this::logitValues);
    }

    private double[] logitValues() {
        NDArray a = logits.getArray();
        if (a.getDataType() == DataType.FLOAT64) {
            return a.toDoubleArray();
        }
        float[] f = a.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** The fixed tree once fixed (not a copy), the argmax parents of the current logits before. */
    private int[][] tree() {
        return isFixed() ? schedule.fixed() : schedule.argmax(logitValues(), null);
    }

    /**
     * The parents a searching training forward with a given index draws from the current logits.
     *
     * @param forward the index of the training forward
     * @return {@code parents[d][k]} as in {@link #parents()}
     */
    int[][] sampledParents(long forward) {
        return schedule.argmax(logitValues(), schedule.gumbel(forward));
    }

    /**
     * Returns the K head inputs: the last-stage node that each head reads (searching: the straight-through mixture of
     * the last stage's nodes).
     */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        long forward = training ? schedule.observeTrainingForward(this::logitValues) : -1;
        if (training && !isFixed()) {
            return search(ps, inputs, forward, params);
        }
        return route(ps, inputs, tree(), training, params);
    }

    private NDList search(ParameterStore ps, NDList inputs, long forward, PairList<String, Object> params) {
        NDArray x = inputs.head();
        NDManager manager = x.getManager();
        int s = nodes.size();
        double[] theta = logitValues();
        double[] g = schedule.gumbel(forward);
        int[][] hard = schedule.sample(theta, g);
        float[] noise = new float[g.length];
        float[] onehot = new float[g.length];
        for (int d = 0; d < s; d++) {
            for (int c = 0; c < k; c++) {
                onehot[(d * k + c) * k + hard[d][c]] = 1;
            }
        }
        for (int i = 0; i < g.length; i++) {
            noise[i] = (float) g[i];
        }
        Shape shape = new Shape(s, k, k);
        NDArray theta0 = ps.getValue(logits, x.getDevice(), true);
        DataType type = theta0.getDataType();
        NDArray soft = EngineArrays.create(manager, noise, shape).toType(type, false).add(theta0)
                .mul(EngineArrays.scalar(manager, (float) (1 / schedule.temperature(forward)))).softmax(2);
        NDArray w = EngineArrays.create(manager, onehot, shape).toType(type, false).sub(soft.stopGradient())
                .add(soft); // forward: the one-hot draw; backward: the soft sample's gradient
        NDList outs = null;
        for (int j = 0; j < s; j++) {
            NDList mixed = j == 0 ? null : mix(outs, w.get(j - 1));
            NDList next = new NDList(k);
            for (int i = 0; i < k; i++) {
                NDList in = j == 0 ? inputs : new NDList(mixed.get(i));
                next.add(nodes.get(j).get(i).forward(ps, in, true, params).singletonOrThrow());
            }
            outs = next;
        }
        return mix(outs, w.get(s - 1));
    }

    /** {@code out_c = Σ_i w[c][i] · o_i} for every child c. */
    private NDList mix(NDList parents, NDArray w) {
        NDArray o = NDArrays.stack(parents); // (K, N, ...)
        long[] dims = new long[o.getShape().dimension() + 1];
        Arrays.fill(dims, 1);
        dims[0] = k;
        dims[1] = k;
        NDArray mixed = o.expandDims(0).mul(w.reshape(new Shape(dims))).sum(new int[] {1}); // (K, N, ...)
        NDList out = new NDList(k);
        for (int c = 0; c < k; c++) {
            out.add(mixed.get(c));
        }
        return out;
    }

    private NDList route(ParameterStore ps, NDList inputs, int[][] tree, boolean training,
            PairList<String, Object> params) {
        int s = nodes.size();
        boolean[][] needed = new boolean[s][k];
        for (int c = 0; c < k; c++) {
            needed[s - 1][tree[s - 1][c]] = true;
        }
        for (int j = s - 1; j >= 1; j--) {
            for (int i = 0; i < k; i++) {
                if (needed[j][i]) {
                    needed[j - 1][tree[j - 1][i]] = true;
                }
            }
        }
        NDArray[] outs = null;
        for (int j = 0; j < s; j++) {
            NDArray[] next = new NDArray[k];
            for (int i = 0; i < k; i++) {
                if (needed[j][i]) {
                    NDList in = j == 0 ? inputs : new NDList(outs[tree[j - 1][i]]);
                    next[i] = nodes.get(j).get(i).forward(ps, in, training, params).singletonOrThrow();
                }
            }
            outs = next;
        }
        NDList out = new NDList(k);
        for (int c = 0; c < k; c++) {
            out.add(outs[tree[s - 1][c]]);
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return Layers.perTaskHeads(ps, heads, tasks, representation, inputs.head(), training, params);
    }

    /** Returns the trainable parameters of all nodes and the branching logits. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        shared.add(logits);
        for (List<Block> stage : nodes) {
            for (Block node : stage) {
                Layers.addTrainable(node, shared);
            }
        }
        return shared;
    }

    @Override
    public boolean hasSharedRepresentation() {
        return false;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[k];
        for (int c = 0; c < k; c++) {
            out[c] = Layers.predictionShape(tasks.get(c), inputShapes[0]);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (List<Block> stage : nodes) {
            for (Block node : stage) {
                node.initialize(manager, dataType, shapes);
            }
            shapes = stage.get(0).getOutputShapes(shapes);
        }
        for (Block head : heads) {
            head.initialize(manager, dataType, shapes);
        }
    }

    /** Saves the input shapes, then the seed, the counters and the fixed tree. */
    @Override
    protected void saveMetadata(DataOutputStream os) throws IOException {
        super.saveMetadata(os);
        schedule.save(os);
    }

    @Override
    protected void loadMetadata(byte loadVersion, DataInputStream is) throws IOException, MalformedModelException {
        if (loadVersion != VERSION) {
            throw new MalformedModelException("Cannot load parameters for " + getClass().getCanonicalName()
                    + ", expected version " + VERSION + ", got " + loadVersion + ".");
        }
        readInputShapes(is);
        schedule.load(is);
    }

    /** Describes the search state and the tree, e.g. {@code LTB[searching, forward 12, epoch 1, τ=3.54, …]}. */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("LTB[");
        b.append(isFixed() ? "fixed at forward " + fixedAtForward() : "searching").append(", forward ")
                .append(trainingForwards()).append(", epoch ").append(epochsSeen());
        if (!isFixed()) {
            b.append(String.format(java.util.Locale.ROOT, ", tau=%.4g", temperature()));
        }
        int[][] tree = logits.isInitialized() ? parents() : null;
        if (tree == null) {
            b.append(", uninitialised");
        } else {
            for (int d = 0; d < tree.length; d++) {
                b.append(d < tree.length - 1 ? ", stage " + (d + 1) + " parents " : ", head parents ")
                        .append(Arrays.toString(tree[d]));
            }
        }
        return b.append(']').toString();
    }

    private static int[][] copy(int[][] a) {
        int[][] out = new int[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }
}
