package org.mtl4j.core.gradient;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** The Gram matrix of plain and engine arrays against hand-computed products. */
class GramMatrixTest {

    private static final double[][] G = {{1, 2, 0}, {0, -1, 3}};

    @Test
    void plainArraysSumEveryPair() {
        double[][] gram = GramMatrix.of(G);
        assertArrayEquals(new double[] {5, -2}, gram[0]);
        assertArrayEquals(new double[] {-2, 10}, gram[1]);
    }

    @Test
    void engineArraysGiveTheSameProductBothWays() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray g = manager.create(new float[] {1, 2, 0, 0, -1, 3}, new Shape(2, 3));
            double[][] symmetric = GramMatrix.of(g);
            double[][] engine = GramMatrix.engineProduct(g);
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(GramMatrix.of(G)[i], symmetric[i]);
                assertArrayEquals(GramMatrix.of(G)[i], engine[i]);
            }
        }
    }

    @Test
    void rejectsRaggedAndNonMatrixInput() {
        assertEquals("task gradient 1 has 1 values, task gradient 0 has 2",
                assertThrows(IllegalArgumentException.class, () -> GramMatrix.of(new double[][] {{1, 2}, {3}}))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> GramMatrix.of(new double[0][]));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray v = manager.create(new float[] {1, 2});
            assertThrows(IllegalArgumentException.class, () -> GramMatrix.engineProduct(v));
        }
    }
}
