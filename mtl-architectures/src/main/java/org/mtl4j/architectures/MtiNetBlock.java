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
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * MTI-Net (Vandenhende, Georgoulis and Van Gool, ECCV 2020, "MTI-Net: Multi-Scale Task Interaction Networks for
 * Multi-Task Learning"): a decoder-focused design that makes initial task predictions at every scale of a shared
 * encoder, distils the tasks' information at every scale, propagates task features from the coarse scales to the
 * fine ones, and aggregates the scales in the final heads.
 *
 * <p>The scales are the stages of the encoder ({@link StagedEncoderFactory}): with stage outputs
 * {@code p_0 … p_{S−1}} (the small ResNet: {@code S = 2}, at 1/2 and 1/4 of the input resolution), from the coarsest
 * scale {@code s = S−1} to the finest {@code s = 0}:
 * <ul>
 *   <li>initial task prediction: {@code F_k^s = R_k^s([p_s ; up(P_k^{s+1})])} (only {@code p_{S−1}} at the coarsest
 *       scale), {@code R_k^s} a basic residual block to {@code C_s} channels, and {@code ŷ_k^s = conv1×1(F_k^s)},
 *       deep-supervised by task {@code k}'s loss;
 *   <li>feature propagation (for {@code s ≥ 1}): {@code P^s = FPM^s(F^s)}, see {@link MtiPropagation} (task
 *       attention across the concatenated task features, a shared dimensionality reduction and a per-task
 *       squeeze-and-excitation, added to {@code F_k^s}), upsampled bilinearly to scale {@code s−1};
 *   <li>multi-modal distillation: {@code D_t^s = F_t^s + Σ_{a≠t} (W_{t,a}^s ⊛ F_a^s) ⊙ σ(A_{t,a}^s ⊛ F_a^s)}, see
 *       {@link MtiDistillation};
 *   <li>aggregation: {@code ŷ_k = H_k([D_k^0 ; up(D_k^1) ; … ; up(D_k^{S−1})])} with the usual task head at the finest
 *       scale, upsampled to the input size.
 * </ul>
 * The forward pass returns the K final predictions followed by the initial ones, scale by scale from the finest:
 * extra output {@code K + s·K + k} is task {@code k}'s initial prediction at scale {@code s}, at the input
 * resolution ({@link #deepSupervision()} maps it to task {@code k}), as the reference's {@code MTINetLoss}
 * supervises every scale's initial predictions upsampled to the label size.
 *
 * <p>Sized for mtl4j's small encoders, it simplifies the reference ({@code models/mti_net.py}, on a 4-scale HRNet):
 * the scales are the encoder's stages; each refinement and the propagation's attention branch use one residual block
 * where the reference uses two; the final heads are mtl4j's task heads on the concatenated scales where the
 * reference's HRNet head applies {@code conv1×1 → BN → ReLU → conv1×1}; every task is also its own auxiliary task
 * (the reference can add auxiliary tasks that are only predicted at the initial stage); the propagation's
 * attention is a softmax across the tasks, as in the paper (see {@link MtiPropagation}). On vector features (an
 * {@link Encoders#mlp(int...) MLP} encoder) the convolutions are fully connected layers and there is no resampling;
 * per-sample tasks pool the features for their initial predictions.
 *
 * <p>Use it when the tasks' outputs inform each other (depth and segmentation boundaries, normals and depth) and
 * their interactions differ with the scale; it costs {@code K(K−1)} pairs of convolutions per scale on top of
 * PAD-Net's design. The shared representation is the list {@code [p_0, …, p_{S−1}]} of the shared encoder's stage
 * outputs, and the shared parameters are the encoder's, so every gradient mode works.
 */
public final class MtiNetBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final List<Block> stages = new ArrayList<>();
    private final List<Integer> channels = new ArrayList<>();
    /** refinements.get(s).get(k) = R_k^s. */
    private final List<List<Block>> refinements = new ArrayList<>();
    /** initialHeads.get(s).get(k): the initial prediction of task k at scale s. */
    private final List<List<Block>> initialHeads = new ArrayList<>();
    /** propagations.get(s - 1) = FPM^s, for s ≥ 1. */
    private final List<MtiPropagation> propagations = new ArrayList<>();
    /** distillations.get(s): scale s's distillation, absent with one task. */
    private final List<MtiDistillation> distillations = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final boolean image;

    MtiNetBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth) {
        super(VERSION);
        this.image = Stages.imageInput("MTI-Net", inputShape);
        checkArgument(encoderFactory instanceof StagedEncoderFactory,
                "MTI-Net predicts at the scales of the encoder's stages and needs an encoder with stages (resnet, "
                        + "mlp); encoder %s has none", encoderFactory.describe());
        this.tasks = tasks;
        for (Task t : tasks) {
            if (!image && t.kind() == OutputKind.DENSE) {
                throw new IllegalArgumentException(String.format(
                        "task '%s' predicts a dense map, which needs an image encoder; the encoder gives vectors",
                        t.name()));
            }
        }
        List<String> names = tasks.stream().map(Task::name).toList();
        StagedEncoderFactory staged = Stages.of(encoderFactory);
        int scales = staged.stageCount();
        for (int s = 0; s < scales; s++) {
            stages.add(addChildBlock("shared_stage" + s, new SequentialBlock().add(staged.createStageFront(s))
                    .add(staged.createStageBack(s))));
            channels.add(staged.stageChannels(s));
        }
        for (int s = 0; s < scales; s++) {
            int c = channels.get(s);
            int in = s == scales - 1 ? c : c + channels.get(s + 1);
            List<Block> r = new ArrayList<>();
            List<Block> h = new ArrayList<>();
            for (Task t : tasks) {
                r.add(addChildBlock("refinement_" + t.name() + "_scale" + s, new BasicResidualBlock(image, in, c)));
                h.add(addChildBlock("initial_prediction_" + t.name() + "_scale" + s, initialHead(t, image)));
            }
            refinements.add(r);
            initialHeads.add(h);
            if (s >= 1) {
                propagations.add(addChildBlock("propagation_scale" + s, new MtiPropagation(tasks.size(), c, image,
                        names)));
            }
            if (tasks.size() > 1) {
                distillations.add(addChildBlock("distillation_scale" + s, new MtiDistillation(tasks.size(), c, image,
                        names)));
            }
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    private static Block initialHead(Task t, boolean image) {
        if (t.kind() == OutputKind.DENSE) {
            return Layers.projection(true, t.channels(), 1, 1, true);
        }
        SequentialBlock b = new SequentialBlock();
        if (image) {
            b.add(Pool.globalAvgPool2dBlock());
        }
        return b.add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(t.channels()).build());
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of scales S (the encoder's stages) */
    public int scaleCount() {
        return stages.size();
    }

    /** Every task supervises its initial prediction at every scale: {@code [0, …, K−1]} repeated S times. */
    @Override
    public ImmutableList<Integer> deepSupervision() {
        ImmutableList.Builder<Integer> b = ImmutableList.builder();
        for (int s = 0; s < stages.size(); s++) {
            for (int k = 0; k < tasks.size(); k++) {
                b.add(k);
            }
        }
        return b.build();
    }

    /** @return the distillation modules' trainable parameters, all scales (empty with one task) */
    public List<Parameter> distillationParameters() {
        List<Parameter> out = new ArrayList<>();
        for (MtiDistillation d : distillations) {
            Layers.addTrainable(d, out);
        }
        return out;
    }

    /** @return the feature propagation modules' trainable parameters, all scales but the finest */
    public List<Parameter> propagationParameters() {
        List<Parameter> out = new ArrayList<>();
        for (MtiPropagation p : propagations) {
            Layers.addTrainable(p, out);
        }
        return out;
    }

    /** package-private for tests: scale s's distillation module. */
    MtiDistillation distillation(int scale) {
        return distillations.get(scale);
    }

    /** Returns {@code [p_0, …, p_{S−1}]}, the shared encoder's stage outputs. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(stages.size());
        NDList x = inputs;
        for (Block stage : stages) {
            x = stage.forward(ps, x, training, params);
            out.add(x.singletonOrThrow());
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        int scales = stages.size();
        int k = tasks.size();
        checkArgument(representation.size() == scales, "MTI-Net expects %s scales, got %s", scales,
                representation.size());
        NDArray input = inputs.head();
        NDList[] initial = new NDList[scales];
        NDList[] distilled = new NDList[scales];
        NDList propagated = null;
        for (int s = scales - 1; s >= 0; s--) {
            NDArray p = representation.get(s);
            NDList features = new NDList(k);
            initial[s] = new NDList(k);
            for (int t = 0; t < k; t++) {
                NDArray in = p;
                if (propagated != null) {
                    in = NDArrays.concat(new NDList(p, resize(propagated.get(t), p)), 1);
                }
                NDArray f = refinements.get(s).get(t).forward(ps, new NDList(in), training, params)
                        .singletonOrThrow();
                features.add(f);
                NDArray y0 = initialHeads.get(s).get(t).forward(ps, new NDList(f), training, params)
                        .singletonOrThrow();
                initial[s].add(Layers.toInputResolution(tasks.get(t), y0, input));
            }
            propagated = s >= 1 ? propagations.get(s - 1).forward(ps, features, training, params) : null;
            distilled[s] = k > 1 ? distillations.get(s).forward(ps, features, training, params) : features;
        }
        NDList out = new NDList(k + scales * k);
        NDArray finest = representation.get(0);
        for (int t = 0; t < k; t++) {
            NDList all = new NDList(scales);
            for (int s = 0; s < scales; s++) {
                all.add(resize(distilled[s].get(t), finest));
            }
            NDArray aggregated = scales == 1 ? all.head() : NDArrays.concat(all, 1);
            NDArray y = heads.get(t).forward(ps, new NDList(aggregated), training, params).singletonOrThrow();
            out.add(Layers.toInputResolution(tasks.get(t), y, input));
        }
        for (int s = 0; s < scales; s++) {
            out.addAll(initial[s]);
        }
        return out;
    }

    /** Brings a feature map to the resolution of another (bilinear); vectors stay as they are. */
    private NDArray resize(NDArray x, NDArray like) {
        if (!image) {
            return x;
        }
        Shape s = like.getShape();
        return TaskHeads.upsample(x, s.get(2), s.get(3));
    }

    /** Returns the trainable parameters of the shared encoder. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (Block stage : stages) {
            Layers.addTrainable(stage, shared);
        }
        return shared;
    }

    /** Lists the K final prediction shapes, then the S·K initial ones (the same shapes, scale by scale). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int k = tasks.size();
        Shape[] out = new Shape[k + stages.size() * k];
        for (int i = 0; i < out.length; i++) {
            out[i] = Layers.predictionShape(tasks.get(i % k), inputShapes[0]);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        int scales = stages.size();
        Shape[] p = new Shape[scales];
        Shape[] x = inputShapes;
        for (int s = 0; s < scales; s++) {
            stages.get(s).initialize(manager, dataType, x);
            x = stages.get(s).getOutputShapes(x);
            p[s] = x[0];
            checkState(p[s].get(1) == channels.get(s), "encoder stage %s gives %s channels but declares %s", s,
                    p[s].get(1), channels.get(s));
        }
        for (int s = 0; s < scales; s++) {
            Shape in = s == scales - 1 ? p[s] : withChannels(p[s], channels.get(s) + channels.get(s + 1));
            for (Block r : refinements.get(s)) {
                r.initialize(manager, dataType, in);
            }
            for (Block h : initialHeads.get(s)) {
                h.initialize(manager, dataType, p[s]);
            }
            Shape[] perTask = new Shape[tasks.size()];
            Arrays.fill(perTask, p[s]);
            if (s >= 1) {
                propagations.get(s - 1).initialize(manager, dataType, perTask);
            }
            if (!distillations.isEmpty()) {
                distillations.get(s).initialize(manager, dataType, perTask);
            }
        }
        int total = channels.stream().mapToInt(Integer::intValue).sum();
        Shape aggregated = withChannels(p[0], total);
        for (Block head : heads) {
            head.initialize(manager, dataType, aggregated);
        }
    }

    private static Shape withChannels(Shape s, long c) {
        long[] dims = s.getShape().clone();
        dims[1] = c;
        return new Shape(dims);
    }
}
