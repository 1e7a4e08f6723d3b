package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.architectures.Rsa.Correlation;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.testing.NativeMemory;

/** Representation similarity analysis on hand-made features, and on the stages of a branched network. */
class RsaTest {

    @Test
    void rdmIsOneMinusPearsonBetweenInputs() {
        float[][] f = {
            {1, 2, 3},
            {2, 4, 6}, // a multiple of input 0: correlation 1
            {3, 2, 1}, // reversed: correlation −1
            {1, 0, 1}}; // uncorrelated with input 0
        double[][] rdm = Rsa.rdm(f);
        assertEquals(0.0, rdm[0][1], 1e-12);
        assertEquals(2.0, rdm[0][2], 1e-12);
        assertEquals(1.0, rdm[0][3], 1e-12);
        assertEquals(rdm[2][0], rdm[0][2], 0);
        for (int a = 0; a < 4; a++) {
            assertEquals(0.0, rdm[a][a], 0);
        }
        float[][] constant = {{1, 1, 1}, {1, 2, 3}, {3, 2, 1}};
        assertEquals(1.0, Rsa.rdm(constant)[0][1], 0, "no variance: correlation 0");
        assertThrows(IllegalArgumentException.class, () -> Rsa.rdm(new float[][] {{1, 2}, {2, 1}}));
    }

    @Test
    void spearmanRanksTiesByTheirMeanRank() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Rsa.ranks(new double[] {0.1, 0.5, 0.5, 0.9}), 0);
        // monotone but not linear: Spearman 1, Pearson below 1
        double[] x = {1, 2, 3, 4, 5};
        double[] y = {1, 4, 9, 16, 100};
        assertEquals(1.0, Rsa.spearman(x, y), 1e-12);
        assertTrue(Rsa.pearson(x, y) < 0.9, "pearson " + Rsa.pearson(x, y));
        assertEquals(-1.0, Rsa.spearman(x, new double[] {5, 4, 3, 2, 1}), 1e-12);
        // hand-computed: ranks (1,2,3,4) vs (2,1,4,3): Σd² = 4, ρ = 1 − 6·4/(4·15) = 0.6
        assertEquals(0.6, Rsa.spearman(new double[] {1, 2, 3, 4}, new double[] {20, 10, 40, 30}), 1e-12);
    }

    @Test
    void taskDissimilarityComparesTheRdmsOfTheSameInputs() {
        Random r = new Random(3);
        float[][] task0 = new float[6][5];
        float[][] scaled = new float[6][5];
        float[][] other = new float[6][5];
        for (int a = 0; a < 6; a++) {
            for (int i = 0; i < 5; i++) {
                task0[a][i] = (float) r.nextGaussian();
                scaled[a][i] = 3 * task0[a][i] + 1; // the same geometry: identical RDM
                other[a][i] = (float) r.nextGaussian();
            }
        }
        List<double[][]> rdms = List.of(Rsa.rdm(task0), Rsa.rdm(scaled), Rsa.rdm(other));
        for (Correlation c : Correlation.values()) {
            double[][] d = Rsa.taskDissimilarity(rdms, c);
            assertEquals(0.0, d[0][1], 1e-6, c.name());
            assertTrue(d[0][2] > 0.2 && d[0][2] <= 2, c + " " + d[0][2]);
            assertEquals(d[0][2], d[2][0], 0);
            assertEquals(0.0, d[1][1], 0);
        }
        // the upper triangles of two hand-made RDMs: (1, 2, 3) and (2, 1, 3) → Pearson 0.5, Spearman 0.5
        double[][] a = {{0, 1, 2}, {1, 0, 3}, {2, 3, 0}};
        double[][] b = {{0, 2, 1}, {2, 0, 3}, {1, 3, 0}};
        assertEquals(0.5, Rsa.compare(a, b, Correlation.PEARSON), 1e-12);
        assertEquals(0.5, Rsa.compare(a, b, Correlation.SPEARMAN), 1e-12);
    }

    @Test
    void rdmOfAnArrayFlattensEachSample() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] values = new float[4 * 2 * 2 * 2];
            Random r = new Random(1);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) r.nextGaussian();
            }
            NDArray x = EngineArrays.create(m, values, new Shape(4, 2, 2, 2));
            float[][] rows = new float[4][8];
            for (int a = 0; a < 4; a++) {
                System.arraycopy(values, a * 8, rows[a], 0, 8);
            }
            double[][] expected = Rsa.rdm(rows);
            double[][] actual = Rsa.rdm(x);
            for (int a = 0; a < 4; a++) {
                assertArrayEquals(expected[a], actual[a], 0);
            }
        }
    }

    @Test
    void measuresEveryStageOfABranchedNetworkWithoutLeaking() {
        try (NDManager m = NDManager.newBaseManager()) {
            BranchedArchitecture independent = BranchedArchitecture.withTree("seg/reg/nrm|seg/reg/nrm", 8);
            MultiTaskBlock block = Fixtures.create(independent, Encoders.resNet(4), m);
            NDArray x = m.randomNormal(new Shape(6, 3, 8, 8));
            int before = NativeMemory.liveResources(m);
            TaskDissimilarity d = Rsa.measure((BranchedBlock) block, x, Correlation.SPEARMAN);
            assertEquals(before, NativeMemory.liveResources(m));
            assertEquals(List.of("seg", "reg", "nrm"), d.tasks());
            assertEquals(2, d.stages().size());
            for (double[][] s : d.stages()) {
                assertTrue(s[0][1] > 0 && s[0][1] <= 2, "independent columns differ: " + s[0][1]);
            }
            // tasks that share a branch have the same features: dissimilarity 0 at that stage
            MultiTaskBlock shared = Fixtures.create(BranchedArchitecture.withTree("seg+reg+nrm|seg+reg/nrm", 8),
                    Encoders.resNet(4), m);
            TaskDissimilarity s = Rsa.measure((BranchedBlock) shared, x, Correlation.PEARSON);
            assertEquals(0.0, s.stages().get(0)[0][2], 1e-12);
            assertEquals(0.0, s.stages().get(1)[0][1], 1e-12);
            assertTrue(s.stages().get(1)[0][2] > 0);
            assertTrue(s.source().contains("6 inputs"), s.source());
        }
    }
}
