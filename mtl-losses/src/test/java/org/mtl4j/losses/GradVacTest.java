package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.counts;
import static org.mtl4j.losses.StrategyFixtures.ones;
import static org.mtl4j.losses.StrategyFixtures.taskNames;

import ai.djl.ndarray.NDManager;
import com.google.common.collect.ImmutableList;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;

/** GradVac on hand-worked cases, its degenerate cases and its state. */
class GradVacTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** One step on a fresh sub-manager: returns the weights, then the direction. */
    private static double[][] step(GradVac w, double[][] g, int... counts) {
        return StrategyFixtures.step(manager, w, g, ones(g.length),
                context(taskNames(g.length), GradientMode.PARAMETERS, counts(counts), 5, ImmutableList.of()));
    }

    private static double target(GradVac w, int i, int j, int k) {
        return w.state().get("targets")[i * k + j];
    }

    @Test
    void firstStepIsPcGradAndTheSecondAimsAtTheLearntTarget() {
        GradVac w = new GradVac(0.5);
        double[][] g = {{1, 0}, {-1, 1}};
        // step 1, targets 0: φ = −1/√2 < 0. Task 0: w = 1·(0 − (−1/√2)·1) / (√2·1) = ½, g0' = (½, ½).
        // Task 1: w = √2·(1/√2) / 1 = 1, g1' = (0, 1). α = (1 + 1, ½ + 1) = (2, 1.5), d = (0.5, 1.5)
        double[][] r = step(w, g);
        assertArrayEquals(new double[] {2, 1.5}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.5, 1.5}, r[1], 1e-6);
        // φ̂ = ½·0 + ½·(−1/√2) = −0.3535534
        assertEquals(-0.3535534, target(w, 0, 1, 2), 1e-6);
        assertEquals(-0.3535534, target(w, 1, 0, 2), 1e-6);
        // step 2: φ = −0.7071068 < φ̂; √(1 − φ²) = 0.7071068, √(1 − φ̂²) = √0.875 = 0.9354143.
        // Task 0: w = 1·(−0.3535534·0.7071068 + 0.7071068·0.9354143) / (√2·0.9354143) = 0.4114378 / 1.3228757
        //   = 0.3110178. Task 1: w = √2·0.4114378 / (1·0.9354143) = 0.6220355.
        // α = (1 + 0.6220355, 0.3110178 + 1); d = 1.6220355·(1, 0) + 1.3110178·(−1, 1) = (0.3110178, 1.3110178)
        r = step(w, g);
        assertArrayEquals(new double[] {1.6220355, 1.3110178}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.3110178, 1.3110178}, r[1], 1e-6);
        // the corrected g0' = (1 − 0.3110178, 0.3110178) has exactly the target similarity with g1
        double[] g0 = {1 - 0.3110178, 0.3110178};
        double cos = (-g0[0] + g0[1]) / (Math.hypot(g0[0], g0[1]) * Math.sqrt(2));
        assertEquals(-0.3535534, cos, 1e-6);
        // φ̂ = ½·(−0.3535534) + ½·(−0.7071068) = −0.5303301
        assertEquals(-0.5303301, target(w, 0, 1, 2), 1e-6);
    }

    @Test
    void onlyPairsBelowTheirTargetAreCorrected() {
        // task 2 is orthogonal to both others: φ = 0 is not below the target 0, so nothing changes for it
        double[][] r = step(new GradVac(0.5), new double[][] {{1, 0, 0}, {-1, 1, 0}, {0, 0, 1}});
        assertArrayEquals(new double[] {2, 1.5, 1}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.5, 1.5, 1}, r[1], 1e-6);
    }

    @Test
    void identicalGradientsPassUnchangedWhileTheTargetsRise() {
        GradVac w = new GradVac(0.5);
        double[][] g = {{1, 2}, {1, 2}};
        // φ = 1 ≥ φ̂: no correction; φ̂ = ½·0 + ½·1 = ½, then ½·½ + ½·1 = ¾
        for (double expected : new double[] {0.5, 0.75}) {
            double[][] r = step(w, g);
            assertArrayEquals(new double[] {1, 1}, r[0], 1e-6);
            assertArrayEquals(new double[] {2, 4}, r[1], 1e-6);
            assertEquals(expected, target(w, 0, 1, 2), 1e-6);
        }
    }

    @Test
    void oppositeGradientsCancel() {
        // g1 = −2 g0, φ = −1. Task 0: w = ‖g0‖·(0 − (−1)·1) / (‖g1‖·1) = ½, g0' = 0.
        // Task 1: w = 2, g1' = 0. α = (1 + 2, ½ + 1) = (3, 1.5), d = 3·(1, 0) + 1.5·(−2, 0) = 0
        GradVac w = new GradVac(0.5);
        double[][] r = step(w, new double[][] {{1, 0}, {-2, 0}});
        assertArrayEquals(new double[] {3, 1.5}, r[0], 1e-6);
        assertArrayEquals(new double[] {0, 0}, r[1], 1e-6);
        assertEquals(-0.5, target(w, 0, 1, 2), 1e-6);
    }

    @Test
    void oneTaskKeepsItsGradient() {
        GradVac w = new GradVac(0.5);
        double[][] r = step(w, new double[][] {{3, -4}});
        assertArrayEquals(new double[] {1}, r[0], 0);
        assertArrayEquals(new double[] {3, -4}, r[1], 1e-6);
        assertArrayEquals(new double[] {0}, w.state().get("targets"), 0);
    }

    @Test
    void absentAndZeroGradientTasksAreLeftOutAndKeepTheirTargets() {
        GradVac w = new GradVac(0.5);
        step(w, new double[][] {{1, 0}, {-1, 1}, {-0.5, -1}});
        double[] before = w.state().get("targets");
        assertTrue(before[2 * 3] != 0 || before[2] != 0, Arrays.toString(before));
        // task 2 absent (no labels, zero row): weight 0, the targets of its pairs unchanged
        double[][] r = step(w, new double[][] {{1, 0}, {-1, 1}, {0, 0}}, 4, 4, 0);
        assertEquals(0, r[0][2], 0);
        double[] after = w.state().get("targets");
        for (int i = 0; i < 3; i++) {
            assertEquals(before[i * 3 + 2], after[i * 3 + 2], 0);
            assertEquals(before[2 * 3 + i], after[2 * 3 + i], 0);
        }
        assertFalse(before[1] == after[1], "the pair of present tasks moves on");
        // a present task with a zero gradient is left out as well
        r = step(new GradVac(0.5), new double[][] {{1, 0}, {0, 0}, {0, 2}});
        assertEquals(0, r[0][1], 0);
        assertArrayEquals(new double[] {1, 2}, r[1], 1e-6);
    }

    @Test
    void restoredStateGivesTheSameNextStep() {
        double[][] g = {{1, 0.5, -1}, {-1, 1, 0.3}, {0.2, -1, 1}};
        GradVac a = new GradVac(0.5);
        step(a, g);
        GradVac b = new GradVac(0.5);
        b.restoreState(a.state());
        assertArrayEquals(a.state().get("targets"), b.state().get("targets"), 0);
        double[][] ra = step(a, g);
        double[][] rb = step(b, g);
        assertArrayEquals(ra[0], rb[0], 0);
        assertArrayEquals(ra[1], rb[1], 0);
        // without the state the step differs: the targets matter
        double[][] fresh = step(new GradVac(0.5), g);
        assertFalse(Arrays.equals(ra[0], fresh[0]));
    }

    @Test
    void rejectsABetaOutsideTheUnitInterval() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GradVac(1.5));
        assertTrue(e.getMessage().contains("gradvac: beta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradVac(0.5).restoreState(
                java.util.Map.of("targets", new double[3])));
    }
}
