package org.mtl4j.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineArrays#scalar}: the operand autograd keeps for the backward pass survives a garbage collection between
 * forward and backward.
 *
 * <p>With DJL's overload ({@code x.mul(0.5f)} in {@link #scaled}) this test fails: the collection frees the closed
 * scalar's direct buffer, the filler buffers reuse its memory, and the backward pass multiplies by 7 instead of 0.5
 * in most trials.
 */
class EngineArraysScalarTest {

    private static final int TRIALS = 200;

    /** The operation under test: {@code x · 0.5} through an engine-owned scalar. */
    private static NDArray scaled(NDManager manager, NDArray x) {
        return x.mul(EngineArrays.scalar(manager, 0.5f));
    }

    @Test
    void scalarOperandKeepsItsValueThroughAGarbageCollection() {
        int wrong = countWrongGradients(EngineArraysScalarTest::scaled);
        assertEquals(0, wrong, "gradients of x·0.5 that were not 0.5, of " + TRIALS);
    }

    @Test
    void scalarIsZeroDimensionalFloat() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray s = EngineArrays.scalar(manager, -2.25f);
            assertEquals(new Shape(), s.getShape());
            assertEquals(-2.25f, s.getFloat());
            assertTrue(s.getManager() == manager);
        }
    }

    static int countWrongGradients(BiFunction<NDManager, NDArray, NDArray> op) {
        int wrong = 0;
        try (NDManager base = NDManager.newBaseManager()) {
            for (int t = 0; t < TRIALS; t++) {
                try (NDManager m = base.newSubManager()) {
                    NDArray x = m.ones(new Shape(3));
                    x.setRequiresGradient(true);
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDArray y = op.apply(m, x).sum();
                        pressure();
                        collector.backward(y);
                    }
                    for (float g : x.getGradient().toFloatArray()) {
                        if (g != 0.5f) {
                            wrong++;
                            break;
                        }
                    }
                }
            }
        }
        return wrong;
    }

    /** A collection, then small direct buffers full of 7s that take over freed native memory. */
    private static void pressure() {
        System.gc();
        try {
            Thread.sleep(2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<ByteBuffer> filler = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            ByteBuffer b = ByteBuffer.allocateDirect(4).order(ByteOrder.nativeOrder());
            b.putFloat(0, 7f);
            filler.add(b);
        }
        filler.clear();
    }
}
