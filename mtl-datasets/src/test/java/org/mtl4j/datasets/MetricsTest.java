package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetric;

/** The nine NYUv2 metrics and Standley's masked L1 on hand-made predictions with known values. */
class MetricsTest {

    /** Feeds batches (prediction, label, presence) to every metric of a task and returns the values. */
    private static Map<String, Double> evaluate(Task task, List<NDArray[]> batches) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (TaskMetric metric : task.metrics()) {
            MetricAccumulator acc = metric.newAccumulator();
            for (NDArray[] b : batches) {
                acc.update(b[0], b[1], b[2]);
            }
            out.put(metric.name(), acc.value());
        }
        return out;
    }

    /** Logits of shape (1, 13, 1, n) whose arg-max is the given class per pixel. */
    private static NDArray logits(NDManager m, int... classes) {
        float[] v = new float[13 * classes.length];
        for (int p = 0; p < classes.length; p++) {
            for (int c = 0; c < 13; c++) {
                v[c * classes.length + p] = c == classes[p] ? 5f : -1f + 0.1f * c;
            }
        }
        return m.create(v, new Shape(1, 13, 1, classes.length));
    }

    @Test
    void segmentationFromTheSplitsConfusionMatrix() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray one = m.create(new float[] {1});
            List<NDArray[]> batches = List.of(
                    new NDArray[] {logits(m, 0, 1, 1, 2), m.create(new float[] {0, 0, 1, -1}, new Shape(1, 1, 4)), one},
                    new NDArray[] {logits(m, 2, 0, 1, 0), m.create(new float[] {2, 2, 1, 0}, new Shape(1, 1, 4)), one},
                    // an absent sample: its wrong predictions must not count
                    new NDArray[] {logits(m, 5, 5, 5, 5), m.create(new float[] {0, 1, 2, 0}, new Shape(1, 1, 4)),
                            m.create(new float[] {0})});
            Map<String, Double> v = evaluate(Nyuv2Dataset.task("s"), batches);
            // confusion (truth -> predicted): 0->0 twice, 0->1, 1->1 twice, 2->2, 2->0; -1 ignored
            // IoU_0 = 2/(3+3-2), IoU_1 = 2/(2+3-2), IoU_2 = 1/(2+1-1); classes 3..12 never occur
            assertEquals((0.5 + 2.0 / 3 + 0.5) / 3, v.get("mIoU"), 1e-12);
            assertEquals(5.0 / 7, v.get("accuracy"), 1e-12);
        }
    }

    @Test
    void depthErrorsPooledOverValidPixels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray one = m.create(new float[] {1});
            List<NDArray[]> batches = List.of(
                    new NDArray[] {m.create(new float[] {2.5f, 7, 3, 1}, new Shape(1, 1, 2, 2)),
                            m.create(new float[] {2, 0, 4, 1}, new Shape(1, 1, 2, 2)), one},
                    new NDArray[] {m.create(new float[] {1, 1, 1, 1}, new Shape(1, 1, 2, 2)),
                            m.create(new float[] {0, 0, 0.5f, 1}, new Shape(1, 1, 2, 2)), one});
            Map<String, Double> v = evaluate(Nyuv2Dataset.task("d"), batches);
            // valid: 2, 4, 1 | 0.5, 1 -> |e| = 0.5, 1, 0, 0.5, 0 ; |e|/g = 0.25, 0.25, 0, 1, 0
            assertEquals(2.0 / 5, v.get("abs_err"), 1e-6);
            assertEquals(1.5 / 5, v.get("rel_err"), 1e-6);
        }
    }

    /** A unit label (0, 0, 1) and a prediction at {@code degrees} from it, scaled by 3 (predictions are normalised). */
    private static float[] rotated(double degrees) {
        double r = Math.toRadians(degrees);
        return new float[] {(float) (3 * Math.sin(r)), 0f, (float) (3 * Math.cos(r))};
    }

    private static NDArray[] normalBatch(NDManager m, float[][] preds, float[][] labels) {
        int n = preds.length;
        float[] p = new float[3 * n];
        float[] g = new float[3 * n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                p[c * n + i] = preds[i][c];
                g[c * n + i] = labels[i][c];
            }
        }
        return new NDArray[] {m.create(p, new Shape(1, 3, 1, n)), m.create(g, new Shape(1, 3, 1, n)),
                m.create(new float[] {1})};
    }

    @Test
    void normalAnglesAsLibMtlPoolsThem() {
        float[] up = {0, 0, 1};
        float s = (float) Math.sqrt(0.5);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] first = normalBatch(m,
                    new float[][] {rotated(0), rotated(10), rotated(20), rotated(45), rotated(90), rotated(3),
                            rotated(60)},
                    new float[][] {up, up, up, up, up, {0, 0, 0}, {s, -s, 0}});
            // the zero label and (s, -s, 0), whose channels sum to 0, are invalid for LibMTL
            assertEquals(5, LibMtlNormalMetrics.angles(first[0], first[1], first[2]).length);
            Map<String, Double> v = evaluate(Nyuv2Dataset.task("n"), List.<NDArray[]>of(first));
            assertEquals(33.0, v.get("mean_angle"), 1e-3);
            assertEquals(20.0, v.get("median_angle"), 1e-3);
            assertEquals(0.4, v.get("within_11.25"), 1e-12);
            assertEquals(0.6, v.get("within_22.5"), 1e-12);
            assertEquals(0.6, v.get("within_30"), 1e-12);
            NDArray[] second = normalBatch(m, new float[][] {rotated(35)}, new float[][] {up});
            v = evaluate(Nyuv2Dataset.task("n"), List.of(first, second));
            assertEquals(200.0 / 6, v.get("mean_angle"), 1e-3);
            assertEquals(27.5, v.get("median_angle"), 1e-3); // even count: mean of 20 and 35
            assertEquals(2.0 / 6, v.get("within_11.25"), 1e-12);
            assertEquals(0.5, v.get("within_30"), 1e-12);
        }
    }

    @Test
    void standleyMaskedL1DividesByAllPixelsOfPresentSamples() {
        float inv = StandleyMaskedL1.INVALID;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pred = m.create(new float[] {1, 2, 3, 4, 9, 9, 9, 9}, new Shape(2, 1, 2, 2));
            NDArray label = m.create(new float[] {0, inv, 1, 6, 0, 0, 0, 0}, new Shape(2, 1, 2, 2));
            NDArray present = m.create(new float[] {1, 0});
            StandleyMaskedL1 loss = new StandleyMaskedL1();
            // |1-0| + |3-1| + |4-6| = 5 over the 4 pixels of the one present sample
            assertEquals(1.25f, loss.compute(pred, label, present).getFloat(), 1e-6f);
            // mtl4j's own masked L1 divides by the 3 valid pixels instead
            assertEquals(5f / 3, TaskLosses.l1(inv).compute(pred, label, present).getFloat(), 1e-6f);
            NDArray all = m.create(new float[] {1, 1});
            assertEquals((5f + 36f) / 8, loss.compute(pred, label, all).getFloat(), 1e-6f);
            MetricAccumulator acc = StandleyMaskedL1.metric().newAccumulator();
            acc.update(pred, label, present);
            acc.update(pred.get("1:"), label.get("1:"), m.create(new float[] {1}));
            assertEquals((5.0 + 36.0) / 8, acc.value(), 1e-6);
            Task d = TaskonomyTask.DEPTH_ZBUFFER.task();
            assertEquals("standley_l1", d.primaryMetric().name());
            assertTrue(d.loss() instanceof StandleyMaskedL1);
            NDArray zeros = m.zeros(new Shape(2, 1, 2, 2));
            assertEquals(0f, loss.compute(zeros, zeros, m.create(new float[] {0, 0})).getFloat());
        }
    }
}
