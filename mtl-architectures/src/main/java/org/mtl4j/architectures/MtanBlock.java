package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * Multi-Task Attention Network, MTAN (Liu, Johns and Davison, CVPR 2019, "End-to-End Multi-Task Learning with
 * Attention"): one shared encoder, and for every task and every encoder stage an attention module that learns a soft
 * mask over the shared features.
 *
 * <p>Stage {@code j} of the shared encoder gives its first features {@code u_j} and its output {@code p_j} (see
 * {@link StagedEncoderFactory}). Task {@code k}'s attended features are
 * {@code â_k^j = g_k^j([u_j ; f_j(â_k^{j−1})]) ⊙ p_j} (for {@code j = 0} the module reads {@code u_0} alone), with
 * the task-specific attention module {@code g_k^j = σ(BN(conv1×1(ReLU(BN(conv1×1(·))))))}, hidden width
 * {@code C_j/4}, and the shared feature extractor {@code f_j = ReLU(BN(conv3×3, stride s_j))} that brings
 * {@code â_k^{j−1}} to stage {@code j}'s resolution and channels. Head {@code k} reads the last {@code â_k}. On
 * vector features the convolutions are fully connected layers.
 *
 * <p>Use it as the default "more than hard sharing" design: it adds few parameters (the masks) to one encoder, lets
 * each task pick its features at every depth, and keeps one encoder's compute. The shared representation is the
 * list {@code [u_0, p_0, u_1, p_1, …]} of the shared encoder's stage features, so every gradient mode works; the
 * shared parameters are the encoder's and the shared extractors {@code f_j}.
 */
public final class MtanBlock extends MultiTaskBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<Task> tasks;
    private final List<Block> fronts = new ArrayList<>();
    private final List<Block> backs = new ArrayList<>();
    /** extractors.get(j - 1) = f_j, for j ≥ 1. */
    private final List<Block> extractors = new ArrayList<>();
    /** attention.get(j).get(k) = g_k^j. */
    private final List<List<Block>> attention = new ArrayList<>();
    private final List<Block> heads = new ArrayList<>();

    MtanBlock(Shape inputShape, ImmutableList<Task> tasks, EncoderFactory encoderFactory, int headWidth) {
        super(VERSION);
        boolean image = Stages.imageInput("MTAN", inputShape);
        this.tasks = tasks;
        StagedEncoderFactory staged = Stages.of(encoderFactory);
        Shape prev = Stages.batched(inputShape, 1);
        for (int j = 0; j < staged.stageCount(); j++) {
            Block front = addChildBlock("shared_front" + j, staged.createStageFront(j));
            Block back = addChildBlock("shared_back" + j, staged.createStageBack(j));
            fronts.add(front);
            backs.add(back);
            Shape u = front.getOutputShapes(new Shape[] {prev})[0];
            Shape p = back.getOutputShapes(new Shape[] {u})[0];
            int uChannels = (int) u.get(1);
            int pChannels = (int) p.get(1);
            if (j > 0) {
                int stride = 1;
                if (image) {
                    stride = (int) ((prev.get(2) + u.get(2) - 1) / u.get(2));
                    long h = (prev.get(2) - 1) / stride + 1;
                    long w = (prev.get(3) - 1) / stride + 1;
                    checkArgument(h == u.get(2) && w == u.get(3),
                            "MTAN cannot bring stage %s's features %s to stage %s's resolution %s with a strided "
                                    + "convolution", j - 1, prev, j, u);
                }
                extractors.add(addChildBlock("shared_extractor" + j, Layers.projectionNorm(image, uChannels, 3,
                        stride).add(Activation::relu)));
            }
            int hidden = Math.max(1, pChannels / 4);
            List<Block> perTask = new ArrayList<>();
            for (Task t : tasks) {
                perTask.add(addChildBlock("attention_" + t.name() + "_stage" + j, new SequentialBlock()
                        .add(Layers.projection(image, hidden, 1, 1, false))
                        .add(BatchNorm.builder().build())
                        .add(Activation::relu)
                        .add(Layers.projection(image, pChannels, 1, 1, false))
                        .add(BatchNorm.builder().build())
                        .add(Activation::sigmoid)));
            }
            attention.add(perTask);
            prev = p;
        }
        for (Task t : tasks) {
            heads.add(addChildBlock("head_" + t.name(), TaskHeads.create(t, headWidth, image)));
        }
    }

    @Override
    public ImmutableList<String> taskNames() {
        return tasks.stream().map(Task::name).collect(ImmutableList.toImmutableList());
    }

    /** @return the number of encoder stages, each with one attention module per task */
    public int stageCount() {
        return fronts.size();
    }

    /**
     * Returns the soft attention masks of every task at every stage for some inputs (an inference pass).
     *
     * @param ps the parameter store
     * @param inputs the inputs
     * @return {@code masks.get(j).get(k)}: task {@code k}'s mask at stage {@code j}, values in (0, 1), the shape of
     *     {@code p_j}
     */
    public List<NDList> attentionMasks(ParameterStore ps, NDList inputs) {
        List<NDList> masks = new ArrayList<>();
        attend(ps, encode(ps, inputs, false, null), false, null, masks);
        return masks;
    }

    /** @return the attention modules' trainable parameters, all tasks and stages */
    public List<Parameter> attentionParameters() {
        List<Parameter> out = new ArrayList<>();
        for (List<Block> stage : attention) {
            for (Block g : stage) {
                Layers.addTrainable(g, out);
            }
        }
        return out;
    }

    /** Returns {@code [u_0, p_0, u_1, p_1, …]}, the shared encoder's stage features. */
    @Override
    public NDList encode(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList out = new NDList(2 * fronts.size());
        NDList x = inputs;
        for (int j = 0; j < fronts.size(); j++) {
            NDList u = fronts.get(j).forward(ps, x, training, params);
            x = backs.get(j).forward(ps, u, training, params);
            out.add(u.singletonOrThrow());
            out.add(x.singletonOrThrow());
        }
        return out;
    }

    @Override
    public NDList decode(ParameterStore ps, NDList representation, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList attended = attend(ps, representation, training, params, null);
        return Layers.perTaskHeads(ps, heads, tasks, attended, inputs.head(), training, params);
    }

    private NDList attend(ParameterStore ps, NDList representation, boolean training, PairList<String, Object> params,
            List<NDList> masks) {
        checkArgument(representation.size() == 2 * fronts.size(), "MTAN expects %s stage features, got %s",
                2 * fronts.size(), representation.size());
        NDList previous = null;
        for (int j = 0; j < fronts.size(); j++) {
            NDArray u = representation.get(2 * j);
            NDArray p = representation.get(2 * j + 1);
            NDList current = new NDList(tasks.size());
            NDList stageMasks = new NDList(tasks.size());
            for (int k = 0; k < tasks.size(); k++) {
                NDArray in = u;
                if (previous != null) {
                    NDArray carried = extractors.get(j - 1).forward(ps, new NDList(previous.get(k)), training,
                            params).singletonOrThrow();
                    in = NDArrays.concat(new NDList(u, carried), 1);
                }
                NDArray mask = attention.get(j).get(k).forward(ps, new NDList(in), training, params)
                        .singletonOrThrow();
                stageMasks.add(mask);
                current.add(mask.mul(p));
            }
            if (masks != null) {
                masks.add(stageMasks);
            }
            previous = current;
        }
        return previous;
    }

    /** Returns the trainable parameters of the shared encoder and of the shared feature extractors {@code f_j}. */
    @Override
    public List<Parameter> sharedParameters() {
        List<Parameter> shared = new ArrayList<>();
        for (int j = 0; j < fronts.size(); j++) {
            Layers.addTrainable(fronts.get(j), shared);
            Layers.addTrainable(backs.get(j), shared);
        }
        for (Block f : extractors) {
            Layers.addTrainable(f, shared);
        }
        return shared;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return Layers.predictionShapes(tasks, inputShapes[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] x = inputShapes;
        for (int j = 0; j < fronts.size(); j++) {
            fronts.get(j).initialize(manager, dataType, x);
            Shape[] u = fronts.get(j).getOutputShapes(x);
            backs.get(j).initialize(manager, dataType, u);
            Shape[] p = backs.get(j).getOutputShapes(u);
            Shape in = u[0];
            if (j > 0) {
                extractors.get(j - 1).initialize(manager, dataType, x);
                Shape carried = extractors.get(j - 1).getOutputShapes(x)[0];
                checkState(carried.equals(u[0]), "MTAN extractor of stage %s gives %s, stage features are %s", j,
                        carried, u[0]);
                long[] dims = u[0].getShape().clone(); // getShape() exposes the shape's own array
                dims[1] *= 2;
                in = new Shape(dims);
            }
            for (Block g : attention.get(j)) {
                g.initialize(manager, dataType, in);
            }
            x = p;
        }
        for (Block head : heads) {
            head.initialize(manager, dataType, x);
        }
    }
}
