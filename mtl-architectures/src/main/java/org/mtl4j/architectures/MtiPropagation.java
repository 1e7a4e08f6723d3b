package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * MTI-Net's feature propagation module (FPM) at one scale: it turns the K task features {@code F_k} ({@code C}
 * channels each) into the features it hands to the next higher resolution.
 *
 * <p>{@code X = [F_1 ; … ; F_K]}; {@code M = softmax_tasks(f(X))}, with {@code f} a basic residual block to
 * {@code ⌈KC/4⌉} channels followed by a 1×1 convolution back to {@code KC}, the softmax taken across the K tasks'
 * copies of every channel; {@code S = g(M ⊙ X)}, with {@code g} a basic residual block to {@code C} channels (the
 * dimensionality reduction); {@code P_k = SE_k(S) + F_k}, with {@code SE_k} a per-task squeeze-and-excitation
 * ({@code x ⊙ σ(W_2 ReLU(W_1 mean_{hw}(x)))}, reduction 16 as the reference but with at least 4 hidden units, or
 * {@code C} when fewer: with mtl4j's narrow encoders a single hidden unit, as {@code C/16} would give, is often dead).
 *
 * <p>Differences from the reference ({@code models/mti_net.py}): its {@code f} has two residual blocks (here one);
 * and it views the concatenated features as {@code (B, C, K, H, W)}, which groups K consecutive channels of the
 * concatenation (mostly one task's) for the softmax, where here the softmax runs across the tasks as the paper
 * describes. With one task the attention is the constant 1 and is left out.
 */
final class MtiPropagation extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int tasks;
    private final int channels;
    private final boolean image;
    private final Block nonLinear;
    private final Block reduction;
    private final List<Block> excitation = new ArrayList<>();

    MtiPropagation(int tasks, int channels, boolean image, List<String> names) {
        super(VERSION);
        this.tasks = tasks;
        this.channels = channels;
        this.image = image;
        int shared = tasks * channels;
        int hidden = Math.max(1, shared / 4);
        nonLinear = tasks == 1 ? null : addChildBlock("attention", new SequentialBlock()
                .add(new BasicResidualBlock(image, shared, hidden)).add(Layers.projection(image, shared, 1, 1, true)));
        reduction = addChildBlock("reduction", new BasicResidualBlock(image, shared, channels));
        int squeeze = Math.min(channels, Math.max(4, channels / 16));
        for (String name : names) {
            excitation.add(addChildBlock("excitation_" + name, new SequentialBlock()
                    .add(Linear.builder().setUnits(squeeze).build()).add(Activation::relu)
                    .add(Linear.builder().setUnits(channels).build()).add(Activation::sigmoid)));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkArgument(inputs.size() == tasks, "the propagation module takes %s task features, got %s", tasks,
                inputs.size());
        NDArray x = tasks == 1 ? inputs.head() : NDArrays.concat(inputs, 1);
        if (nonLinear != null) {
            Shape s = x.getShape();
            long[] split = new long[s.dimension() + 1];
            split[0] = s.get(0);
            split[1] = tasks;
            split[2] = channels;
            for (int i = 2; i < s.dimension(); i++) {
                split[i + 1] = s.get(i);
            }
            Shape perTask = new Shape(split);
            NDArray mask = nonLinear.forward(ps, new NDList(x), training, params).singletonOrThrow()
                    .reshape(perTask).softmax(1);
            x = mask.mul(x.reshape(perTask)).reshape(s);
        }
        NDArray shared = reduction.forward(ps, new NDList(x), training, params).singletonOrThrow();
        // the PyTorch engine averages over one axis at a time
        NDArray pooled = image ? shared.mean(new int[] {3}).mean(new int[] {2}) : shared;
        NDList out = new NDList(tasks);
        for (int k = 0; k < tasks; k++) {
            NDArray gate = excitation.get(k).forward(ps, new NDList(pooled), training, params).singletonOrThrow();
            if (image) {
                gate = gate.reshape(gate.getShape().get(0), channels, 1, 1);
            }
            out.add(shared.mul(gate).add(inputs.get(k)));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long[] dims = inputShapes[0].getShape().clone();
        dims[1] = (long) tasks * channels;
        Shape concat = new Shape(dims);
        if (nonLinear != null) {
            nonLinear.initialize(manager, dataType, concat);
        }
        reduction.initialize(manager, dataType, concat);
        Shape pooled = new Shape(dims[0], channels);
        for (Block e : excitation) {
            e.initialize(manager, dataType, pooled);
        }
    }
}
