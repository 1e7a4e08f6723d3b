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

/** MoDo's λ update {@code Π_Δ(λ − γ(Gλ + ρλ))} worked by hand, its state, and the degenerate cases. */
class MoDoTest {

    private static final double[][] DIAG = {{1, 0}, {0, 2}}; // G = diag(1, 4)
    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void twoStepsWorkedByHand() {
        MoDo modo = new MoDo(0.1, 0.1);
        // λ = (½, ½): Gλ + ρλ = (0.5 + 0.05, 2 + 0.05); y = λ − 0.1·(0.55, 2.05) = (0.445, 0.295);
        // projection adds (1 − 0.74)/2 = 0.13: λ = (0.575, 0.425); d = (0.575, 2·0.425)
        Combination first = modo.combine(DIAG, 0);
        assertArrayEquals(new double[] {0.575, 0.425}, first.weights(), 1e-12);
        assertArrayEquals(new double[] {0.575, 0.85}, first.direction(), 1e-12);
        // Gλ + ρλ = (0.575 + 0.0575, 1.7 + 0.0425); y = (0.51175, 0.25075); + (1 − 0.7625)/2 = 0.11875
        Combination second = modo.combine(DIAG, 0);
        assertArrayEquals(new double[] {0.6305, 0.3695}, second.weights(), 1e-12);
        assertArrayEquals(new double[] {0.6305, 0.739}, second.direction(), 1e-12);
        assertArrayEquals(new double[] {0.6305, 0.3695}, modo.state().get("lambda"), 1e-12);
    }

    @Test
    void lambdaSurvivesACheckpointAndTheHookMatchesThePlainForm() {
        MoDo a = new MoDo(0.1, 0.1);
        a.combine(DIAG, 0);
        Map<String, double[]> saved = a.state();
        MoDo b = new MoDo(0.1, 0.1);
        b.restoreState(saved);
        assertArrayEquals(saved.get("lambda"), b.state().get("lambda"), 0);
        // the restored strategy's next step through the training hook is the uninterrupted one's second step
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = b.combineGradients(EngineArrays.create(m, new float[] {1, 0, 0, 2},
                    new Shape(2, 2)), new NDList(EngineArrays.scalar(m, 1), EngineArrays.scalar(m, 1)),
                    new NDList(), context(2, ImmutableList.of()));
            assertArrayEquals(a.combine(DIAG, 0).weights(), c.weights(), 1e-7);
            assertArrayEquals(new float[] {0.6305f, 0.739f}, c.gradient().toFloatArray(), 1e-6f);
        }
        // a fresh strategy starts uniform and reports no state until its first step
        assertTrue(new MoDo(0.1, 0.1).state().isEmpty());
        b.restoreState(Map.of());
        assertTrue(b.state().isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.restoreState(Map.of("lambda", new double[] {0.5, 0.6})));
        assertTrue(e.getMessage().startsWith("modo: "), e.getMessage());
    }

    @Test
    void identicalOppositeZeroAndSingleGradients() {
        // identical rows: Gλ is the same for both tasks, λ stays (½, ½), d = g
        Combination same = new MoDo(0.1, 0.1).combine(new double[][] {{1, 1}, {1, 1}}, 0);
        assertArrayEquals(new double[] {0.5, 0.5}, same.weights(), 1e-12);
        assertArrayEquals(new double[] {1, 1}, same.direction(), 1e-12);
        // opposite rows from λ = (½, ½): Gλ = 0, y = 0.99·λ, projected back to (½, ½): d = 0
        Combination opposite = new MoDo(0.1, 0.1).combine(new double[][] {{1, 0}, {-1, 0}}, 0);
        assertArrayEquals(new double[] {0.5, 0.5}, opposite.weights(), 1e-12);
        assertArrayEquals(new double[] {0, 0}, opposite.direction(), 1e-12);
        // from λ = (0.8, 0.2): Gλ + ρλ = (0.6 + 0.08, −0.6 + 0.02); y = (0.732, 0.258); + 0.005 = (0.737, 0.263)
        MoDo tilted = new MoDo(0.1, 0.1);
        tilted.restoreState(Map.of("lambda", new double[] {0.8, 0.2}));
        Combination t = tilted.combine(new double[][] {{1, 0}, {-1, 0}}, 0);
        assertArrayEquals(new double[] {0.737, 0.263}, t.weights(), 1e-12);
        assertArrayEquals(new double[] {0.474, 0}, t.direction(), 1e-12);
        // zero gradients: no active task, zero weights and direction, λ untouched
        MoDo zero = new MoDo(0.1, 0.1);
        Combination z = zero.combine(new double[][] {{0, 0}, {0, 0}}, 0);
        assertArrayEquals(new double[2], z.weights(), 0);
        assertArrayEquals(new double[2], z.direction(), 0);
        assertArrayEquals(new double[] {0.5, 0.5}, zero.state().get("lambda"), 0);
        // one task: λ = 1 always
        Combination one = new MoDo(0.1, 0.1).combine(new double[][] {{3, -1}}, 0);
        assertArrayEquals(new double[] {1}, one.weights(), 0);
        assertArrayEquals(new double[] {3, -1}, one.direction(), 1e-12);
    }

    @Test
    void absentTasksKeepTheirShareOfLambda() {
        MoDo modo = new MoDo(0.1, 0.1);
        // λ = (⅓, ⅓, ⅓); task c absent: a and b step from their conditional weights (½, ½) as in the two-task
        // example, to (0.575, 0.425), stored back with their mass ⅔: (0.38333, 0.28333), c keeps ⅓
        try (NDManager m = manager.newSubManager()) {
            CombinedGradient c = modo.combineGradients(EngineArrays.create(m, new float[] {1, 0, 0, 0, 2, 0, 0, 0,
                0}, new Shape(3, 3)), new NDList(EngineArrays.scalar(m, 1), EngineArrays.scalar(m, 1),
                        EngineArrays.scalar(m, 0)), new NDList(), context(3, ImmutableList.of(4, 4, 0)));
            assertArrayEquals(new double[] {0.575, 0.425, 0}, c.weights(), 1e-7);
            assertArrayEquals(new float[] {0.575f, 0.85f, 0}, c.gradient().toFloatArray(), 1e-6f);
        }
        assertArrayEquals(new double[] {0.575 * 2 / 3, 0.425 * 2 / 3, 1 / 3.0}, modo.state().get("lambda"), 1e-7);
    }

    @Test
    void defaultsArgumentsAndModes() {
        assertEquals("modo:0.001,0.1", MoDo.fromArguments("").toString());
        assertEquals("modo:0.01,0.1", MoDo.fromArguments("0.01").toString());
        assertEquals("modo:0.01,0.0", MoDo.fromArguments("0.01, 0").toString());
        for (String bad : new String[] {"0", "-1", "x", "0.1,-1", "0.1,y", "1,2,3"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> MoDo.fromArguments(bad));
            assertTrue(e.getMessage().startsWith("modo: "), e.getMessage());
        }
        assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), new MoDo(0.1, 0.1).gradientModes());
        assertEquals("modo", new MoDo(0.1, 0.1).name());
    }
}
