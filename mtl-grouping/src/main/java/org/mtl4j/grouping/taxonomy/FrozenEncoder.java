package org.mtl4j.grouping.taxonomy;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;

/**
 * The frozen encoders of trained source networks as the encoder of a new network: the transfer setting of Taskonomy
 * (Zamir et al., "Taskonomy: Disentangling Task Transfer Learning", CVPR 2018), where a small readout for a target is
 * trained on the representation of one source (first order) or on the channel-wise concatenation of several
 * (higher order) while the sources stay fixed.
 *
 * <p>The block owns no parameters: it runs {@link MultiTaskBlock#encode} of every source in inference mode (batch
 * norm on running statistics), without recording gradients, and concatenates the representations along the channel
 * axis. Building a network on it and training it therefore trains only the readout. The sources must produce maps of
 * the same spatial size (the same encoder design) and must stay open while the readout is used.
 */
public final class FrozenEncoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ImmutableList<MultiTaskBlock> sources;
    private Shape outputShape;

    private FrozenEncoder(List<MultiTaskBlock> sources) {
        super(VERSION);
        this.sources = ImmutableList.copyOf(sources);
    }

    /**
     * An encoder design that hands out frozen views of the given sources.
     *
     * @param sources the trained source networks (at least one)
     * @param outputChannels the total channels of their concatenated representations
     * @param downsampling the spatial downsampling of their representations
     * @return the encoder design
     */
    public static EncoderFactory factory(List<MultiTaskBlock> sources, int outputChannels, int downsampling) {
        checkNotNull(sources, "sources");
        checkArgument(!sources.isEmpty(), "a frozen encoder needs at least one source network");
        checkArgument(outputChannels > 0, "output channels must be positive, got %s", outputChannels);
        checkArgument(downsampling > 0, "downsampling must be positive, got %s", downsampling);
        ImmutableList<MultiTaskBlock> copy = ImmutableList.copyOf(sources);
        return new EncoderFactory() {
            @Override
            public Block create() {
                return new FrozenEncoder(copy);
            }

            @Override
            public int outputChannels() {
                return outputChannels;
            }

            @Override
            public int downsampling() {
                return downsampling;
            }

            @Override
            public String describe() {
                List<String> names = new ArrayList<>();
                for (MultiTaskBlock s : copy) {
                    names.add(String.join("", s.taskNames()));
                }
                return "frozen(" + String.join("+", names) + ")";
            }
        };
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            NDManager manager = inputs.head().getManager();
            ParameterStore frozen = new ParameterStore(manager, false);
            List<NDArray> parts = new ArrayList<>(sources.size());
            for (MultiTaskBlock s : sources) {
                NDList z = s.encode(frozen, inputs, false, null);
                checkState(z.size() == 1, "source %s gives %s representation arrays; a frozen encoder needs one",
                        s.taskNames(), z.size());
                parts.add(z.head().stopGradient());
            }
            return new NDList(parts.size() == 1 ? parts.get(0) : NDArrays.concat(new NDList(parts), 1));
        } finally {
            JniUtils.setGradMode(grad);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkState(outputShape != null, "the frozen encoder is not initialised");
        long[] dims = outputShape.getShape().clone();
        dims[0] = inputShapes[0].get(0);
        return new Shape[] {new Shape(dims)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        try (NDManager sub = manager.newSubManager()) {
            NDArray x = sub.zeros(inputShapes[0], dataType);
            outputShape = forwardInternal(new ParameterStore(sub, false), new NDList(x), false, null).head()
                    .getShape();
        }
    }
}
