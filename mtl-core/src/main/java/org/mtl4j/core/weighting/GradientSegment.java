package org.mtl4j.core.weighting;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.List;

/**
 * Where one shared tensor lies inside the flattened columns of the K×D per-task gradient matrix that
 * {@link GradientBasedWeighting#combineGradients} receives: columns {@code [offset, offset + size)} hold the gradient of the
 * tensor called {@code name}, of shape {@code shape}. In {@link GradientMode#PARAMETERS} mode there is one segment
 * per shared parameter, in {@code MultiTaskBlock.sharedParameters()} order; in {@link GradientMode#REPRESENTATION}
 * mode one per array of the shared representation. Strategies that look at one layer only (GradNorm's "last shared
 * layer") find it here.
 *
 * @param name the parameter's name (or {@code z0}, {@code z1}, ... for the representation)
 * @param offset the first column
 * @param size the number of columns
 * @param shape the tensor's shape
 */
public record GradientSegment(String name, long offset, long size, Shape shape) {

    /**
     * Validates the segment.
     *
     * @param name the parameter's name
     * @param offset the first column, non-negative
     * @param size the number of columns, positive
     * @param shape the tensor's shape, with {@code size} elements
     */
    public GradientSegment {
        checkNotNull(name, "gradient segment name");
        checkNotNull(shape, "gradient segment shape");
        checkArgument(offset >= 0, "gradient segment '%s': offset must be non-negative, got %s", name, offset);
        checkArgument(size > 0 && size == shape.size(),
                "gradient segment '%s': size %s does not match shape %s", name, size, shape);
    }

    /** @return the column after the last one, {@code offset + size} */
    public long end() {
        return offset + size;
    }

    /**
     * Lays arrays out one after the other, as the columns of a flattened gradient matrix.
     *
     * @param names the arrays' names
     * @param shapes their shapes, in column order
     * @return the segments, the first at offset 0
     */
    public static ImmutableList<GradientSegment> contiguous(List<String> names, List<Shape> shapes) {
        checkArgument(names.size() == shapes.size(), "%s names for %s shapes", names.size(), shapes.size());
        ImmutableList.Builder<GradientSegment> b = ImmutableList.builder();
        long offset = 0;
        for (int i = 0; i < shapes.size(); i++) {
            b.add(new GradientSegment(names.get(i), offset, shapes.get(i).size(), shapes.get(i)));
            offset += shapes.get(i).size();
        }
        return b.build();
    }
}
