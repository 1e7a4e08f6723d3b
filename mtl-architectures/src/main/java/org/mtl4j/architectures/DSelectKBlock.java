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
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableDoubleArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.GatedExperts;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * DSelect-k (Hazimeh, Zhao, Chowdhery, Sathiamoorthy, Chen, Mazumder, Hong and Chi, NeurIPS 2021, "DSelect-k:
 * Differentiable Selection in the Mixture of Experts with Applications to Multi-Task Learning"): E expert encoders
 * shared by all tasks, mixed per task by a gate that selects at most k of them, sparse and yet differentiable.
 *
 * <p>Each task's gate has k single-expert selectors. Selector {@code i} reads {@code m = ⌈log₂ E⌉} logits
 * {@code z_i(x) ∈ R^m} and gives expert {@code e} (binary code {@code c(e) ∈ {0,1}^m}, most significant bit first)
 * the weight {@code r_i(x)_e = Π_j S(z_{ij})^{c_j(e)} (1 − S(z_{ij}))^{1−c_j(e)}}, with the smooth-step function
 * {@code S(t) = 0} for {@code t ≤ −γ/2}, {@code 1} for {@code t ≥ γ/2} and {@code −2t³/γ³ + 3t/(2γ) + 1/2} between;
 * the gate is {@code g_k(x) = Σ_i softmax(w(x))_i · r_i(x)} and {@code f_k(x) = Σ_e g_k(x)_e · E_e(x)},
 * {@code ŷ_k = H_k(f_k(x))}. Because S reaches exactly 0 and 1, a selector whose logits have all left
 * {@code (−γ/2, γ/2)} puts all its weight on one expert, and once every selector has, at most k experts get a
 * non-zero weight. The logits {@code z(x)} and {@code w(x)} are linear in the flattened raw input (example-conditioned
 * gating, as in LibMTL's {@code DSelect_k}), initialised uniformly in {@code ±γ/100} and {@code ±0.05} as in the
 * authors' implementation (google-research {@code dselect_k_moe}). In training, the block's {@link #regularization}
 * adds, for every task's gate, the entropy penalty {@code −λ Σ r log(r + 10⁻⁶)} that speeds up the selectors'
 * convergence to single experts (λ = 0 turns it off; LibMTL uses 10⁻⁶) and, when E is not a power of two, the
 * authors' {@code Σ 1/Σ_e r_e} that keeps the selectors off the unused binary codes (LibMTL applies both to the last
 * task's gate only). LibMTL's reference runs use E = 2, k = 2 and γ = 1, the defaults here.
 *
 * <p>Use it where MMoE's dense softmax gates mix every expert into every task and you want each task to rely on few
 * experts (sparser, more interpretable sharing): recommendation and tabular problems ({@link Encoders#mlp(int...)})
 * as in the paper, and images ({@link Encoders#resNet(int)}). Every expert still runs on every input. The shared
 * representation is the list of the E expert outputs and the shared parameters are the experts', as in MMoE, so
 * every gradient mode works. Training passes record each gate's mean weights ({@link #drainGateUsage()}); with E not a
 * power of two a gate's weights may sum to less than 1 until the selectors settle.
 */
public final class DSelectKBlock extends MultiTaskBlock implements GatedExperts {

    private static final byte VERSION = 1;
    /** The constant inside the entropy's logarithm, as in the authors' implementation. */
    private static final float EPSILON = 1e-6f;

    private final ImmutableList<Task> tasks;
    private final List<Block> experts = new ArrayList<>();
    private final List<Block> selectorLogits = new ArrayList<>();
    private final List<Block> selectorWeightLogits = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final int nonzeros;
    private final float gamma;
    private final float entropy;
    private final GateUsage usage;
    /** The gates' input of the last training pass, from which {@link #regularization} recomputes the selectors. */
    private NDArray lastGateInput;

    DSelectKBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int expertCount,
            int nonzeros, double gamma, double entropy, int headWidth) {
        super(VERSION);
        checkArgument(expertCount >= 2, "DSelect-k needs at least two experts, got %s", expertCount);
        checkArgument(nonzeros >= 1 && nonzeros <= expertCount,
                "DSelect-k selects between 1 and %s experts (the expert count), got k = %s", expertCount, nonzeros);
        checkArgument(gamma > 0 && Double.isFinite(gamma), "DSelect-k's gamma must be positive, got %s", gamma);
        checkArgument(entropy >= 0 && Double.isFinite(entropy),
                "DSelect-k's entropy strength must be finite and non-negative, got %s", entropy);
        boolean image = Stages.imageInput("DSelect-k", inputShape);
        this.tasks = tasks;
        this.nonzeros = nonzeros;
        this.gamma = (float) gamma;
        this.entropy = (float) entropy;
        int m = binaryDigits(expertCount);
        for (int e = 0; e < expertCount; e++) {
            experts.add(addChildBlock("expert" + e, encoderFactory.create()));
        }
        for (Task t : tasks) {
            selectorLogits.add(addChildBlock("z_" + t.name(), logits(nonzeros * m, this.gamma / 100f)));
            selectorWeightLogits.add(addChildBlock("w_" + t.name(), logits(nonzeros, 0.05f)));
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
        this.usage = new GateUsage(expertCount);
    }

    /** {@code flatten → Linear(units)} with weights and biases uniform in {@code ±scale}. */
    private static Block logits(int units, float scale) {
        Linear linear = Linear.builder().setUnits(units).build();
        UniformInitializer init = new UniformInitializer(scale);
        linear.setInitializer(init, Parameter.Type.WEIGHT);
        linear.setInitializer(init, Parameter.Type.BIAS);
        return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear);
    }

    /**
     * The number of binary digits that encode an expert index.
     *
     * @param experts the expert count E, at least 2
     * @return {@code ⌈log₂ E⌉}
     */
    static int binaryDigits(int experts) {
        return 32 - Integer.numberOfLeadingZeros(experts - 1);
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of experts E */
    public int expertCount() {
        return experts.size();
    }

    /** @return the number of single-expert selectors k of every gate */
    public int nonzeros() {
        return nonzeros;
    }

    /** @return the gates' trainable parameters, task by task: the selector logits' then the selector weights' */
    public List<Parameter> gateParameters() {
        List<Parameter> out = new ArrayList<>();
        for (int k = 0; k < tasks.size(); k++) {
            Layers.addTrainable(selectorLogits.get(k), out);
            Layers.addTrainable(selectorWeightLogits.get(k), out);
        }
        return out;
    }

    /** The block that computes task k's selector logits {@code z(x)} (for tests). */
    Block selectorLogitsBlock(int task) {
        return selectorLogits.get(task);
    }

    /** The block that computes task k's selector-weight logits {@code w(x)} (for tests). */
    Block selectorWeightLogitsBlock(int task) {
        return selectorWeightLogits.get(task);
    }

    /**
     * The smooth-step function, element-wise: {@code 0} for {@code t ≤ −γ/2}, {@code 1} for {@code t ≥ γ/2},
     * {@code −2t³/γ³ + 3t/(2γ) + 1/2} between.
     *
     * @param t the arguments
     * @param gamma the width {@code γ > 0} of the polynomial region
     * @return {@code S(t)}, same shape
     */
    static NDArray smoothStep(NDArray t, float gamma) {
        NDArray cubic = t.mul(t).mul(t).mul(constant(t, -2f / (gamma * gamma * gamma)));
        NDArray poly = cubic.add(t.mul(constant(t, 3f / (2f * gamma)))).add(constant(t, 0.5f));
        NDArray upper = NDArrays.where(t.gte(constant(t, gamma / 2f)), t.onesLike(), poly);
        return NDArrays.where(t.lte(constant(t, -gamma / 2f)), t.zerosLike(), upper);
    }

    /**
     * The single-expert selectors of every sample: {@code r_i(x)_e = Π_j S(z_ij)^{c_j(e)} (1 − S(z_ij))^{1−c_j(e)}}.
     *
     * @param logits the selector logits {@code z}, shape {@code (N, k·m)}, selector by selector
     * @param nonzeros the number of selectors k
     * @param experts the expert count E
     * @param gamma the smooth-step width
     * @return the selectors, shape {@code (N, k, E)}
     */
    static NDArray selectors(NDArray logits, int nonzeros, int experts, float gamma) {
        int m = binaryDigits(experts);
        long n = logits.getShape().get(0);
        NDArray s = smoothStep(logits.reshape(new Shape(n, nonzeros, 1, m)), gamma); // (N, k, 1, m)
        // c·S + (1 − c)·(1 − S) = (1 − c) + (2c − 1)·S, exact for c ∈ {0, 1}
        float[] offset = new float[experts * m];
        float[] slope = new float[experts * m];
        for (int e = 0; e < experts; e++) {
            for (int j = 0; j < m; j++) {
                int c = (e >> (m - 1 - j)) & 1;
                offset[e * m + j] = 1 - c;
                slope[e * m + j] = 2 * c - 1;
            }
        }
        NDManager manager = logits.getManager();
        Shape codes = new Shape(1, 1, experts, m);
        NDArray a = like(EngineArrays.create(manager, offset, codes), logits);
        NDArray b = like(EngineArrays.create(manager, slope, codes), logits);
        return a.add(b.mul(s)).prod(new int[] {3});
    }

    /**
     * Computes the gate of one task from its logits.
     *
     * @param selectorLogits the selector logits {@code z(x)}, {@code (N, k·m)}
     * @param weightLogits the selector-weight logits {@code w(x)}, {@code (N, k)}
     * @param experts the expert count E
     * @param gamma the smooth-step width
     * @return the expert weights {@code Σ_i softmax(w)_i r_i}, {@code (N, E)}
     */
    static NDArray expertWeights(NDArray selectorLogits, NDArray weightLogits, int experts, float gamma) {
        int k = (int) weightLogits.getShape().get(1);
        NDArray r = selectors(selectorLogits, k, experts, gamma); // (N, k, E)
        return weightLogits.softmax(1).expandDims(2).mul(r).sum(new int[] {1});
    }

    /**
     * Computes the gate of one task.
     *
     * @param ps the parameter store
     * @param inputs the inputs
     * @param task the task index
     * @param training whether this is a training pass
     * @return the expert weights, shape {@code (N, E)}, non-negative, summing to 1 when E is a power of two
     */
    public NDArray gate(ParameterStore ps, NDList inputs, int task, boolean training) {
        NDList x = new NDList(inputs.head());
        NDArray z = selectorLogits.get(task).forward(ps, x, training).singletonOrThrow();
        NDArray w = selectorWeightLogits.get(task).forward(ps, x, training).singletonOrThrow();
        return expertWeights(z, w, experts.size(), gamma);
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
        checkArgument(representation.size() == experts.size(), "DSelect-k expects %s expert outputs, got %s",
                experts.size(), representation.size());
        NDArray stacked = NDArrays.stack(representation);
        if (training) {
            usage.discardPending();
        }
        NDList out = new NDList(tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            NDArray g = gate(ps, inputs, k, training);
            if (training) {
                usage.add(tasks.get(k).name(), g, GateUsage.range(0, experts.size()));
            }
            NDArray mixed = MmoeBlock.mix(stacked, g);
            NDArray y = heads.get(k).forward(ps, new NDList(mixed), training, params).singletonOrThrow();
            out.add(Layers.toInputResolution(tasks.get(k), y, inputs.head()));
        }
        if (training) {
            usage.flush();
            lastGateInput = inputs.head();
        }
        return out;
    }

    /**
     * Task k's features before its head: its gate's mixture of the experts.
     *
     * @param ps the parameter store
     * @param representation the output of {@link #encode}
     * @param inputs the inputs
     * @param task the task index
     * @return {@code f_k(x)}, shaped like one expert's output
     */
    public NDArray taskFeatures(ParameterStore ps, NDList representation, NDList inputs, int task) {
        return MmoeBlock.mix(NDArrays.stack(representation), gate(ps, inputs, task, false));
    }

    /**
     * The selectors' penalty for the last training pass, summed over the task gates: the entropy term
     * {@code −λ Σ r log(r + 10⁻⁶)} when λ &gt; 0, plus {@code Σ 1/Σ_e r_e} when E is not a power of two. The selectors
     * are recomputed from the gates' parameters and the pass's input, so that the penalty's graph does not share
     * nodes with the task losses' (which the per-task backward passes of the gradient modes free).
     *
     * @return the penalty, a scalar, or empty outside training, before any training pass, or when it is 0
     */
    @Override
    public Optional<NDArray> regularization(ParameterStore ps, boolean training) {
        NDArray x = lastGateInput;
        lastGateInput = null;
        boolean powerOfTwo = Integer.bitCount(experts.size()) == 1;
        if (!training || x == null || (entropy == 0 && powerOfTwo)) {
            return Optional.empty();
        }
        NDArray total = null;
        for (int k = 0; k < tasks.size(); k++) {
            NDArray z = selectorLogits.get(k).forward(ps, new NDList(x), true).singletonOrThrow();
            NDArray r = selectors(z, nonzeros, experts.size(), gamma); // (N, k, E)
            if (entropy > 0) {
                NDArray plogp = r.mul(r.add(constant(r, EPSILON)).log()).sum();
                NDArray term = plogp.mul(constant(r, -entropy));
                total = total == null ? term : total.add(term);
            }
            if (!powerOfTwo) {
                NDArray term = constant(r, 1f).div(r.sum(new int[] {2})).sum();
                total = total == null ? term : total.add(term);
            }
        }
        return Optional.ofNullable(total);
    }

    /** Per task, the mean weight of every expert over the training passes since the last call. */
    @Override
    public ImmutableMap<String, ImmutableDoubleArray> drainGateUsage() {
        return usage.drain();
    }

    /** Returns {@code (shared)/0 … (shared)/(E−1)}: every expert is shared. */
    @Override
    public ImmutableList<String> expertNames() {
        return GateUsage.sharedNames(experts.size());
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
        for (int k = 0; k < tasks.size(); k++) {
            selectorLogits.get(k).initialize(manager, dataType, inputShapes);
            selectorWeightLogits.get(k).initialize(manager, dataType, inputShapes);
        }
        for (Block h : heads) {
            h.initialize(manager, dataType, z);
        }
    }

    /**
     * A scalar operand for {@code x}: owned by {@code x}'s manager, of its type, on its device (never DJL's scalar
     * overloads: see {@link EngineArrays#scalar}).
     */
    private static NDArray constant(NDArray x, float value) {
        return like(EngineArrays.scalar(x.getManager(), value), x);
    }

    /** {@code a} with the type and device of {@code x}; {@code a} itself is closed when it had to be converted. */
    private static NDArray like(NDArray a, NDArray x) {
        NDArray out = a;
        if (out.getDataType() != x.getDataType()) {
            out = out.toType(x.getDataType(), true);
        }
        if (!out.getDevice().equals(x.getDevice())) {
            NDArray moved = out.toDevice(x.getDevice(), true);
            if (out != a) {
                out.close();
            }
            out = moved;
        }
        if (out != a) {
            a.close();
        }
        return out;
    }
}
