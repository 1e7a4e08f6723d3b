package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
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
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * PAD-Net (Xu, Ouyang, Wang and Sebe, CVPR 2018, "PAD-Net: Multi-Tasks Guided Prediction-and-Distillation Network
 * for Simultaneous Depth Estimation and Scene Parsing"), with the paper's distillation module C (attention-guided
 * message passing): a decoder-focused design in which every task first makes an intermediate prediction, and the
 * tasks' intermediate features then exchange messages before the final predictions.
 *
 * <p>{@code z = E(x)}; intermediate features {@code F_k = ReLU(BN(conv3×3(z)))} with {@code D} channels and
 * intermediate predictions {@code ŷ_k^0 = conv1×1(F_k)}, deep-supervised by task {@code k}'s loss; distillation
 * {@code F_k^o = F_k + Σ_{l≠k} σ(W_g^k ⊗ F_k) ⊙ (W_{k,l} ⊗ F_l)}, where {@code W_g^k} (the attention of the
 * receiving task) and {@code W_{k,l}} (the message from task {@code l}) are 3×3 convolutions; final prediction
 * {@code ŷ_k = H_k(F_k^o)} with the usual task head, upsampled to the input size. Per-sample tasks pool the
 * intermediate features for their intermediate prediction; on vector features the convolutions are fully connected
 * layers.
 *
 * <p>The forward pass returns the K final predictions followed by the K intermediate ones
 * ({@link #deepSupervision()} maps extra output {@code K + k} to task {@code k}); evaluation reads only the final
 * ones. Use it when the tasks' outputs inform each other (depth edges and segmentation boundaries, normals and
 * depth): the distillation lets each task read the others' predictions at a cost of {@code K(K−1)} extra
 * convolutions at the encoder's resolution (with a single task there is nothing to distil and the module is
 * omitted). The shared representation is {@code z} and the shared parameters are
 * the encoder's, so every gradient mode works; the decoder's cross-task convolutions receive every task's gradient.
 */
public final class PadNetBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final Block encoder;
    private final List<Block> features = new ArrayList<>();
    private final List<Block> initialHeads = new ArrayList<>();
    private final List<Block> gates = new ArrayList<>();
    /** messages.get(k).get(l) = W_{k,l}, null on the diagonal. */
    private final List<List<Block>> messages = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();
    private final int channels;

    PadNetBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int channels,
            int headWidth) {
        super(VERSION);
        checkArgument(channels > 0, "PAD-Net distillation channels must be positive, got %s", channels);
        boolean image = Stages.imageInput("PAD-Net", inputShape);
        this.tasks = tasks;
        this.channels = channels;
        this.encoder = addChildBlock("encoder", encoderFactory.create());
        for (Task t : tasks) {
            if (!image && t.kind() == OutputKind.DENSE) {
                throw new IllegalArgumentException(String.format(
                        "task '%s' predicts a dense map, which needs an image encoder; the encoder gives vectors",
                        t.name()));
            }
            features.add(addChildBlock("initial_features_" + t.name(),
                    Layers.projectionNorm(image, channels, 3, 1).add(Activation::relu)));
            initialHeads.add(addChildBlock("initial_prediction_" + t.name(), initialHead(t, image)));
        }
        for (int k = 0; k < tasks.size() && tasks.size() > 1; k++) { // one task: nothing to distil
            gates.add(addChildBlock("attention_" + tasks.get(k).name(), new SequentialBlock()
                    .add(Layers.projection(image, channels, 3, 1, true)).add(Activation::sigmoid)));
            List<Block> row = new ArrayList<>();
            for (int l = 0; l < tasks.size(); l++) {
                row.add(l == k ? null : addChildBlock("message_" + tasks.get(k).name() + "_from_"
                        + tasks.get(l).name(), Layers.projection(image, channels, 3, 1, true)));
            }
            messages.add(row);
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

    /** @return the channels {@code D} of the intermediate features */
    public int distillationChannels() {
        return channels;
    }

    /** Every task supervises its intermediate prediction: {@code [0, 1, …, K−1]}. */
    @Override
    public ImmutableList<Integer> deepSupervision() {
        ImmutableList.Builder<Integer> b = ImmutableList.builder();
        for (int k = 0; k < tasks.size(); k++) {
            b.add(k);
        }
        return b.build();
    }

    /** @return the distillation module's trainable parameters (attention and message convolutions) */
    public List<Parameter> distillationParameters() {
        List<Parameter> out = new ArrayList<>();
        for (int k = 0; k < gates.size(); k++) {
            Layers.addTrainable(gates.get(k), out);
            for (Block m : messages.get(k)) {
                if (m != null) {
                    Layers.addTrainable(m, out);
                }
            }
        }
        return out;
    }

    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return encoder.forward(ps, inputs, training, params);
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        int k = tasks.size();
        NDArray input = inputs.head();
        NDList f = new NDList(k);
        NDList initial = new NDList(k);
        for (int t = 0; t < k; t++) {
            NDArray ft = features.get(t).forward(ps, representation, training, params).singletonOrThrow();
            f.add(ft);
            NDArray y0 = initialHeads.get(t).forward(ps, new NDList(ft), training, params).singletonOrThrow();
            initial.add(Layers.toInputResolution(tasks.get(t), y0, input));
        }
        NDList out = new NDList(2 * k);
        for (int t = 0; t < k; t++) {
            NDArray distilled = f.get(t);
            if (k > 1) {
                NDArray attention = gates.get(t).forward(ps, new NDList(f.get(t)), training, params)
                        .singletonOrThrow();
                NDArray sum = null;
                for (int l = 0; l < k; l++) {
                    if (l != t) {
                        NDArray m = messages.get(t).get(l).forward(ps, new NDList(f.get(l)), training, params)
                                .singletonOrThrow();
                        sum = sum == null ? m : sum.add(m);
                    }
                }
                distilled = distilled.add(attention.mul(sum));
            }
            NDArray y = heads.get(t).forward(ps, new NDList(distilled), training, params).singletonOrThrow();
            out.add(Layers.toInputResolution(tasks.get(t), y, input));
        }
        out.addAll(initial);
        return out;
    }

    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        Layers.addTrainable(encoder, shared);
        return shared;
    }

    /** Lists the K final prediction shapes, then the K intermediate ones (the same shapes). */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        int k = tasks.size();
        Shape[] out = new Shape[2 * k];
        for (int t = 0; t < k; t++) {
            out[t] = Layers.predictionShape(tasks.get(t), inputShapes[0]);
            out[k + t] = out[t];
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape[] z = encoder.getOutputShapes(inputShapes);
        Shape[] f = null;
        for (int t = 0; t < tasks.size(); t++) {
            features.get(t).initialize(manager, dataType, z);
            f = features.get(t).getOutputShapes(z);
            initialHeads.get(t).initialize(manager, dataType, f);
        }
        for (int t = 0; t < gates.size(); t++) {
            gates.get(t).initialize(manager, dataType, f);
            for (Block m : messages.get(t)) {
                if (m != null) {
                    m.initialize(manager, dataType, f);
                }
            }
        }
        for (Block head : heads) {
            head.initialize(manager, dataType, f);
        }
    }
}
