package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The eigendecomposition {@code A = V Λ Vᵀ} of a small symmetric matrix (a K×K Gram matrix), by the cyclic Jacobi
 * eigenvalue algorithm: plane rotations zero the off-diagonal entries one at a time until they are negligible
 * against the diagonal. It converges quadratically and gives eigenvectors orthonormal to machine precision, which
 * is all the Gram-based strategies need for K up to a few dozen tasks.
 */
final class SymmetricEigen {

    /** {@code torch.finfo(torch.float32).eps}, the machine epsilon the reference implementations' tolerances use. */
    static final double FLOAT32_EPS = Math.ulp(1f);

    private static final int MAX_SWEEPS = 100;

    /** The eigenvalues, in descending order. */
    final double[] values;
    /** The eigenvectors as columns: {@code vectors[r][c]} is entry r of the eigenvector of {@code values[c]}. */
    final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes a symmetric matrix (only the upper triangle is read, like {@code torch.linalg.eigh(UPLO="U")}).
     *
     * @param a a square matrix, not modified
     * @return its eigenvalues in descending order and the matching orthonormal eigenvectors
     */
    static SymmetricEigen of(double[][] a) {
        int n = a.length;
        double[][] m = new double[n][n];
        double scale = 0;
        for (int i = 0; i < n; i++) {
            checkArgument(a[i].length == n, "matrix row %s has %s entries, expected %s", i, a[i].length, n);
            for (int j = i; j < n; j++) {
                checkArgument(Double.isFinite(a[i][j]), "matrix entry (%s, %s) is not finite: %s", i, j, a[i][j]);
                m[i][j] = a[i][j];
                m[j][i] = a[i][j];
                scale = Math.max(scale, Math.abs(a[i][j]));
            }
        }
        double[][] v = new double[n][n];
        for (int i = 0; i < n; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(m) > 1e-30 * scale * scale; sweep++) {
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(m, v, p, q);
                }
            }
        }
        // sort descending, as the references do (argsort(descending=True))
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(m[y][y], m[x][x]));
        double[] values = new double[n];
        double[][] vectors = new double[n][n];
        for (int c = 0; c < n; c++) {
            values[c] = m[order[c]][order[c]];
            for (int r = 0; r < n; r++) {
                vectors[r][c] = v[r][order[c]];
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * The number of eigenvalues above {@code λ_max · K · eps(float32)}, the rank cut-off of the Aligned-MTL
     * references ({@code tol = max(λ) * max(M.shape) * torch.finfo().eps}).
     *
     * @return how many leading eigenvalues are kept
     */
    int rank() {
        if (values.length == 0 || !(values[0] > 0)) {
            return 0;
        }
        double tol = values[0] * values.length * FLOAT32_EPS;
        int r = 0;
        while (r < values.length && values[r] > tol) {
            r++;
        }
        return r;
    }

    /** The squared Frobenius norm of the strictly off-diagonal part. */
    private static double offDiagonal(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    s += m[i][j] * m[i][j];
                }
            }
        }
        return s;
    }

    /** One Jacobi rotation that zeroes {@code m[p][q]} (Golub and Van Loan, Algorithm 8.5.1), applied to V too. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double apq = m[p][q];
        if (apq == 0) {
            return;
        }
        double tau = (m[q][q] - m[p][p]) / (2 * apq);
        double t = Math.signum(tau) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        if (tau == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(1 + t * t);
        double s = t * c;
        int n = m.length;
        for (int k = 0; k < n; k++) { // M ← M J (columns p, q)
            double mkp = m[k][p];
            double mkq = m[k][q];
            m[k][p] = c * mkp - s * mkq;
            m[k][q] = s * mkp + c * mkq;
        }
        for (int k = 0; k < n; k++) { // M ← Jᵀ M (rows p, q)
            double mpk = m[p][k];
            double mqk = m[q][k];
            m[p][k] = c * mpk - s * mqk;
            m[q][k] = s * mpk + c * mqk;
        }
        m[p][q] = 0;
        m[q][p] = 0;
        for (int k = 0; k < n; k++) { // V ← V J
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
        }
    }
}
