package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.mtl4j.core.data.EngineArrays;

/**
 * A linear map {@code M} ({@code d × D}) from the {@code D}-dimensional gradient of the shared parameters to
 * {@code d} features, as Grad-TAE (Li, Sharma and Zhang, "Scalable Multitask Learning Using Gradient-based Estimation
 * of Task Affinity", KDD 2024) uses it: a per-sample gradient {@code g} becomes {@code φ = M·g}, a weight vector
 * {@code w} fitted on the features becomes the parameter step {@code Δθ = Mᵀ·w}, and {@code ⟨φ, w⟩ = ⟨g, Δθ⟩} exactly,
 * so a model that is linear in {@code g·Δθ} is fitted in {@code d} dimensions instead of {@code D}.
 *
 * <p>{@link #gaussian} is the paper's random projection {@code M = P / √d} with {@code P_ab ~ N(0, 1)} i.i.d. drawn
 * from {@link Random} with the given seed, row by row (Johnson–Lindenstrauss: {@code E‖M·g‖² = ‖g‖²}); the reference
 * code draws Rademacher entries, which has the same first two moments. {@link #of} takes any matrix as given (tests,
 * or {@code M = I} for no projection). The matrix is held in memory, {@code 4·d·D} bytes (and once more on the device
 * while gradients are projected).
 */
public final class GradientProjection {

    /** The most entries {@code d·D} held (2^28 floats, 1 GiB). */
    public static final long MAX_ENTRIES = 1L << 28;

    private static final int CHUNK = 1 << 20;

    private final int rows;
    private final int columns;
    private final float[] matrix;

    private GradientProjection(int rows, int columns, float[] matrix) {
        this.rows = rows;
        this.columns = columns;
        this.matrix = matrix;
    }

    /**
     * The seeded Gaussian projection {@code M = P / √d}.
     *
     * @param d the output dimension (the features), at least 1
     * @param dimension the gradient dimension {@code D}, at least 1
     * @param seed the seed
     * @return the projection
     * @throws IllegalArgumentException when {@code d·D} exceeds {@value #MAX_ENTRIES}
     */
    public static GradientProjection gaussian(int d, long dimension, long seed) {
        checkArgument(d >= 1, "the projection dimension must be positive, got %s", d);
        checkArgument(dimension >= 1, "the gradient dimension must be positive, got %s", dimension);
        checkArgument((long) d * dimension <= MAX_ENTRIES, "a %s × %s projection has more than %s entries: lower the "
                + "projection dimension", d, dimension, MAX_ENTRIES);
        int cols = (int) dimension;
        float[] m = new float[d * cols];
        Random random = new Random(seed);
        double scale = 1 / Math.sqrt(d);
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) (random.nextGaussian() * scale);
        }
        return new GradientProjection(d, cols, m);
    }

    /**
     * A projection with the given matrix, used as it is.
     *
     * @param m the matrix, {@code d} rows of {@code D} entries
     * @return the projection
     */
    public static GradientProjection of(double[][] m) {
        checkNotNull(m, "matrix");
        checkArgument(m.length >= 1 && m[0].length >= 1, "the projection matrix is empty");
        int cols = m[0].length;
        checkArgument((long) m.length * cols <= MAX_ENTRIES, "too many entries");
        float[] out = new float[m.length * cols];
        for (int r = 0; r < m.length; r++) {
            checkArgument(m[r].length == cols, "row %s has %s entries, row 0 has %s", r, m[r].length, cols);
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = (float) m[r][c];
            }
        }
        return new GradientProjection(m.length, cols, out);
    }

    /** @return the number of features {@code d} */
    public int outputDimension() {
        return rows;
    }

    /** @return the gradient dimension {@code D} */
    public int inputDimension() {
        return columns;
    }

    /**
     * One entry.
     *
     * @param row the feature, in {@code [0, d)}
     * @param column the gradient coordinate, in {@code [0, D)}
     * @return {@code M[row][column]}
     */
    public double entry(int row, int column) {
        return matrix[row * columns + column];
    }

    /**
     * Projects a gradient: {@code φ = M·g}.
     *
     * @param g a gradient of length {@code D}
     * @return the features, length {@code d}
     */
    public double[] project(double[] g) {
        checkArgument(g.length == columns, "gradient of length %s, the projection takes %s", g.length, columns);
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            int base = r * columns;
            for (int c = 0; c < columns; c++) {
                s += matrix[base + c] * g[c];
            }
            out[r] = s;
        }
        return out;
    }

    /**
     * The parameter step of feature weights: {@code Δθ = Mᵀ·w}.
     *
     * @param w weights of length {@code d}
     * @return the step, length {@code D}
     */
    public double[] lift(double[] w) {
        checkArgument(w.length == rows, "weights of length %s, the projection gives %s features", w.length, rows);
        double[] out = new double[columns];
        for (int r = 0; r < rows; r++) {
            int base = r * columns;
            for (int c = 0; c < columns; c++) {
                out[c] += matrix[base + c] * w[r];
            }
        }
        return out;
    }

    /**
     * The matrix as a float32 array of shape {@code (d, D)} owned by {@code manager} (on its device).
     *
     * @param manager the owner
     * @return the array
     */
    public NDArray toArray(NDManager manager) {
        if (matrix.length <= CHUNK) {
            return EngineArrays.create(manager, matrix, new Shape(rows, columns));
        }
        // in pieces, so the staging buffer of EngineArrays (kept per thread) stays small
        NDList parts = new NDList();
        try (NDManager staging = manager.newSubManager()) {
            for (int from = 0; from < matrix.length; from += CHUNK) {
                parts.add(EngineArrays.create(staging, Arrays.copyOfRange(matrix, from,
                        Math.min(matrix.length, from + CHUNK))));
            }
            NDArray flat = NDArrays.concat(parts);
            NDArray out = flat.reshape(new Shape(rows, columns));
            out.attach(manager);
            return out;
        }
    }
}
