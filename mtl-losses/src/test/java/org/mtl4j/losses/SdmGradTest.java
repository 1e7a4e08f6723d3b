package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.WeightingFunctions.Combination;

/** SDMGrad's inner projected SGD worked by hand, its state, and the degenerate cases. */
class SdmGradTest {

    private static final double[][] DIAG = {{1, 0}, {0, 3}}; // G = diag(1, 9)
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** λ = 0.3, η = 0.1, β = 0.5, 2 inner iterations: small enough to follow by hand. */
    private static SdmGrad slow() {
        return new SdmGrad(0.3, 0.1, 0.5, 2);
    }

    @Test
    void twoInnerIterationsWorkedByHand() {
        // scale s = mean(√1, √9) = 2, A = G / s² = diag(¼, 9/4); w̃ = (½, ½), λ w̃ = (0.15, 0.15)
        // it 1: u = w + λw̃ = (0.65, 0.65), v = Au = (0.1625, 1.4625), y = w − 0.1 v = (0.48375, 0.35375),
        //       projection adds (1 − 0.8375)/2: w = (0.565, 0.435)
        // it 2: u = (0.715, 0.585), Au = (0.17875, 1.31625), v = ½(0.1625, 1.4625) + Au = (0.26, 2.0475),
        //       y = (0.539, 0.23025), projection adds 0.115375: w = (0.654375, 0.345625)
        // weights (w + λw̃)/(1 + λ) = (0.804375, 0.495625)/1.3 = (0.61875, 0.38125); d = (0.61875, 3·0.38125)
        SdmGrad s = slow();
        Combination c = s.combine(DIAG, 0);
        assertArrayEquals(new double[] {0.61875, 0.38125}, c.weights(), 1e-8);
        assertArrayEquals(new double[] {0.61875, 1.14375}, c.direction(), 1e-8);
        assertArrayEquals(new double[] {0.654375, 0.345625}, s.state().get("w"), 1e-8);
    }

    @Test
    void defaultsReachTheVertexThatIsTheConstrainedMinimum() {
        // min_{w ∈ Δ} ½‖Σ (w_i + 0.15) g_i‖² = ½((w_1 + 0.15)² + 9 (1.15 − w_1)²) is decreasing on [0, 1]
        // (its stationary point w_1 = 1.02 lies outside), so w = (1, 0): weights (1.15, 0.15)/1.3
        SdmGrad s = new SdmGrad(SdmGrad.DEFAULT_LAMBDA);
        Combination c = s.combine(DIAG, 0);
        assertArrayEquals(new double[] {1.15 / 1.3, 0.15 / 1.3}, c.weights(), 1e-12);
        assertArrayEquals(new double[] {1.15 / 1.3, 0.45 / 1.3}, c.direction(), 1e-12);
        assertArrayEquals(new double[] {1, 0}, s.state().get("w"), 0);
        // a huge λ pulls the weights to the average
        assertArrayEquals(new double[] {0.5, 0.5}, new SdmGrad(1e9).combine(DIAG, 0).weights(), 1e-8);
    }

    @Test
    void wSurvivesACheckpointAndTheHookMatchesThePlainForm() {
        SdmGrad a = slow();
        a.combine(DIAG, 0);
        SdmGrad b = slow();
        b.restoreState(a.state());
        assertArrayEquals(a.state().get("w"), b.state().get("w"), 0);
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = b.combineGradients(EngineArrays.create(m, new float[] {1, 0, 0, 3},
                    new Shape(2, 2)), new NDList(EngineArrays.scalar(m, 1), EngineArrays.scalar(m, 1)),
                    new NDList(), context(2, ImmutableList.of()));
            assertArrayEquals(a.combine(DIAG, 0).weights(), c.weights(), 1e-7);
        }
        assertArrayEquals(a.state().get("w"), b.state().get("w"), 1e-7);
        assertTrue(slow().state().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.restoreState(Map.of("w", new double[] {-0.5, 1.5})));
        assertTrue(e.getMessage().startsWith("sdmgrad: "), e.getMessage());
    }

    @Test
    void identicalOppositeZeroAndSingleGradients() {
        SdmGrad d = new SdmGrad(0.3);
        // identical rows: Au has equal entries, w stays uniform, d = g
        Combination same = d.combine(new double[][] {{1, 1}, {1, 1}}, 0);
        assertArrayEquals(new double[] {0.5, 0.5}, same.weights(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, same.direction(), 1e-12);
        // opposite rows: A(w + λw̃) = 0 from the uniform start, d = 0
        Combination opposite = new SdmGrad(0.3).combine(new double[][] {{1, 0}, {-1, 0}}, 0);
        assertArrayEquals(new double[] {0.5, 0.5}, opposite.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, opposite.direction(), 1e-12);
        // zero gradients: nothing active, zero weights and direction
        Combination zero = new SdmGrad(0.3).combine(new double[][] {{0, 0}, {0, 0}}, 0);
        assertArrayEquals(new double[2], zero.weights(), 0);
        assertArrayEquals(new double[2], zero.direction(), 0);
        // one task: w = 1, weight (1 + λ)/(1 + λ) = 1
        Combination one = new SdmGrad(0.3).combine(new double[][] {{2, -2}}, 0);
        assertArrayEquals(new double[] {1}, one.weights(), 1e-12);
        assertArrayEquals(new double[] {2, -2}, one.direction(), 1e-12);
    }

    @Test
    void absentTasksAreLeftOutAndKeepTheirShare() {
        SdmGrad s = slow();
        // w = (⅓, ⅓, ⅓); c absent: a and b solve from (½, ½) with w̃ = (½, ½), exactly the hand-worked example
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = s.combineGradients(EngineArrays.create(m, new float[] {1, 0, 0, 0, 3, 0, 0, 0, 0},
                    new Shape(3, 3)), new NDList(EngineArrays.scalar(m, 1), EngineArrays.scalar(m, 1),
                    EngineArrays.scalar(m, 0)), new NDList(), context(3, ImmutableList.of(2, 2, 0)));
            assertArrayEquals(new double[] {0.61875, 0.38125, 0}, c.weights(), 1e-7);
            assertArrayEquals(new float[] {0.61875f, 1.14375f, 0}, c.gradient().toFloatArray(), 1e-6f);
        }
        assertArrayEquals(new double[] {0.654375 * 2 / 3, 0.345625 * 2 / 3, 1 / 3.0}, s.state().get("w"), 1e-7);
    }

    @Test
    void argumentsAreCheckedNamingTheCulprit() {
        assertEquals("sdmgrad:0.3", new SdmGrad(SdmGrad.DEFAULT_LAMBDA).toString());
        assertEquals("sdmgrad", new SdmGrad(0.3).name());
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), new SdmGrad(0.3).gradientModes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SdmGrad(-1));
        assertTrue(e.getMessage().startsWith("sdmgrad: lambda"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SdmGrad(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SdmGrad(0.3, 0, 0.5, 20));
        assertThrows(IllegalArgumentException.class, () -> new SdmGrad(0.3, 10, 1, 20));
        assertThrows(IllegalArgumentException.class, () -> new SdmGrad(0.3, 10, 0.5, 0));
    }
}
