package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.gradient.GramMatrix;

/**
 * Plumbing shared by the gradient-based strategies. Most of them only need the K×K Gram matrix
 * {@code G_ij = g_i · g_j} of the per-task gradients to choose their weights {@code α}, and then form
 * {@code d = Σ_i α_i g_i}: the small Gram matrix goes to plain Java (where the solvers live), the D-long work stays
 * in NDArrays. The plain-array twins of both steps make every strategy checkable on hand-made inputs.
 */
final class Gradients {

    private Gradients() {}

    /**
     * Returns {@code G = g gᵀ} of a K×D NDArray as Java doubles (computed in float32 by the engine, symmetrised).
     *
     * @param g the per-task gradients, shape {@code (K, D)}
     * @return the K×K Gram matrix
     * @see GramMatrix#of(NDArray)
     */
    static double[][] gram(NDArray g) {
        return GramMatrix.of(g);
    }

    /**
     * Returns {@code G = g gᵀ} of a K×D plain matrix.
     *
     * @param g the per-task gradients, K rows of equal length D
     * @return the K×K Gram matrix
     * @see GramMatrix#of(double[][])
     */
    static double[][] gram(double[][] g) {
        return GramMatrix.of(g);
    }

    /**
     * Returns {@code d = Σ_i α_i g_i} as a D-vector on {@code g}'s manager.
     *
     * @param g the per-task gradients, shape {@code (K, D)}
     * @param alpha one weight per task
     * @return the combined gradient, shape {@code (D)}
     */
    static NDArray combine(NDArray g, double[] alpha) {
        int k = (int) g.getShape().get(0);
        checkArgument(alpha.length == k, "%s weights for %s task gradients", alpha.length, k);
        try (NDArray a = EngineArrays.create(g.getManager(), toFloat(alpha), new Shape(1, k)); NDArray row = a.matMul(g)) {
            return row.reshape(g.getShape().get(1));
        }
    }

    /**
     * Returns {@code d = Σ_i α_i g_i} for plain arrays.
     *
     * @param g the per-task gradients
     * @param alpha one weight per task
     * @return the combined gradient
     */
    static double[] combine(double[][] g, double[] alpha) {
        checkRectangular(g);
        checkArgument(alpha.length == g.length, "%s weights for %s task gradients", alpha.length, g.length);
        double[] d = new double[g[0].length];
        for (int i = 0; i < g.length; i++) {
            for (int j = 0; j < d.length; j++) {
                d[j] += alpha[i] * g[i][j];
            }
        }
        return d;
    }

    /**
     * Returns the tasks a gradient method should balance: present in the batch and with a non-zero gradient (a task
     * without labels in the batch has a zero row, which would, for example, make the min-norm point 0).
     *
     * @param gram the Gram matrix
     * @param present per task, whether the batch has its labels
     * @return per task, whether it takes part
     */
    static boolean[] active(double[][] gram, boolean[] present) {
        checkArgument(present.length == gram.length, "%s presence flags for %s tasks", present.length, gram.length);
        boolean[] a = new boolean[gram.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = present[i] && gram[i][i] > 0 && Double.isFinite(gram[i][i]);
        }
        return a;
    }

    /** @return the indices where {@code mask} is true */
    static int[] indices(boolean[] mask) {
        int n = 0;
        for (boolean b : mask) {
            n += b ? 1 : 0;
        }
        int[] idx = new int[n];
        n = 0;
        for (int i = 0; i < mask.length; i++) {
            if (mask[i]) {
                idx[n++] = i;
            }
        }
        return idx;
    }

    /** @return the sub-matrix of rows and columns {@code idx} */
    static double[][] subset(double[][] m, int[] idx) {
        double[][] out = new double[idx.length][idx.length];
        for (int i = 0; i < idx.length; i++) {
            for (int j = 0; j < idx.length; j++) {
                out[i][j] = m[idx[i]][idx[j]];
            }
        }
        return out;
    }

    /** @return a K-vector holding {@code values} at {@code idx} and 0 elsewhere */
    static double[] scatter(double[] values, int[] idx, int k) {
        double[] out = new double[k];
        for (int i = 0; i < idx.length; i++) {
            out[idx[i]] = values[i];
        }
        return out;
    }

    /** @return {@code true} for every one of {@code k} tasks */
    static boolean[] all(int k) {
        boolean[] a = new boolean[k];
        java.util.Arrays.fill(a, true);
        return a;
    }

    /** @return {@code αᵀ G α} */
    static double quadratic(double[][] gram, double[] alpha) {
        double s = 0;
        for (int i = 0; i < alpha.length; i++) {
            for (int j = 0; j < alpha.length; j++) {
                s += alpha[i] * gram[i][j] * alpha[j];
            }
        }
        return s;
    }

    /** @return {@code G α} */
    static double[] times(double[][] gram, double[] alpha) {
        double[] out = new double[gram.length];
        for (int i = 0; i < gram.length; i++) {
            for (int j = 0; j < alpha.length; j++) {
                out[i] += gram[i][j] * alpha[j];
            }
        }
        return out;
    }

    /**
     * Solves {@code A x = b} by Gaussian elimination with partial pivoting.
     *
     * @param a the square matrix (not modified)
     * @param b the right-hand side (not modified)
     * @return the solution, or null when a pivot is smaller than {@code 1e-12} times the largest entry of A
     */
    static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][n + 1];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], 0, m[i], 0, n);
            m[i][n] = b[i];
            for (int j = 0; j < n; j++) {
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            return null;
        }
        for (int col = 0; col < n; col++) {
            int piv = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[piv][col])) {
                    piv = r;
                }
            }
            if (Math.abs(m[piv][col]) < 1e-12 * scale) {
                return null;
            }
            double[] tmp = m[col];
            m[col] = m[piv];
            m[piv] = tmp;
            for (int r = col + 1; r < n; r++) {
                double f = m[r][col] / m[col][col];
                for (int c = col; c <= n; c++) {
                    m[r][c] -= f * m[col][c];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = m[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= m[i][j] * x[j];
            }
            x[i] = s / m[i][i];
        }
        return x;
    }

    /** @return the values as floats */
    static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** @return the values as doubles */
    static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** @return a float32 NDArray of shape {@code (K)} on {@code like}'s manager */
    static NDArray vector(NDArray like, double[] values) {
        // engine-owned memory: callers reshape the result, and a view of an array made from a Java array can
        // outlive the direct buffer behind it (the garbage collector frees that buffer with the wrapper)
        return EngineArrays.create(like.getManager(), toFloat(values));
    }

    private static void checkRectangular(double[][] g) {
        checkArgument(g.length > 0, "no task gradients given");
        for (int i = 0; i < g.length; i++) {
            checkArgument(g[i].length == g[0].length && g[i].length > 0,
                    "task gradient %s has %s values, task gradient 0 has %s", i, g[i].length, g[0].length);
        }
    }
}
