package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Surface-normal angle metrics pooled over all valid pixels of a split (LibMTL's convention): the angle
 * {@code deg(acos(clamp(⟨p̂, ĝ⟩, −1, 1)))} between the L2-normalised prediction and the label; its mean, its
 * median, and the fraction of pixels below a threshold (11.25°, 22.5°, 30°). Pixels whose label is the zero vector,
 * and absent samples, are skipped. The median comes from a histogram with 0.01° bins.
 */
final class AngleMetric implements TaskMetric {

    enum Kind { MEAN, MEDIAN, WITHIN }

    private static final int BINS_PER_DEGREE = 100;

    private final Kind kind;
    private final double threshold;

    AngleMetric(Kind kind, double threshold) {
        this.kind = kind;
        this.threshold = threshold;
    }

    @Override
    public String name() {
        switch (kind) {
            case MEAN:
                return "mean_angle";
            case MEDIAN:
                return "median_angle";
            default:
                return "within_" + (threshold == Math.rint(threshold) ? String.valueOf((long) threshold)
                        : String.valueOf(threshold));
        }
    }

    @Override
    public boolean higherIsBetter() {
        return kind == Kind.WITHIN;
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return new MetricAccumulator() {
            private final long[] histogram = new long[180 * BINS_PER_DEGREE + 1];
            private double sum;
            private long count;
            private long within;

            @Override
            public void update(NDArray prediction, NDArray label, NDArray present) {
                NDArray predNorm = prediction.square().sum(new int[] {1}, true).add(1e-12f).sqrt();
                NDArray labelSq = label.square().sum(new int[] {1}, true);
                NDArray cos = prediction.div(predNorm).mul(label.div(labelSq.add(1e-12f).sqrt())).sum(new int[] {1});
                NDArray valid = labelSq.squeeze(1).gt(0f).toType(DataType.FLOAT32, false)
                        .mul(Masks.broadcastable(present, cos.getShape().dimension()));
                // the arc cosine on the engine: Java's Math.acos over every pixel cost more than the rest of the
                // metric (profiled: DTP measures this metric on every training batch)
                // scalar-ok: a metric, no autograd
                float[] a = cos.clip(-1f, 1f).acos().mul((float) (180 / Math.PI)).toFloatArray();
                float[] v = valid.toFloatArray();
                for (int i = 0; i < a.length; i++) {
                    if (v[i] == 0f) {
                        continue;
                    }
                    double angle = a[i];
                    sum += angle;
                    count++;
                    if (angle < threshold) {
                        within++;
                    }
                    histogram[(int) Math.min(histogram.length - 1, Math.round(angle * BINS_PER_DEGREE))]++;
                }
            }

            @Override
            public double value() {
                if (count == 0) {
                    return Double.NaN;
                }
                switch (kind) {
                    case MEAN:
                        return sum / count;
                    case WITHIN:
                        return (double) within / count;
                    default:
                        long half = (count + 1) / 2;
                        long seen = 0;
                        for (int b = 0; b < histogram.length; b++) {
                            seen += histogram[b];
                            if (seen >= half) {
                                return (double) b / BINS_PER_DEGREE;
                            }
                        }
                        return 180.0;
                }
            }
        };
    }
}
