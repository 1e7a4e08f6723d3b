package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.counts;
import static org.mtl4j.losses.StrategyFixtures.taskNames;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;

/** MoCo's tracking and λ steps worked by hand, its degenerate cases and its state. */
class MoCoTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static MoCo paper() {
        return new MoCo(0.5, 0.5, 0.1, 0.5, 0, false);
    }

    /** One step on a sub-manager closed right after: returns the weights, then the direction. */
    private static double[][] step(MoCo w, double[][] g, double[] losses, int... counts) {
        return StrategyFixtures.step(manager, w, g, losses,
                context(taskNames(g.length), GradientMode.PARAMETERS, counts(counts)));
    }

    @Test
    void twoStepsOfThePapersUpdateWorkedByHand() {
        MoCo w = paper();
        double[][] g = {{1, 0}, {0, 2}};
        // t = 1: β_1 = 0.5, γ_1 = 0.1. y = 0 + 0.5 (g − 0): y_1 = (0.5, 0), y_2 = (0, 1); Y Yᵀ = diag(0.25, 1)
        //   λ − γ Y Yᵀ λ = (0.5 − 0.1·0.125, 0.5 − 0.1·0.5) = (0.4875, 0.45); its sum is 0.9375, so the projection
        //   adds (1 − 0.9375)/2 = 0.03125 to each: λ = (0.51875, 0.48125); d = (0.51875·0.5, 0.48125·1)
        double[][] r = step(w, g, new double[] {2, 1});
        assertArrayEquals(new double[] {0.51875, 0.48125}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.259375, 0.48125}, r[1], 1e-6);
        // t = 2: β_2 = 0.5/√2 = 0.3535534, γ_2 = 0.1/√2 = 0.0707107.
        //   y_1 = 0.6464466·(0.5, 0) + 0.3535534·(1, 0) = (0.6767767, 0); y_2 = (0, 0.6464466 + 0.7071068 = 1.3535534)
        //   Y Yᵀ λ = (0.4580267·0.51875, 1.8321068·0.48125) = (0.2376014, 0.8817014)
        //   λ − γ_2 Y Yᵀ λ = (0.5019490, 0.4189043); sum 0.9208533, + 0.0395733 each: λ = (0.5415224, 0.4584776)
        //   d = (0.5415224·0.6767767, 0.4584776·1.3535534) = (0.3664897, 0.6205739)
        r = step(w, g, new double[] {2, 1});
        assertArrayEquals(new double[] {0.5415224, 0.4584776}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.3664897, 0.6205739}, r[1], 1e-6);
        assertArrayEquals(new double[] {0.6767767, 0, 0, 1.3535534}, w.state().get("tracked"), 1e-6);
        assertArrayEquals(new double[] {2}, w.state().get("step"), 0);
        w.close();
    }

    @Test
    void libmtlVariantTracksLossScaledUnitGradientsAndUsesASoftmax() {
        MoCo w = new MoCo(0.5, 0.5, 0.1, 0.5, 0, true);
        // h_i = L_i g_i/‖g_i‖: h_1 = 2·(1, 0), h_2 = 1·(0, 1); y = 0.5 h: (1, 0), (0, 0.5); Y Yᵀ = diag(1, 0.25)
        // λ = softmax((0.5, 0.5) − 0.1·(0.5, 0.125)) = softmax(0.45, 0.4875): λ_1 = 1/(1 + e^{0.0375}) = 0.4906261
        double[][] r = step(w, new double[][] {{1, 0}, {0, 2}}, new double[] {2, 1});
        assertArrayEquals(new double[] {0.4906261, 0.5093739}, r[0], 1e-6);
        assertArrayEquals(new double[] {0.4906261, 0.2546869}, r[1], 1e-6);
        w.close();
    }

    @Test
    void identicalGradientsKeepEqualWeights() {
        // Y Yᵀ has equal entries, so both λ move by the same amount and the projection restores (½, ½)
        MoCo w = paper();
        double[][] r = step(w, new double[][] {{1, 1}, {1, 1}}, new double[] {1, 1});
        assertArrayEquals(new double[] {0.5, 0.5}, r[0], 1e-7);
        assertArrayEquals(new double[] {0.5, 0.5}, r[1], 1e-6);
        w.close();
    }

    @Test
    void oppositeGradientsCancel() {
        // y = (0.5, 0), (−0.5, 0): Y Yᵀ λ = 0.25·(½ − ½, −½ + ½) = 0, λ stays (½, ½) and d = 0
        MoCo w = paper();
        double[][] r = step(w, new double[][] {{1, 0}, {-1, 0}}, new double[] {1, 1});
        assertArrayEquals(new double[] {0.5, 0.5}, r[0], 1e-7);
        assertArrayEquals(new double[] {0, 0}, r[1], 1e-6);
        w.close();
    }

    @Test
    void oneTaskFollowsItsTrackedGradient() {
        // y = 0.5 g, then y = (1 − 0.3535534)·0.5 g + 0.3535534 g = 0.6767767 g
        MoCo w = paper();
        double[][] r = step(w, new double[][] {{2, -2}}, new double[] {1});
        assertArrayEquals(new double[] {1}, r[0], 0);
        assertArrayEquals(new double[] {1, -1}, r[1], 1e-6);
        r = step(w, new double[][] {{2, -2}}, new double[] {1});
        assertArrayEquals(new double[] {1.3535534, -1.3535534}, r[1], 1e-6);
        w.close();
    }

    @Test
    void leftOutTasksKeepTheirTrackedGradientAndWeight() {
        MoCo w = paper();
        step(w, new double[][] {{1, 0}, {0, 2}}, new double[] {2, 1});
        // task 1 absent: its row is zero; y_2 and λ_2 stay, task 0 moves alone within its share λ_1 = 0.51875
        // y_1 = 0.6767767·(1, 0)... (as in the worked case), weight 1 for task 0, d = y_1
        double[][] r = step(w, new double[][] {{1, 0}, {0, 0}}, new double[] {2, 0}, 5, 0);
        assertArrayEquals(new double[] {1, 0}, r[0], 0);
        assertArrayEquals(new double[] {0.6767767, 0}, r[1], 1e-6);
        assertArrayEquals(new double[] {0.6767767, 0, 0, 1}, w.state().get("tracked"), 1e-6);
        assertArrayEquals(new double[] {0.51875, 0.48125}, w.state().get("lambda"), 1e-7);
        // a present task with a zero gradient is left out the same way
        r = step(w, new double[][] {{0, 0}, {0, 2}}, new double[] {1, 1});
        assertEquals(0, r[0][0], 0);
        assertEquals(1, r[0][1], 1e-12);
        assertEquals(0.6767767, w.state().get("tracked")[0], 1e-6);
        // no active task at all: zero direction, nothing moves
        double[] before = w.state().get("tracked");
        r = step(w, new double[][] {{0, 0}, {0, 0}}, new double[] {0, 0});
        assertArrayEquals(new double[] {0, 0}, r[1], 0);
        assertArrayEquals(before, w.state().get("tracked"), 0);
        assertArrayEquals(new double[] {3}, w.state().get("step"), 0);
        w.close();
    }

    @Test
    void restoredStateGivesTheSameNextStep() {
        double[][] g = {{1, 0.5, -1}, {-1, 1, 0.3}, {0.2, -1, 1}};
        double[] l = {1.5, 0.7, 0.2};
        MoCo a = paper();
        MoCo b = paper();
        try (a; b) {
            step(a, g, l);
            step(a, g, l);
            b.restoreState(a.state());
            Map<String, double[]> saved = b.state();
            for (String key : a.state().keySet()) {
                assertArrayEquals(a.state().get(key), saved.get(key), 0, key);
            }
            double[][] ra = step(a, g, l);
            double[][] rb = step(b, g, l);
            assertArrayEquals(ra[0], rb[0], 0);
            assertArrayEquals(ra[1], rb[1], 0);
            assertArrayEquals(a.state().get("tracked"), b.state().get("tracked"), 0);
        }
        // closing forgets the state
        assertTrue(a.state().isEmpty());
    }

    @Test
    void checksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MoCo(0, 0.5, 0.1, 0.5, 0, false));
        assertTrue(e.getMessage().contains("moco: beta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MoCo(0.5, 0.5, -1, 0.5, 0, false));
        assertThrows(IllegalArgumentException.class, () -> new MoCo(0.5, 0.5, 0.1, 0.5, -1, false));
        MoCo w = paper();
        w.restoreState(Map.of("tracked", new double[6], "lambda", new double[] {0.5, 0.5}, "step",
                new double[] {1}));
        // 6 values cannot be the K×D state of 2 tasks with D = 2
        e = assertThrows(IllegalArgumentException.class,
                () -> step(w, new double[][] {{1, 0}, {0, 1}}, new double[] {1, 1}));
        assertTrue(e.getMessage().contains("moco: checkpoint state"), e.getMessage());
        w.close();
    }
}
