package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Representation similarity analysis (RSA; Kriegeskorte, Mur and Bandettini, Front. Syst. Neurosci. 2008), the task
 * affinity measure of Vandenhende et al., BMVC 2020, "Branched Multi-Task Networks": how alike two task networks
 * represent the same inputs at the same depth.
 *
 * <p>For the features {@code f_1 … f_N} of {@code N} inputs (each flattened to a vector) the representation
 * dissimilarity matrix is {@code RDM[a][b] = 1 − pearson(f_a, f_b)} ({@link #rdm}). Two networks are compared by the
 * correlation of their RDMs' upper triangles ({@code a < b}) ({@link #compare}), Spearman's rank correlation (the
 * paper's choice) or Pearson's; the task dissimilarity is {@code D_{kl} = 1 − ρ(RDM_k, RDM_l)} in {@code [0, 2]}
 * ({@link #taskDissimilarity}). The features of every task at every stage come from a {@link BranchedBlock} with
 * independent columns (the tree {@link BranchTree#independent}: K single-task networks trained side by side),
 * through {@link #measure}; {@link BranchedTrees} turns the result into a tree.
 *
 * <p>Conventions: a feature vector or an RDM triangle without variance correlates 0 with anything (its
 * dissimilarity is 1); Spearman ranks ties by their mean rank. The RDM is {@code N × N}: a few hundred inputs
 * are plenty.
 */
public final class Rsa {

    /** How two RDMs are compared. */
    public enum Correlation {
        /** Pearson's correlation of the values. */
        PEARSON,
        /** Spearman's rank correlation: Pearson's correlation of the ranks (ties get their mean rank). */
        SPEARMAN
    }

    private Rsa() {}

    /**
     * The representation dissimilarity matrix of {@code N} feature vectors.
     *
     * @param features {@code features[a]}: the features of input {@code a}, all of one length
     * @return {@code N × N}, {@code 1 − pearson(f_a, f_b)}, zero diagonal
     */
    public static double[][] rdm(float[][] features) {
        checkNotNull(features, "features");
        int n = features.length;
        checkArgument(n >= 3, "RSA needs at least 3 inputs, got %s", n);
        int f = features[0].length;
        double[][] centred = new double[n][];
        double[] norm = new double[n];
        for (int a = 0; a < n; a++) {
            checkArgument(features[a].length == f, "input %s has %s features, input 0 has %s", a,
                    features[a].length, f);
            double mean = 0;
            for (float v : features[a]) {
                mean += v;
            }
            mean /= f;
            double[] c = new double[f];
            double ss = 0;
            for (int i = 0; i < f; i++) {
                c[i] = features[a][i] - mean;
                ss += c[i] * c[i];
            }
            centred[a] = c;
            norm[a] = Math.sqrt(ss);
        }
        double[][] rdm = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                double r = 0;
                if (norm[a] > 0 && norm[b] > 0) {
                    double dot = 0;
                    for (int i = 0; i < f; i++) {
                        dot += centred[a][i] * centred[b][i];
                    }
                    r = dot / (norm[a] * norm[b]);
                }
                rdm[a][b] = 1 - r;
                rdm[b][a] = 1 - r;
            }
        }
        return rdm;
    }

    /**
     * The representation dissimilarity matrix of a batch of features, each sample flattened.
     *
     * @param features {@code (N, …)}
     * @return {@code N × N}
     */
    public static double[][] rdm(NDArray features) {
        long n = features.getShape().get(0);
        checkArgument(n >= 3, "RSA needs at least 3 inputs, got a batch of %s", n);
        float[] flat = features.toFloatArray();
        int f = (int) (flat.length / n);
        float[][] rows = new float[(int) n][];
        for (int a = 0; a < n; a++) {
            rows[a] = Arrays.copyOfRange(flat, a * f, (a + 1) * f);
        }
        return rdm(rows);
    }

    /**
     * Compares two RDMs of the same inputs: the correlation of their upper triangles.
     *
     * @param a an RDM
     * @param b an RDM of the same size
     * @param correlation Pearson or Spearman
     * @return the correlation in {@code [−1, 1]}
     */
    public static double compare(double[][] a, double[][] b, Correlation correlation) {
        checkArgument(a.length == b.length, "RDMs of %s and %s inputs", a.length, b.length);
        int n = a.length;
        double[] x = new double[n * (n - 1) / 2];
        double[] y = new double[x.length];
        int i = 0;
        for (int r = 0; r < n; r++) {
            for (int c = r + 1; c < n; c++) {
                x[i] = a[r][c];
                y[i] = b[r][c];
                i++;
            }
        }
        return checkNotNull(correlation, "correlation") == Correlation.SPEARMAN ? spearman(x, y) : pearson(x, y);
    }

    /**
     * The task dissimilarity {@code D_{kl} = 1 − ρ(RDM_k, RDM_l)} of K networks' RDMs of the same inputs.
     *
     * @param rdms one RDM per task
     * @param correlation Pearson or Spearman
     * @return {@code K × K}, symmetric, zero diagonal
     */
    public static double[][] taskDissimilarity(List<double[][]> rdms, Correlation correlation) {
        int k = rdms.size();
        double[][] d = new double[k][k];
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double v = 1 - compare(rdms.get(a), rdms.get(b), correlation);
                d[a][b] = v;
                d[b][a] = v;
            }
        }
        return d;
    }

    /**
     * Measures the task dissimilarity at every encoder stage of a branched network on a batch of inputs (in
     * inference mode): the per-stage input of {@link BranchedTrees}. Use a network with independent columns
     * ({@link BranchTree#independent}) trained on all tasks; tasks that share a branch at a stage have identical
     * features there (dissimilarity 0).
     *
     * @param network the initialised (trained) network
     * @param inputs a batch of at least 3 inputs; every array this method makes is freed before it returns
     * @param correlation how the RDMs are compared
     * @return one K × K matrix per stage
     */
    public static TaskDissimilarity measure(BranchedBlock network, NDArray inputs, Correlation correlation) {
        ImmutableList.Builder<double[][]> stages = ImmutableList.builder();
        try (NDManager step = inputs.getManager().newSubManager()) {
            NDArray x = inputs.duplicate();
            x.attach(step);
            List<NDList> outputs = network.stageOutputs(new ParameterStore(step, false), new NDList(x), false);
            for (NDList perTask : outputs) {
                List<double[][]> rdms = new ArrayList<>();
                for (NDArray features : perTask) {
                    rdms.add(rdm(features));
                }
                stages.add(taskDissimilarity(rdms, correlation));
            }
        }
        return new TaskDissimilarity(network.taskNames(), stages.build(), "RSA (" + correlation.name()
                .toLowerCase(Locale.ROOT) + ") of " + inputs.getShape().get(0) + " inputs");
    }

    /**
     * Pearson's correlation.
     *
     * @param x values
     * @param y values of the same length
     * @return the correlation, 0 when either has no variance
     */
    public static double pearson(double[] x, double[] y) {
        checkArgument(x.length == y.length && x.length > 1, "need two series of one length > 1, got %s and %s",
                x.length, y.length);
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - mx;
            double dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        if (!(sxx > 0) || !(syy > 0)) {
            return 0;
        }
        return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }

    /**
     * Spearman's rank correlation: Pearson's correlation of the ranks.
     *
     * @param x values
     * @param y values of the same length
     * @return the correlation
     */
    public static double spearman(double[] x, double[] y) {
        return pearson(ranks(x), ranks(y));
    }

    /**
     * The ranks of values, from 1, ties given their mean rank.
     *
     * @param x values
     * @return the ranks
     */
    public static double[] ranks(double[] x) {
        Integer[] order = new Integer[x.length];
        for (int i = 0; i < x.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> x[i]));
        double[] r = new double[x.length];
        int i = 0;
        while (i < x.length) {
            int j = i;
            while (j + 1 < x.length && x[order[j + 1]] == x[order[i]]) {
                j++;
            }
            double mean = (i + j) / 2.0 + 1;
            for (int t = i; t <= j; t++) {
                r[order[t]] = mean;
            }
            i = j + 1;
        }
        return r;
    }
}
