package org.mtl4j.core.gradient;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;

/**
 * The K×K Gram matrix {@code G_ij = g_i · g_j} of K per-task gradients, the small summary that the gradient-based
 * balancing strategies choose their weights from and that the gradient monitor turns into cosine similarities.
 *
 * <p>For an NDArray the product {@code g gᵀ} is computed by the engine in float32 and copied to the host as doubles;
 * {@link #of(NDArray)} symmetrises it (a float32 matmul is not exactly symmetric), {@link #engineProduct(NDArray)}
 * keeps the engine's entries as they are. For plain arrays {@link #of(double[][])} sums in double precision, in
 * index order, once per pair.
 */
public final class GramMatrix {

    private GramMatrix() {}

    /**
     * Returns {@code G = g gᵀ} of a K×D NDArray as Java doubles, computed in float32 by the engine and symmetrised:
     * {@code G_ij = G_ji = (p_ij + p_ji) / 2} with {@code p} the engine's product.
     *
     * @param g the per-task gradients, shape {@code (K, D)}
     * @return the K×K Gram matrix
     */
    public static double[][] of(NDArray g) {
        int k = rows(g);
        float[] flat = product(g);
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = 0.5 * ((double) flat[i * k + j] + flat[j * k + i]);
            }
        }
        return out;
    }

    /**
     * Returns {@code G = g gᵀ} of a K×D NDArray as Java doubles, entry by entry as the engine computed it in float32
     * (not symmetrised).
     *
     * @param g the per-task gradients, shape {@code (K, D)}
     * @return the K×K Gram matrix
     */
    public static double[][] engineProduct(NDArray g) {
        int k = rows(g);
        float[] flat = product(g);
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                out[i][j] = flat[i * k + j];
            }
        }
        return out;
    }

    /**
     * Returns {@code G = g gᵀ} of a K×D plain matrix.
     *
     * @param g the per-task gradients, K rows of equal length D
     * @return the K×K Gram matrix
     */
    public static double[][] of(double[][] g) {
        checkArgument(g.length > 0, "no task gradients given");
        for (int i = 0; i < g.length; i++) {
            checkArgument(g[i].length == g[0].length && g[i].length > 0,
                    "task gradient %s has %s values, task gradient 0 has %s", i, g[i].length, g[0].length);
        }
        int k = g.length;
        double[][] out = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                double s = 0;
                for (int d = 0; d < g[i].length; d++) {
                    s += g[i][d] * g[j][d];
                }
                out[i][j] = s;
                out[j][i] = s;
            }
        }
        return out;
    }

    private static int rows(NDArray g) {
        checkArgument(g.getShape().dimension() == 2, "per-task gradients must be a K×D matrix, got shape %s",
                g.getShape());
        return (int) g.getShape().get(0);
    }

    /** @return the row-major float32 entries of the engine's {@code g gᵀ} */
    private static float[] product(NDArray g) {
        try (NDArray t = g.transpose(); NDArray gg = g.matMul(t)) {
            return gg.toFloatArray();
        }
    }
}
