package org.mtl4j.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.Test;

/** The one task-loss calculation: hand-computed L1 values, a missing label, and a deep-supervision term. */
class TaskLossCalculatorTest {

    @Test
    void lossesSkipMissingLabelsAndAddDeepSupervisionToItsTask() {
        ImmutableList<Task> tasks = ImmutableList.of(
                Task.builder("a").vector(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build(),
                Task.builder("b").vector(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build());
        try (NDManager m = NDManager.newBaseManager()) {
            NDList labels = new NDList(m.create(new float[] {1, 2}, new Shape(2, 1)),
                    m.create(new float[] {0, 5}, new Shape(2, 1)),
                    m.create(new float[] {1, 0, 1, 1}, new Shape(2, 2))); // presence (N, K): sample 0 has no label for b
            NDList outputs = new NDList(m.create(new float[] {2, 2}, new Shape(2, 1)),
                    m.create(new float[] {9, 4}, new Shape(2, 1)),
                    m.create(new float[] {1, 5}, new Shape(2, 1))); // extra prediction of task a
            NDList plain = new TaskLossCalculator(tasks, ImmutableList.of()).losses(outputs, labels, true);
            assertEquals(0.5f, plain.get(0).getFloat(), 1e-6f); // (|2-1| + |2-2|) / 2
            assertEquals(1f, plain.get(1).getFloat(), 1e-6f); // only sample 1: |4-5|
            NDList deep = new TaskLossCalculator(tasks, ImmutableList.of(0)).losses(outputs, labels, true);
            assertEquals(0.5f + 1.5f, deep.get(0).getFloat(), 1e-6f); // + (|1-1| + |5-2|) / 2
            assertEquals(1f, deep.get(1).getFloat(), 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> new TaskLossCalculator(tasks, ImmutableList.of(2)));
    }
}
