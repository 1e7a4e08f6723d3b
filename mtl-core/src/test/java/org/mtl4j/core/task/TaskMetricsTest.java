package org.mtl4j.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Streaming metrics against hand-computed values. */
class TaskMetricsTest {

    @Test
    void confusionMatrixMetricsAccumulateOverBatches() {
        try (NDManager m = NDManager.newBaseManager()) {
            // labels 0 0 1 1, predictions 0 1 1 1, split into two batches; a third, absent sample is skipped
            MetricAccumulator iou = TaskMetrics.meanIoU(-1).newAccumulator();
            MetricAccumulator acc = TaskMetrics.accuracy(-1).newAccumulator();
            NDArray p1 = m.create(new float[] {1, 0, 0, 1}, new Shape(1, 2, 1, 2));
            NDArray l1 = m.create(new float[] {0, 0}, new Shape(1, 1, 2));
            NDArray p2 = m.create(new float[] {0, 0, 1, 1, 1, 1, 1, 1}, new Shape(2, 2, 1, 2));
            NDArray l2 = m.create(new float[] {1, 1, 0, 0}, new Shape(2, 1, 2));
            NDArray present2 = m.create(new float[] {1, 0});
            for (MetricAccumulator a : new MetricAccumulator[] {iou, acc}) {
                a.update(p1, l1, m.create(new float[] {1}));
                a.update(p2, l2, present2);
            }
            assertEquals((0.5 + 2.0 / 3) / 2, iou.value(), 1e-12);
            assertEquals(0.75, acc.value(), 1e-12);
        }
    }

    @Test
    void regressionErrorsPoolValidElements() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {1, 3, 5, 9}, new Shape(1, 1, 2, 2));
            NDArray label = m.create(new float[] {2, 2, 0, 6}, new Shape(1, 1, 2, 2));
            MetricAccumulator abs = TaskMetrics.absError(0f).newAccumulator();
            MetricAccumulator rel = TaskMetrics.relError(0f).newAccumulator();
            MetricAccumulator rmse = TaskMetrics.rmse().newAccumulator();
            NDArray p = m.create(new float[] {1});
            abs.update(pred, label, p);
            rel.update(pred, label, p);
            rmse.update(pred, label, p);
            assertEquals((1 + 1 + 3) / 3.0, abs.value(), 1e-6);
            assertEquals((0.5 + 0.5 + 0.5) / 3.0, rel.value(), 1e-6);
            assertEquals(Math.sqrt((1 + 1 + 25 + 9) / 4.0), rmse.value(), 1e-6);
            assertTrue(Double.isNaN(TaskMetrics.absError().newAccumulator().value()));
        }
    }

    @Test
    void angleMetrics() {
        try (NDManager m = NDManager.newBaseManager()) {
            // angles 0, 90, 60 degrees; a fourth pixel has a zero label and is skipped
            float h = (float) Math.sqrt(3) / 2;
            NDArray pred = m.create(new float[] {1, 0, 0.5f, 1, 0, 1, h, 0, 0, 0, 0, 0}, new Shape(1, 3, 1, 4));
            NDArray label = m.create(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(1, 3, 1, 4));
            NDArray p = m.create(new float[] {1});
            MetricAccumulator mean = TaskMetrics.meanAngle().newAccumulator();
            MetricAccumulator median = TaskMetrics.medianAngle().newAccumulator();
            MetricAccumulator within = TaskMetrics.angleWithin(30).newAccumulator();
            for (MetricAccumulator a : new MetricAccumulator[] {mean, median, within}) {
                a.update(pred, label, p);
            }
            assertEquals(50.0, mean.value(), 1e-3);
            assertEquals(60.0, median.value(), 0.011);
            assertEquals(1.0 / 3, within.value(), 1e-12);
            assertEquals("within_30", TaskMetrics.angleWithin(30).name());
            assertEquals("within_11.25", TaskMetrics.angleWithin(11.25).name());
            assertThrows(IllegalArgumentException.class, () -> TaskMetrics.angleWithin(0));
        }
    }
}
