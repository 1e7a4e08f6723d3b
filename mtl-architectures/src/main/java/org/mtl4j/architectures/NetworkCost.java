package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.convolutional.Deconvolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.Locale;

/**
 * The size and the compute of an initialised DJL block: its trainable parameters and its multiply-adds per sample,
 * for the block and for every child block, as parameter and FLOP counters for PyTorch (thop, fvcore) report them.
 *
 * <p>What is counted:
 * <ul>
 *   <li><b>parameters</b>: the scalars of every parameter that requires a gradient (weights, biases, batch-norm
 *       {@code γ} and {@code β}); batch-norm running statistics are not parameters;
 *   <li><b>multiply-adds</b> of the layers that hold the compute of convolutional and fully connected networks:
 *       a convolution ({@code Conv1d/2d/3d}) with output {@code (C_out, S_1, …)}, {@code C_in} input channels,
 *       {@code g} groups and kernel {@code k_1 × …}: {@code C_out · ΠS · (C_in / g) · Πk}; a transposed convolution
 *       with input {@code (C_in, S_1, …)}: {@code C_in · ΠS · (C_out / g) · Πk}; a {@code Linear} layer from
 *       {@code in} to {@code out} features on an input {@code (N, …, in)}: {@code Π… · in · out}.
 * </ul>
 * Not counted (as in thop and fvcore, which count them as zero or leave them out): bias additions, element-wise
 * operations (activations, residual additions, masks, cross-stitch mixing), batch normalisation, pooling and
 * interpolation. Shapes come from {@link Block#getInputShapes()} and {@link Block#getOutputShapes}, so the block must
 * be initialised (or loaded) first; the counts are per sample, the batch axis of the initialisation shapes divided
 * out, at the resolution the block was initialised with.
 *
 * @param name the child's name in its parent ({@code "network"} for the root)
 * @param type the block's class
 * @param parameters the trainable scalars of this block and its children
 * @param multiplyAdds the multiply-adds per sample of this block and its children
 * @param children the cost of every child block, in the block's order
 */
public record NetworkCost(String name, String type, long parameters, long multiplyAdds,
        ImmutableList<NetworkCost> children) {

    /** Checks the components. */
    public NetworkCost {
        checkNotNull(name, "name");
        checkNotNull(type, "type");
        checkNotNull(children, "children");
        checkArgument(parameters >= 0 && multiplyAdds >= 0, "negative cost %s / %s", parameters, multiplyAdds);
    }

    /**
     * Measures an initialised block.
     *
     * @param block the block
     * @return its cost, with one entry per child block
     * @throws IllegalStateException if the block is not initialised
     */
    public static NetworkCost of(Block block) {
        checkNotNull(block, "block");
        if (!block.isInitialized()) {
            throw new IllegalStateException("NetworkCost needs an initialised block (call initialize or "
                    + "loadParameters first): " + block.getClass().getSimpleName() + " is not");
        }
        return measure("network", block);
    }

    private static NetworkCost measure(String name, Block block) {
        ImmutableList.Builder<NetworkCost> children = ImmutableList.builder();
        long params = 0;
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().requiresGradient() && p.getValue().isInitialized()) {
                params += p.getValue().getArray().size();
            }
        }
        long macs = ownMultiplyAdds(block);
        for (Pair<String, Block> c : block.getChildren()) {
            NetworkCost child = measure(c.getKey(), c.getValue());
            params += child.parameters();
            macs += child.multiplyAdds();
            children.add(child);
        }
        return new NetworkCost(name, block.getClass().getSimpleName(), params, macs, children.build());
    }

    /** The multiply-adds per sample of a leaf layer itself (0 for layers that are not counted). */
    private static long ownMultiplyAdds(Block block) {
        if (block instanceof Convolution conv) {
            Shape in = block.getInputShapes()[0];
            Shape out = block.getOutputShapes(block.getInputShapes())[0];
            long perSample = out.size() / out.get(0);
            return perSample * (in.get(1) / conv.getGroups()) * conv.getKernelShape().size();
        }
        if (block instanceof Deconvolution) {
            // the weight is (C_in, C_out / g, k…): C_in · (C_out / g) · Πk multiply-adds per input position
            Shape in = block.getInputShapes()[0];
            return in.slice(2).size() * weightShape(block).size();
        }
        if (block instanceof Linear) {
            Shape in = block.getInputShapes()[0];
            Shape out = block.getOutputShapes(block.getInputShapes())[0];
            long inputFeatures = in.get(in.dimension() - 1);
            long outputFeatures = out.get(out.dimension() - 1);
            long positions = in.dimension() > 1 ? in.size() / in.get(0) / inputFeatures : 1;
            return positions * inputFeatures * outputFeatures;
        }
        return 0;
    }

    private static Shape weightShape(Block block) {
        for (Pair<String, Parameter> p : block.getDirectParameters()) {
            if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                return p.getValue().getArray().getShape();
            }
        }
        throw new IllegalStateException(block.getClass().getSimpleName() + " has no weight");
    }

    /**
     * Finds the cost of a descendant by its path of child names.
     *
     * @param path child names from this block down, with or without the position DJL puts in front of them, for
     *     example {@code "encoder", "01Conv2d"} (or {@code "01encoder"})
     * @return the descendant's cost
     * @throws IllegalArgumentException naming the first unknown name and the names available there
     */
    public NetworkCost child(String... path) {
        NetworkCost at = this;
        for (String step : path) {
            NetworkCost next = null;
            for (NetworkCost c : at.children) {
                if (c.name.equals(step) || c.name.replaceFirst("^\\d+", "").equals(step)) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                throw new IllegalArgumentException("no child '" + step + "' in " + at.name + "; its children are "
                        + at.children.stream().map(NetworkCost::name).toList());
            }
            at = next;
        }
        return at;
    }

    /**
     * The cost as an indented table, down to a depth.
     *
     * @param depth how many levels of children to show (0: this block only)
     * @return one line per block: name, class, parameters, multiply-adds per sample
     */
    public String toTable(int depth) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-40s %14s %18s%n", "block",
                "parameters", "multiply-adds"));
        append(sb, 0, depth);
        return sb.toString();
    }

    private void append(StringBuilder sb, int level, int depth) {
        String label = "  ".repeat(level) + name + " (" + type + ")";
        sb.append(String.format(Locale.ROOT, "%-40s %,14d %,18d%n", label, parameters, multiplyAdds));
        if (level < depth) {
            for (NetworkCost c : children) {
                c.append(sb, level + 1, depth);
            }
        }
    }

    /** @return the totals, for example {@code 12,345 parameters, 1.23 M multiply-adds per sample} */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d parameters, %s multiply-adds per sample", parameters,
                human(multiplyAdds));
    }

    /**
     * Writes a count with a unit prefix: {@code 950}, {@code 12.3 k}, {@code 4.56 M}, {@code 7.89 G}.
     *
     * @param count the count
     * @return the text
     */
    static String human(double count) {
        if (count < 1e3) {
            return String.format(Locale.ROOT, "%.0f", count);
        }
        if (count < 1e6) {
            return String.format(Locale.ROOT, "%.3g k", count / 1e3);
        }
        if (count < 1e9) {
            return String.format(Locale.ROOT, "%.3g M", count / 1e6);
        }
        return String.format(Locale.ROOT, "%.3g G", count / 1e9);
    }
}
