package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;

/** MTG-Net's meta-learner: its forward pass against a hand-written one, its fit, its determinism, bad input. */
class GainPredictorTest {

    /** The formula of {@link GainNetwork}, written out in double arithmetic over plain arrays. */
    static double[] reference(GainNetwork net, int[] mask) {
        int k = net.tasks;
        int h = net.hidden;
        double[][] x = new double[k][h];
        for (int t = 0; t < k; t++) {
            for (int j = 0; j < h; j++) {
                x[t][j] = net.values[0][t * h + j];
            }
        }
        for (int l = 0; l < net.layers; l++) {
            int o = 1 + l * GainNetwork.PER_LAYER;
            double[][] q = lin(x, net, o);
            double[][] kk = lin(x, net, o + 2);
            double[][] v = lin(x, net, o + 4);
            double[][] ctx = new double[k][h];
            for (int i = 0; i < k; i++) {
                double[] s = new double[k];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    double dot = 0;
                    for (int d = 0; d < h; d++) {
                        dot += q[i][d] * kk[j][d];
                    }
                    s[j] = dot / Math.sqrt(h) / 0.2 + (mask[i] == 1 && mask[j] == 1 ? 0 : -1e9);
                    max = Math.max(max, s[j]);
                }
                double z = 0;
                for (int j = 0; j < k; j++) {
                    s[j] = Math.exp(s[j] - max);
                    z += s[j];
                }
                for (int j = 0; j < k; j++) {
                    for (int d = 0; d < h; d++) {
                        ctx[i][d] += s[j] / z * v[j][d];
                    }
                }
            }
            double[][] y = norm(add(x, lin(ctx, net, o + 6)), net, o + 8);
            double[][] f = lin(relu(lin(y, net, o + 10)), net, o + 12);
            x = norm(add(y, f), net, o + 14);
        }
        int last = 1 + net.layers * GainNetwork.PER_LAYER;
        double[] out = new double[k];
        for (int t = 0; t < k; t++) {
            double s = net.values[last + 1][0];
            for (int d = 0; d < h; d++) {
                s += x[t][d] * net.values[last][d];
            }
            out[t] = mask[t] == 1 ? s : 0;
        }
        return out;
    }

    private static double[][] lin(double[][] x, GainNetwork net, int at) {
        int h = net.hidden;
        double[][] y = new double[x.length][h];
        for (int i = 0; i < x.length; i++) {
            for (int c = 0; c < h; c++) {
                double s = net.values[at + 1][c];
                for (int d = 0; d < h; d++) {
                    s += x[i][d] * net.values[at][d * h + c];
                }
                y[i][c] = s;
            }
        }
        return y;
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                y[i][j] = a[i][j] + b[i][j];
            }
        }
        return y;
    }

    private static double[][] relu(double[][] a) {
        double[][] y = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i].clone();
            for (int j = 0; j < y[i].length; j++) {
                y[i][j] = Math.max(0, y[i][j]);
            }
        }
        return y;
    }

    private static double[][] norm(double[][] x, GainNetwork net, int at) {
        double[][] y = new double[x.length][x[0].length];
        for (int i = 0; i < x.length; i++) {
            double mean = 0;
            for (double v : x[i]) {
                mean += v / x[i].length;
            }
            double var = 0;
            for (double v : x[i]) {
                var += (v - mean) * (v - mean) / x[i].length;
            }
            for (int j = 0; j < x[i].length; j++) {
                y[i][j] = (x[i][j] - mean) / Math.sqrt(var + 1e-5) * net.values[at][j] + net.values[at + 1][j];
            }
        }
        return y;
    }

    /** Random values everywhere, layer-norm scales and shifts included, so that no term hides behind 1 or 0. */
    private static GainNetwork randomNetwork(int k, int h, int layers, long seed) {
        GainNetwork net = GainNetwork.initial(k, h, layers, seed);
        Random r = new Random(seed + 1);
        for (float[] v : net.values) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (r.nextGaussian() * 0.7);
            }
        }
        return net;
    }

    @Test
    void forwardPassIsTheFormulaForOddWidthsAndMasks() {
        int[][] masks = {{1, 1, 0}, {1, 1, 1}, {0, 0, 1}, {1, 0, 1}};
        for (int[] dims : new int[][] {{3, 1, 1}, {3, 3, 2}, {3, 5, 1}}) {
            GainNetwork net = randomNetwork(dims[0], dims[1], dims[2], 7 + dims[1]);
            float[] flat = new float[masks.length * 3];
            for (int i = 0; i < masks.length; i++) {
                for (int t = 0; t < 3; t++) {
                    flat[i * 3 + t] = masks[i][t];
                }
            }
            try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
                // batch sizes 1 and 4: the same rows give the same gains
                float[] all = net.forward(net.arrays(m, false), EngineArrays.create(m, flat, new Shape(4, 3)))
                        .toFloatArray();
                for (int i = 0; i < masks.length; i++) {
                    double[] expected = reference(net, masks[i]);
                    float[] one = net.forward(net.arrays(m, false), EngineArrays.create(m, new float[] {masks[i][0],
                        masks[i][1], masks[i][2]}, new Shape(1, 3))).toFloatArray();
                    for (int t = 0; t < 3; t++) {
                        String where = "h=" + dims[1] + " L=" + dims[2] + " mask " + i + " task " + t;
                        assertEquals(expected[t], all[i * 3 + t], 1e-4 * (1 + Math.abs(expected[t])), where);
                        assertEquals(all[i * 3 + t], one[t], 1e-5 * (1 + Math.abs(expected[t])), where);
                        if (masks[i][t] == 0) {
                            assertTrue(all[i * 3 + t] == 0f, where + ": a non-member has no gain");
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientOfTheForwardPassMatchesFiniteDifferences() {
        GainNetwork net = randomNetwork(3, 2, 1, 11);
        int[] mask = {1, 1, 0};
        // d(gain of task 0)/d(one entry of each tensor), central differences in double on the reference
        try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
            List<NDArray> p = net.arrays(m, true);
            try (var gc = m.getEngine().newGradientCollector()) {
                NDArray out = net.forward(p, EngineArrays.create(m, new float[] {1, 1, 0}, new Shape(1, 3)));
                gc.backward(out.get(0, 0));
            }
            for (int i = 0; i < net.values.length; i++) {
                float g = p.get(i).getGradient().toFloatArray()[0];
                float saved = net.values[i][0];
                double eps = 1e-3;
                net.values[i][0] = (float) (saved + eps);
                double up = reference(net, mask)[0];
                net.values[i][0] = (float) (saved - eps);
                double down = reference(net, mask)[0];
                net.values[i][0] = saved;
                double fd = (up - down) / (2 * eps);
                assertEquals(fd, g, 2e-2 * (1 + Math.abs(fd)), "tensor " + i);
            }
        }
    }

    static GainPredictor.Observation observe(double[][] theta, List<Integer> members) {
        double[] g = GainPredictor.nanGains(theta.length);
        for (int t : members) {
            double s = 0;
            for (int j : members) {
                s += j == t ? 0 : theta[t][j];
            }
            g[t] = s;
        }
        return new GainPredictor.Observation(ImmutableList.copyOf(members), g);
    }

    @Test
    void learnsAnAdditiveGainModelBetterThanNoTransferAndIsDeterministic() {
        double[][] theta = new double[5][5];
        Random r = new Random(3);
        for (int t = 0; t < 5; t++) {
            for (int j = 0; j < 5; j++) {
                theta[t][j] = t == j ? 0 : 0.2 * (r.nextDouble() - 0.5);
            }
        }
        List<GainPredictor.Observation> train = new ArrayList<>();
        List<List<Integer>> triples = new ArrayList<>();
        for (int a = 0; a < 5; a++) {
            train.add(observe(theta, List.of(a)));
            for (int b = a + 1; b < 5; b++) {
                train.add(observe(theta, List.of(a, b)));
                for (int c = b + 1; c < 5; c++) {
                    triples.add(List.of(a, b, c));
                }
            }
        }
        GainPredictor.Settings s = GainPredictor.Settings.defaults(1);
        GainPredictor p = GainPredictor.fit(5, train, s, Device.cpu());
        assertTrue(p.trainingError() < 0.01, "fits its 15 observations: " + p);
        assertEquals(2, p.ensembleSize());
        double[][] predicted = p.predict(triples);
        double err = 0;
        double zero = 0;
        for (int i = 0; i < triples.size(); i++) {
            GainPredictor.Observation truth = observe(theta, triples.get(i));
            for (int t : triples.get(i)) {
                err += Math.abs(predicted[i][t] - truth.gains()[t]);
                zero += Math.abs(truth.gains()[t]);
            }
        }
        assertTrue(err < 0.5 * zero, "held-out triples: error " + err + " against " + zero + " for no transfer");
        assertArrayEquals(predicted, GainPredictor.fit(5, train, s, Device.cpu()).predict(triples),
                "same observations and seed: bit-identical");
    }

    @Test
    void degenerateCasesAndBadInput() {
        // one task, gain 0: predicts ~0; all measured gains zero: fits them
        GainPredictor.Settings s = new GainPredictor.Settings(5, 1, 0.007, 5e-4, 400, 20, 1, 2);
        GainPredictor one = GainPredictor.fit(1, List.of(new GainPredictor.Observation(ImmutableList.of(0),
                new double[] {0})), s, Device.cpu());
        assertEquals(0, one.predict(List.of(List.of(0)))[0][0], 0.05);
        List<GainPredictor.Observation> flat = List.of(observe(new double[3][3], List.of(1)),
                observe(new double[3][3], List.of(0, 1)), observe(new double[3][3], List.of(0, 1, 2)));
        double[][] g = GainPredictor.fit(3, flat, s, Device.cpu()).predict(List.of(List.of(0, 1), List.of(1)));
        for (double[] row : g) {
            for (double v : row) {
                assertEquals(0, v, 0.05);
            }
        }
        assertEquals(0.0, g[1][0], "a non-member's gain is 0 exactly");
        double[] nan = {Double.NaN, 0.1};
        String m = assertThrows(IllegalArgumentException.class, () -> GainPredictor.fit(2, List.of(
                new GainPredictor.Observation(ImmutableList.of(0, 1), nan)), s, Device.cpu())).getMessage();
        assertTrue(m.contains("observation 0: the gain of member 0 is NaN"), m);
        assertThrows(IllegalArgumentException.class, () -> GainPredictor.fit(2, List.of(), s, Device.cpu()));
        assertThrows(IllegalArgumentException.class, () -> new GainPredictor.Settings(0, 1, 0.1, 0, 1, 1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> GainPredictor.fit(2, flat, s, Device.cpu()));
    }
}
