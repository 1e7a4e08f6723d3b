package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.counts;
import static org.mtl4j.losses.StrategyFixtures.taskNames;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;

/** DB-MTL's log-loss gradient averages and norm balancing worked by hand, its degenerate cases and its state. */
class DbMtlTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** One step on a sub-manager closed right after: returns the weights, then the direction. */
    private static double[][] step(DbMtl w, double[][] g, double[] losses, int... counts) {
        return StrategyFixtures.step(manager, w, g, losses,
                context(taskNames(g.length), GradientMode.PARAMETERS, counts(counts)));
    }

    @Test
    void twoStepsWorkedByHand() {
        try (DbMtl w = new DbMtl(0.9, 0)) {
            // step 1: g/L = (2, 0)/2 = (1, 0) and (0, 1)/0.25 = (0, 4); ĝ = 0.1·g/L = (0.1, 0), (0, 0.4)
            //   norms 0.1 and 0.4: weights 0.4/(0.1 + 1e−8) = 3.9999996 and 0.4/(0.4 + 1e−8) = 1; d = (0.4, 0.4)
            double[][] r = step(w, new double[][] {{2, 0}, {0, 1}}, new double[] {2, 0.25});
            assertArrayEquals(new double[] {3.9999996, 1}, r[0], 1e-6);
            assertArrayEquals(new double[] {0.4, 0.4}, r[1], 1e-6);
            // step 2: g/L = (0, 2)/1 and (0, 1)/0.25 = (0, 4):
            //   ĝ_1 = 0.9·(0.1, 0) + 0.1·(0, 2) = (0.09, 0.2), ‖ĝ_1‖ = √0.0481 = 0.2193171
            //   ĝ_2 = 0.9·(0, 0.4) + 0.1·(0, 4) = (0, 0.76), the largest norm
            //   weights (0.76/0.2193171, 1) = (3.4653016, 1); d = 3.4653016·(0.09, 0.2) + (0, 0.76)
            //   = (0.3118771, 1.4530603)
            r = step(w, new double[][] {{0, 2}, {0, 1}}, new double[] {1, 0.25});
            assertArrayEquals(new double[] {3.4653016, 1}, r[0], 1e-5);
            assertArrayEquals(new double[] {0.3118771, 1.4530603}, r[1], 1e-5);
            assertArrayEquals(new double[] {0.09, 0.2, 0, 0.76}, w.state().get("averages"), 1e-7);
            assertArrayEquals(new double[] {2}, w.state().get("step"), 0);
        }
    }

    @Test
    void theLossScaleDoesNotMatter() {
        // scaling a task's loss by c scales its gradient by c: g/L, and so everything, is unchanged
        try (DbMtl a = new DbMtl(0.9, 0); DbMtl b = new DbMtl(0.9, 0)) {
            double[][] ra = step(a, new double[][] {{1, 2, 0}, {0, -1, 1}}, new double[] {0.5, 2});
            double[][] rb = step(b, new double[][] {{100, 200, 0}, {0, -1, 1}}, new double[] {50, 2});
            assertArrayEquals(ra[0], rb[0], 1e-5);
            assertArrayEquals(ra[1], rb[1], 1e-6);
        }
    }

    @Test
    void identicalAndOppositeGradients() {
        try (DbMtl w = new DbMtl(0.9, 0)) {
            // identical: ĝ_1 = ĝ_2 = 0.1·(1, 2), weights ≈ 1, d = 2·0.1·(1, 2)
            double[][] r = step(w, new double[][] {{1, 2}, {1, 2}}, new double[] {1, 1});
            assertArrayEquals(new double[] {1, 1}, r[0], 1e-6);
            assertArrayEquals(new double[] {0.2, 0.4}, r[1], 1e-6);
        }
        try (DbMtl w = new DbMtl(0.9, 0)) {
            // opposite with equal losses: equal norms, weights ≈ 1, the averages cancel
            double[][] r = step(w, new double[][] {{1, 2}, {-1, -2}}, new double[] {1, 1});
            assertArrayEquals(new double[] {1, 1}, r[0], 1e-6);
            assertArrayEquals(new double[] {0, 0}, r[1], 1e-7);
        }
    }

    @Test
    void oneTaskFollowsItsAveragedLogLossGradient() {
        try (DbMtl w = new DbMtl(0.9, 0)) {
            // ĝ = 0.1·(3, −1)/0.5 = (0.6, −0.2), weight ‖ĝ‖/(‖ĝ‖ + 1e−8) ≈ 1
            double[][] r = step(w, new double[][] {{3, -1}}, new double[] {0.5});
            assertEquals(1, r[0][0], 1e-6);
            assertArrayEquals(new double[] {0.6, -0.2}, r[1], 1e-6);
        }
    }

    @Test
    void leftOutTasksKeepTheirAverageAndDoNotSetTheScale() {
        try (DbMtl w = new DbMtl(0.9, 0)) {
            step(w, new double[][] {{1, 0}, {0, 10}}, new double[] {1, 1});
            // ĝ = (0.1, 0), (0, 1). Task 1 absent: ĝ_1 = 0.9·(0.1, 0) + 0.1·(1, 0) = (0.19, 0), ĝ_2 stays (0, 1)
            // and, left out, does not count for the largest norm: task 0 gets weight ≈ 1, d = (0.19, 0)
            double[][] r = step(w, new double[][] {{1, 0}, {0, 0}}, new double[] {1, 0}, 3, 0);
            assertArrayEquals(new double[] {1, 0}, r[0], 1e-6);
            assertArrayEquals(new double[] {0.19, 0}, r[1], 1e-6);
            assertArrayEquals(new double[] {0.19, 0, 0, 1}, w.state().get("averages"), 1e-7);
            // a present task with a zero gradient is left out the same way
            r = step(w, new double[][] {{0, 0}, {0, 10}}, new double[] {1, 1});
            assertEquals(0, r[0][0], 0);
            assertEquals(0.19, w.state().get("averages")[0], 1e-7);
        }
    }

    @Test
    void restoredStateGivesTheSameNextStep() {
        double[][] g = {{1, 0.5, -1}, {-1, 1, 0.3}, {0.2, -1, 1}};
        double[] l = {1.5, 0.7, 0.2};
        try (DbMtl a = new DbMtl(0.9, 0.5); DbMtl b = new DbMtl(0.9, 0.5)) {
            step(a, g, l);
            step(a, g, l);
            b.restoreState(a.state());
            double[][] ra = step(a, g, l);
            double[][] rb = step(b, g, l);
            assertArrayEquals(ra[0], rb[0], 0);
            assertArrayEquals(ra[1], rb[1], 0);
            assertArrayEquals(a.state().get("averages"), b.state().get("averages"), 0);
            assertArrayEquals(new double[] {3}, b.state().get("step"), 0);
        }
    }

    @Test
    void rejectsNegativeLossesAndBadArguments() {
        try (DbMtl w = new DbMtl(0.9, 0)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> step(w, new double[][] {{1, 0}, {0, 1}}, new double[] {1, -0.5}));
            assertTrue(e.getMessage().contains("dbmtl: task 't1' has loss -0.5"), e.getMessage());
            assertTrue(w.state().isEmpty(), "nothing was updated");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DbMtl(1, 0));
        assertTrue(e.getMessage().contains("dbmtl: beta"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new DbMtl(0.9, -1));
    }
}
