package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * MTI-Net's multi-modal distillation at one scale (the reference's {@code MultiTaskDistillationModule}, PAD-Net's
 * distillation with spatial attention): {@code D_t = F_t + Σ_{a≠t} (W_{t,a} ⊛ F_a) ⊙ σ(A_{t,a} ⊛ F_a)}, where
 * {@code W_{t,a}} (the message) and {@code A_{t,a}} (its spatial attention) are 3×3 convolutions without bias from
 * task {@code a}'s features into task {@code t}'s (fully connected layers on vectors). With one task there is nothing
 * to distil and {@code D = F}.
 */
final class MtiDistillation extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int tasks;
    /** messages.get(t).get(a) = W_{t,a}, null on the diagonal. */
    private final List<List<Block>> messages = new ArrayList<>();
    /** attention.get(t).get(a) = σ(A_{t,a} ⊛ ·), null on the diagonal. */
    private final List<List<Block>> attention = new ArrayList<>();

    MtiDistillation(int tasks, int channels, boolean image, List<String> names) {
        super(VERSION);
        this.tasks = tasks;
        for (int t = 0; t < tasks; t++) {
            List<Block> m = new ArrayList<>();
            List<Block> a = new ArrayList<>();
            for (int s = 0; s < tasks; s++) {
                if (s == t) {
                    m.add(null);
                    a.add(null);
                } else {
                    String pair = names.get(t) + "_from_" + names.get(s);
                    a.add(addChildBlock("attention_" + pair, new SequentialBlock()
                            .add(Layers.projection(image, channels, 3, 1, false)).add(Activation::sigmoid)));
                    m.add(addChildBlock("message_" + pair, Layers.projection(image, channels, 3, 1, false)));
                }
            }
            messages.add(m);
            attention.add(a);
        }
    }

    /**
     * @param receiver the receiving task
     * @param sender the sending task, not the receiver
     * @return the message convolution {@code W_{receiver,sender}}'s weight
     */
    Parameter messageWeight(int receiver, int sender) {
        return messages.get(receiver).get(sender).getParameters().get("weight");
    }

    /**
     * @param receiver the receiving task
     * @param sender the sending task, not the receiver
     * @return the attention convolution {@code A_{receiver,sender}}'s weight
     */
    Parameter attentionWeight(int receiver, int sender) {
        return attention.get(receiver).get(sender).getParameters().values().get(0);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkArgument(inputs.size() == tasks, "the distillation takes %s task features, got %s", tasks,
                inputs.size());
        NDList out = new NDList(tasks);
        for (int t = 0; t < tasks; t++) {
            NDArray d = inputs.get(t);
            for (int s = 0; s < tasks; s++) {
                if (s != t) {
                    NDList f = new NDList(inputs.get(s));
                    NDArray m = messages.get(t).get(s).forward(ps, f, training, params).singletonOrThrow();
                    NDArray g = attention.get(t).get(s).forward(ps, f, training, params).singletonOrThrow();
                    d = d.add(m.mul(g));
                }
            }
            out.add(d);
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int t = 0; t < tasks; t++) {
            for (int s = 0; s < tasks; s++) {
                if (s != t) {
                    messages.get(t).get(s).initialize(manager, dataType, inputShapes[s]);
                    attention.get(t).get(s).initialize(manager, dataType, inputShapes[s]);
                }
            }
        }
    }
}
