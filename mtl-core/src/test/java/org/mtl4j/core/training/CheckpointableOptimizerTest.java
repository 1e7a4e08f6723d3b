package org.mtl4j.core.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.core.data.EngineArrays;

/**
 * {@link CheckpointableOptimizer} makes exactly DJL's updates, and its moments survive an export and restore: a run
 * continued by a fresh optimiser from the exported state ends bit-identical to the uninterrupted one.
 */
class CheckpointableOptimizerTest {

    private static final Map<String, String> NAMES = ImmutableMap.of("id-w", "w");

    private static TrainingSettings settings(OptimizerKind kind) {
        return TrainingSettings.builder().optimizer(kind).learningRate(0.05f).momentum(0.9f).weightDecay(0.01f)
                .schedule(LearningRateSchedule.COSINE).epochs(3).build();
    }

    /** Seeded gradients, the same for every optimiser under test. */
    private static float[][] gradients(int steps, int size) {
        Random r = new Random(11);
        float[][] g = new float[steps][size];
        for (float[] row : g) {
            for (int i = 0; i < size; i++) {
                row[i] = (float) r.nextGaussian();
            }
        }
        return g;
    }

    private static void run(Optimizer o, String id, NDArray w, float[][] grads, int from, int to) {
        for (int s = from; s < to; s++) {
            try (NDArray g = w.getManager().create(grads[s], w.getShape())) {
                o.update(id, w, g);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void updatesAreBitIdenticalToDjlsOwnOptimizer(OptimizerKind kind) {
        Shape shape = new Shape(3, 4);
        float[][] grads = gradients(8, 12);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] init = new float[12];
            for (int i = 0; i < 12; i++) {
                init[i] = 0.1f * i - 0.5f;
            }
            NDArray a = m.create(init, shape);
            NDArray b = m.create(init, shape);
            TrainingSettings s = settings(kind);
            run(s.createOptimizer(2), "id-w", a, grads, 0, 8);
            run(CheckpointableOptimizer.of(s, 2, 0, NAMES, m), "id-w", b, grads, 0, 8);
            assertArrayEquals(a.toFloatArray(), b.toFloatArray(), 0f, kind + " after 8 updates");
            assertTrue(Math.abs(a.toFloatArray()[0] - init[0]) > 1e-3, "the updates moved the weights");
        }
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void exportedMomentsContinueTheRunExactly(OptimizerKind kind) {
        Shape shape = new Shape(2, 5);
        float[][] grads = gradients(10, 10);
        TrainingSettings s = settings(kind);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray whole = m.zeros(shape).add(0.3f);
            NDArray resumed = m.zeros(shape).add(0.3f);
            run(CheckpointableOptimizer.of(s, 5, 0, NAMES, m), "id-w", whole, grads, 0, 10);

            CheckpointableOptimizer first = CheckpointableOptimizer.of(s, 5, 0, NAMES, m);
            run(first, "id-w", resumed, grads, 0, 4);
            OptimizerState state = first.export();
            assertEquals(kind.name().toLowerCase(), state.optimizer());
            assertEquals(kind == OptimizerKind.SGD ? 1 : 2, state.moments().get("w").size());
            // the new optimiser sees another id for the same parameter, as after a restart
            CheckpointableOptimizer second = CheckpointableOptimizer.of(s, 5, 4, ImmutableMap.of("id-new", "w"), m)
                    .restore(state);
            run(second, "id-new", resumed, grads, 4, 10);
            assertArrayEquals(whole.toFloatArray(), resumed.toFloatArray(), 0f, kind + ": resumed after 4 of 10");

            // without the moments the continuation differs: the test can fail
            NDArray cold = m.zeros(shape).add(0.3f);
            run(CheckpointableOptimizer.of(s, 5, 0, NAMES, m), "id-w", cold, grads, 0, 4);
            run(CheckpointableOptimizer.of(s, 5, 4, NAMES, m), "id-w", cold, grads, 4, 10);
            assertTrue(Math.abs(cold.toFloatArray()[0] - whole.toFloatArray()[0]) > 1e-6,
                    "restarting with zero moments changes the result");
        }
    }

    @ParameterizedTest
    @EnumSource(value = OptimizerKind.class, names = {"ADAM"})
    void mismatchedStateIsRefusedNamingTheCulprit(OptimizerKind kind) {
        try (NDManager m = NDManager.newBaseManager()) {
            OptimizerState sgd = new OptimizerState("sgd", ImmutableMap.of("w", ImmutableList.of(new float[4])));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointableOptimizer.of(settings(kind), 1, 0, NAMES, m).restore(sgd));
            assertTrue(e.getMessage().contains("sgd") && e.getMessage().contains("adam"), e.getMessage());
            OptimizerState other = new OptimizerState("adam",
                    ImmutableMap.of("v", ImmutableList.of(new float[4], new float[4])));
            e = assertThrows(IllegalArgumentException.class,
                    () -> CheckpointableOptimizer.of(settings(kind), 1, 0, NAMES, m).restore(other));
            assertTrue(e.getMessage().contains("'v'"), e.getMessage());
            OptimizerState wrongSize = new OptimizerState("adam",
                    ImmutableMap.of("w", ImmutableList.of(new float[3], new float[3])));
            CheckpointableOptimizer o = CheckpointableOptimizer.of(settings(kind), 1, 0, NAMES, m).restore(wrongSize);
            NDArray w = m.zeros(new Shape(2, 2));
            NDArray g = m.ones(new Shape(2, 2));
            e = assertThrows(IllegalArgumentException.class, () -> o.update("id-w", w, g));
            assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("(2, 2)"), e.getMessage());
        }
    }

    private static void assertSameState(OptimizerState expected, OptimizerState actual, String what) {
        assertEquals(expected.optimizer(), actual.optimizer(), what);
        assertEquals(expected.moments().keySet(), actual.moments().keySet(), what);
        for (String name : expected.moments().keySet()) {
            List<float[]> e = expected.moments().get(name);
            List<float[]> a = actual.moments().get(name);
            assertEquals(e.size(), a.size(), what);
            for (int i = 0; i < e.size(); i++) {
                assertArrayEquals(e.get(i), a.get(i), 0f, what + ": moment " + i + " of " + name);
            }
        }
    }

    /** An optimiser and a weight in one of three situations: fresh, after three updates, resumed (moments pending). */
    private static Object[] situation(String which, TrainingSettings s, float[][] grads, NDManager m) {
        Shape shape = new Shape(2, 3);
        float[] init = {0.5f, -0.25f, 0.1f, 0.3f, -0.7f, 0.05f};
        NDArray w = EngineArrays.create(m, init, shape);
        CheckpointableOptimizer o = CheckpointableOptimizer.of(s, 4, 0, NAMES, m);
        if (which.equals("fresh")) {
            return new Object[] {o, "id-w", w};
        }
        run(o, "id-w", w, grads, 0, 3);
        if (which.equals("used")) {
            return new Object[] {o, "id-w", w};
        }
        return new Object[] {CheckpointableOptimizer.of(s, 4, 3, ImmutableMap.of("id-r", "w"), m).restore(o.export()),
                "id-r", w};
    }

    @ParameterizedTest
    @EnumSource(OptimizerKind.class)
    void lookaheadIsTheNextUpdateAndLeavesTheOptimiserAsItWas(OptimizerKind kind) {
        float[][] grads = gradients(6, 6);
        TrainingSettings s = settings(kind);
        try (NDManager m = NDManager.newBaseManager()) {
            for (String which : List.of("fresh", "used", "resumed")) {
                String what = kind + " " + which;
                Object[] c = situation(which, s, grads, m);
                CheckpointableOptimizer o = (CheckpointableOptimizer) c[0];
                String id = (String) c[1];
                NDArray w = (NDArray) c[2];
                float[] before = w.toFloatArray();
                NDArray g = EngineArrays.create(m, grads[3], w.getShape());
                OptimizerState stateBefore = o.export();
                NDArray ahead = o.lookahead(id, w, g, m);
                NDArray again = o.lookahead(id, w, g, m);
                assertArrayEquals(before, w.toFloatArray(), 0f, what + ": the weight is left alone");
                assertArrayEquals(grads[3], g.toFloatArray(), 0f, what + ": the gradient is left alone");
                assertSameState(stateBefore, o.export(), what + ": the moments are left alone");
                assertArrayEquals(ahead.toFloatArray(), again.toFloatArray(), 0f, what + ": repeatable");
                assertTrue(Math.abs(ahead.toFloatArray()[0] - before[0]) > 1e-6, what + ": the lookahead moves");
                o.update(id, w, g);
                assertArrayEquals(ahead.toFloatArray(), w.toFloatArray(), 0f, what + ": equals the next update");
                run(o, id, w, grads, 4, 6);

                // the same situation without lookaheads ends bit-identical
                Object[] twin = situation(which, s, grads, m);
                NDArray tw = (NDArray) twin[2];
                run((CheckpointableOptimizer) twin[0], (String) twin[1], tw, grads, 3, 6);
                assertArrayEquals(tw.toFloatArray(), w.toFloatArray(), 0f, what + ": the run is unchanged");
            }
        }
    }
}
