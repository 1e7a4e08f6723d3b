package org.mtl4j.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each loss against values computed by hand from its formula. */
class TaskLossesTest {

    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    private NDArray present(float... p) {
        return m.create(p);
    }

    @Test
    void crossEntropySkipsIgnoreLabel() {
        // pixel 0: logits (0,0), label 0 -> ln 2; pixel 1: logits (1,0), label 1 -> ln(1+e); pixel 2 ignored
        NDArray pred = m.create(new float[] {0, 1, 5, 0, 0, -5}, new Shape(1, 2, 1, 3));
        NDArray label = m.create(new float[] {0, 1, -1}, new Shape(1, 1, 3));
        float l = TaskLosses.crossEntropy().compute(pred, label, present(1)).getFloat();
        double expected = (Math.log(2) + Math.log(1 + Math.E)) / 2;
        assertEquals(expected, l, 1e-6);
        float custom = TaskLosses.crossEntropy(1).compute(pred, m.create(new float[] {0, 1, 1}, new Shape(1, 1, 3)),
                present(1)).getFloat();
        assertEquals(Math.log(2), custom, 1e-6);
    }

    @Test
    void crossEntropyOnVectors() {
        NDArray pred = m.create(new float[] {2, 0, 0, 0, 0, 0}, new Shape(2, 3));
        NDArray label = m.create(new float[] {0, 2});
        double l0 = -Math.log(Math.exp(2) / (Math.exp(2) + 2));
        double l1 = Math.log(3);
        assertEquals((l0 + l1) / 2, TaskLosses.crossEntropy().compute(pred, label, present(1, 1)).getFloat(), 1e-6);
        assertEquals(l1, TaskLosses.crossEntropy().compute(pred, label, present(0, 1)).getFloat(), 1e-6);
    }

    @Test
    void maskedL1AndL2() {
        NDArray pred = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 1, 2, 2));
        NDArray label = m.create(new float[] {1.5f, 2, 0, 3}, new Shape(1, 1, 2, 2));
        assertEquals(0.5, TaskLosses.l1(0f).compute(pred, label, present(1)).getFloat(), 1e-6);
        assertEquals((0.5 + 0 + 3 + 1) / 4, TaskLosses.l1().compute(pred, label, present(1)).getFloat(), 1e-6);
        assertEquals((0.25 + 0 + 9 + 1) / 4, TaskLosses.l2().compute(pred, label, present(1)).getFloat(), 1e-6);
        assertEquals((0.25 + 0 + 1) / 3, TaskLosses.l2(0f).compute(pred, label, present(1)).getFloat(), 1e-6);
    }

    @Test
    void presenceMaskSkipsAbsentSamples() {
        NDArray pred = m.create(new float[] {1, 1, 5, 5}, new Shape(2, 1, 1, 2));
        NDArray label = m.create(new float[] {0, 2, 0, 0}, new Shape(2, 1, 1, 2));
        assertEquals(1.0, TaskLosses.l1().compute(pred, label, present(1, 0)).getFloat(), 1e-6);
        assertEquals(5.0, TaskLosses.l1().compute(pred, label, present(0, 1)).getFloat(), 1e-6);
    }

    @Test
    void normalLossIsOneMinusCosineOverValidPixels() {
        // pixel 0: pred (2,0,0) vs (1,0,0) -> 0; pixel 1: pred (0,3,0) vs (1,0,0) -> 1; pixel 2: zero label, skipped
        NDArray pred = m.create(new float[] {2, 0, 7, 0, 3, 1, 0, 0, 1}, new Shape(1, 3, 1, 3));
        NDArray label = m.create(new float[] {1, 1, 0, 0, 0, 0, 0, 0, 0}, new Shape(1, 3, 1, 3));
        assertEquals(0.5, TaskLosses.normal().compute(pred, label, present(1)).getFloat(), 1e-6);
        // a prediction at 60 degrees: 1 - cos 60 = 0.5
        NDArray p60 = m.create(new float[] {0.5f, (float) Math.sqrt(3) / 2, 0}, new Shape(1, 3, 1, 1));
        NDArray x = m.create(new float[] {1, 0, 0}, new Shape(1, 3, 1, 1));
        assertEquals(0.5, TaskLosses.normal().compute(p60, x, present(1)).getFloat(), 1e-6);
    }

    @Test
    void binaryCrossEntropyWithPositiveWeight() {
        NDArray pred = m.create(new float[] {0, 2}, new Shape(1, 2));
        NDArray label = m.create(new float[] {1, 0}, new Shape(1, 2));
        double expected = (2 * Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
        assertEquals(expected, TaskLosses.binaryCrossEntropy(2f).compute(pred, label, present(1)).getFloat(), 1e-6);
        double plain = (Math.log(2) + Math.log(1 + Math.exp(2))) / 2;
        assertEquals(plain, TaskLosses.binaryCrossEntropy().compute(pred, label, present(1)).getFloat(), 1e-6);
        // stable for large logits
        NDArray big = m.create(new float[] {100, -100}, new Shape(1, 2));
        assertEquals(100, TaskLosses.binaryCrossEntropy().compute(big, m.create(new float[] {0, 1}, new Shape(1, 2)),
                present(1)).getFloat(), 1e-3);
    }

    @Test
    void batchWithoutLabelsGivesZeroLossAndZeroGradientNotNaN() {
        TaskLoss[] losses = {TaskLosses.crossEntropy(), TaskLosses.l1(), TaskLosses.l2(0f), TaskLosses.normal(),
            TaskLosses.binaryCrossEntropy(3f)};
        for (TaskLoss loss : losses) {
            NDArray pred = m.randomNormal(new Shape(2, 3, 2, 2));
            pred.setRequiresGradient(true);
            NDArray label = loss == losses[0] ? m.zeros(new Shape(2, 2, 2)) : m.ones(new Shape(2, 3, 2, 2));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray l = loss.compute(pred, label, present(0, 0));
                assertEquals(0f, l.getFloat(), 0f, loss.toString());
                gc.backward(l);
            }
            NDArray g = pred.getGradient();
            assertEquals(0f, g.abs().sum().getFloat(), 0f, loss.toString());
            assertTrue(Float.isFinite(g.sum().getFloat()));
        }
    }

    @Test
    void labelChecksNameTheTask() {
        NDArray pred = m.zeros(new Shape(2, 3, 4, 4));
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> TaskLosses.l1().checkLabel("depth", pred, m.zeros(new Shape(2, 1, 4, 4))));
        assertTrue(shape.getMessage().contains("task 'depth'"), shape.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> TaskLosses.crossEntropy().checkLabel("seg", pred, m.full(new Shape(2, 4, 4), 3f)));
        assertTrue(range.getMessage().contains("class id 3") && range.getMessage().contains("3 classes"),
                range.getMessage());
        TaskLosses.crossEntropy().checkLabel("seg", pred, m.full(new Shape(2, 4, 4), -1f));
        assertThrows(IllegalArgumentException.class, () -> TaskLosses.binaryCrossEntropy(0f));
    }
}
