package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtl4j.losses.StrategyFixtures.context;
import static org.mtl4j.losses.StrategyFixtures.counts;
import static org.mtl4j.losses.StrategyFixtures.ones;
import static org.mtl4j.losses.StrategyFixtures.taskNames;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;

/** ExcessMTL's excess-risk estimates and weight updates worked by hand, its degenerate cases and its state. */
class ExcessMtlTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static double[][] step(ExcessMtl w, double[][] g, int... counts) {
        return step(w, g, GradientMode.PARAMETERS, ImmutableList.of(), counts);
    }

    /** One step on a sub-manager closed right after: returns the weights, then the direction. */
    private static double[][] step(ExcessMtl w, double[][] g, GradientMode mode,
            ImmutableList<GradientSegment> segments, int... counts) {
        return StrategyFixtures.step(manager, w, g, ones(g.length),
                context(taskNames(g.length), mode, counts(counts), 0, segments));
    }

    @Test
    void theFirstStepSetsTheBaselineAndTheSecondMovesTheWeights() {
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            // step 1: S = g² = (1, 0), (0, 4); Ê = Σ g²/√(S + 1e−7) = (1/1, 4/2) = (1, 2): the baselines.
            // The weights stay 1: d = g1 + g2 = (1, 2)
            double[][] r = step(w, new double[][] {{1, 0}, {0, 2}});
            assertArrayEquals(new double[] {1, 1}, r[0], 0);
            assertArrayEquals(new double[] {1, 2}, r[1], 1e-6);
            assertArrayEquals(new double[] {1, 2}, w.state().get("baseline"), 1e-6);
            // step 2: g1 = (1, 1), g2 = (0, 1); S = (2, 1), (0, 5)
            //   Ê_1 = 1/√2 + 1/√1 = 1.7071068, Ê_2 = 1/√5 = 0.4472136; ratios (1.7071068, 0.2236068)
            //   w ∝ (e^{0.5·1.7071068}, e^{0.5·0.2236068}) = (2.3479753, 1.1182930), scaled to sum 2:
            //   w = (1.3547568, 0.6452432); d = 1.3547568·(1, 1) + 0.6452432·(0, 1) = (1.3547568, 2)
            r = step(w, new double[][] {{1, 1}, {0, 1}});
            assertArrayEquals(new double[] {1.3547568, 0.6452432}, r[0], 1e-6);
            assertArrayEquals(new double[] {1.3547568, 2}, r[1], 1e-6);
            assertArrayEquals(new double[] {2, 1, 0, 5}, w.state().get("squares"), 1e-6);
        }
    }

    @Test
    void longerWarmUpAveragesTheBaseline() {
        try (ExcessMtl w = new ExcessMtl(0.5, 2)) {
            step(w, new double[][] {{1, 0}, {0, 2}});
            double[][] r = step(w, new double[][] {{1, 1}, {0, 1}});
            assertArrayEquals(new double[] {1, 1}, r[0], 0);
            // baseline = mean of (1, 2) and (1.7071068, 0.4472136) = (1.3535534, 1.2236068)
            assertArrayEquals(new double[] {1.3535534, 1.2236068}, w.state().get("baseline"), 1e-6);
            // step 3: S = (3, 2), (0, 6): Ê = (1/√3 + 1/√2, 1/√6) = (1.2844571, 0.4082483);
            //   ratios (0.9489520, 0.3336434), w ∝ (e^{0.4744760}, e^{0.1668217}) = (1.6071718, 1.1815436),
            //   w = 2·(1.6071718, 1.1815436)/2.7887154 = (1.1526252, 0.8473748)
            r = step(w, new double[][] {{1, 1}, {0, 1}});
            assertArrayEquals(new double[] {1.1526252, 0.8473748}, r[0], 1e-6);
        }
    }

    @Test
    void identicalAndOppositeGradientsKeepEqualWeights() {
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            // equal squared gradients give equal estimates, equal ratios (1 each) and equal multipliers
            step(w, new double[][] {{1, 2}, {1, 2}});
            double[][] r = step(w, new double[][] {{1, 2}, {1, 2}});
            assertArrayEquals(new double[] {1, 1}, r[0], 1e-12);
            assertArrayEquals(new double[] {2, 4}, r[1], 1e-6);
        }
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            step(w, new double[][] {{1, 2}, {-1, -2}});
            double[][] r = step(w, new double[][] {{1, 2}, {-1, -2}});
            assertArrayEquals(new double[] {1, 1}, r[0], 1e-12);
            assertArrayEquals(new double[] {0, 0}, r[1], 0);
        }
    }

    @Test
    void oneTaskKeepsWeightOne() {
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            step(w, new double[][] {{3, -4}});
            double[][] r = step(w, new double[][] {{1, 1}});
            assertArrayEquals(new double[] {1}, r[0], 1e-12);
            assertArrayEquals(new double[] {1, 1}, r[1], 1e-6);
        }
    }

    @Test
    void leftOutTasksKeepTheirSumsAndWeight() {
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            step(w, new double[][] {{1, 0}, {0, 2}, {1, 1}});
            step(w, new double[][] {{1, 1}, {0, 1}, {2, 0}});
            double[] before = w.state().get("weights");
            double[] squares = w.state().get("squares");
            // task 1 absent: weight 0 in d, its sums and weight unchanged; tasks 0 and 2 keep their total
            double[][] r = step(w, new double[][] {{1, 1}, {0, 0}, {0, 1}}, 5, 0, 5);
            assertEquals(0, r[0][1], 0);
            double[] after = w.state().get("weights");
            assertEquals(before[1], after[1], 0);
            assertEquals(before[0] + before[2], after[0] + after[2], 1e-12);
            assertEquals(3, after[0] + after[1] + after[2], 1e-12);
            assertEquals(squares[2], w.state().get("squares")[2], 0);
            assertEquals(squares[3], w.state().get("squares")[3], 0);
            // a present task with a zero gradient is left out the same way
            r = step(w, new double[][] {{0, 0}, {1, 0}, {0, 1}});
            assertEquals(0, r[0][0], 0);
            assertEquals(after[0], w.state().get("weights")[0], 0);
        }
    }

    @Test
    void representationModeSumsTheBatchForTheEstimates() {
        try (ExcessMtl w = new ExcessMtl(0.5, 1)) {
            // one tapped array of shape (2 samples, 2 features): task rows (1, 0 | 1, 0) and (0, 1 | 0, 3) sum to
            // (2, 0) and (0, 4); S has K×2 entries, not K×4. Ê = (4/2, 16/4) = (2, 4); d = the per-sample sum
            double[][] r = step(w, new double[][] {{1, 0, 1, 0}, {0, 1, 0, 3}}, GradientMode.REPRESENTATION,
                    ImmutableList.of(new GradientSegment("z0", 0, 4, new Shape(2, 2))));
            assertArrayEquals(new double[] {1, 1, 1, 3}, r[1], 1e-6);
            assertArrayEquals(new double[] {4, 0, 0, 16}, w.state().get("squares"), 1e-6);
            assertArrayEquals(new double[] {2, 4}, w.state().get("baseline"), 1e-6);
            // a smaller last batch (1 sample) fits the same sums: S = (5, 1), (0, 20)
            //   Ê = (1/√5 + 1/1, 4/√20) = (1.4472136, 0.8944272); ratios (0.7236068, 0.2236068)
            //   w ∝ (e^{0.3618034}, e^{0.1118034}) = (1.4359166, 1.1182930): w = (1.1243530, 0.8756470)
            r = step(w, new double[][] {{1, 1}, {0, 2}}, GradientMode.REPRESENTATION,
                    ImmutableList.of(new GradientSegment("z0", 0, 2, new Shape(1, 2))));
            assertArrayEquals(new double[] {1.1243530, 0.8756470}, r[0], 1e-6);
            assertArrayEquals(new double[] {5, 1, 0, 20}, w.state().get("squares"), 1e-6);
        }
    }

    @Test
    void restoredStateGivesTheSameNextStep() {
        double[][] g = {{1, 0.5, -1}, {-1, 1, 0.3}, {0.2, -1, 1}};
        double[][] g2 = {{0.3, 0.5, -2}, {-1, 0.1, 0.3}, {0.2, -1, 0.4}};
        try (ExcessMtl a = new ExcessMtl(0.01, 1); ExcessMtl b = new ExcessMtl(0.01, 1)) {
            step(a, g);
            step(a, g2);
            b.restoreState(a.state());
            double[][] ra = step(a, g);
            double[][] rb = step(b, g);
            assertArrayEquals(ra[0], rb[0], 0);
            assertArrayEquals(ra[1], rb[1], 0);
            for (String key : a.state().keySet()) {
                assertArrayEquals(a.state().get(key), b.state().get(key), 0, key);
            }
            assertTrue(ra[0][0] != 1, "the default step size moves the weights a little");
        }
    }

    @Test
    void checksItsArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExcessMtl(0, 1));
        assertTrue(e.getMessage().contains("excessmtl: robust step size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ExcessMtl(0.01, 0));
        assertTrue(e.getMessage().contains("excessmtl: warm-up"), e.getMessage());
    }
}
