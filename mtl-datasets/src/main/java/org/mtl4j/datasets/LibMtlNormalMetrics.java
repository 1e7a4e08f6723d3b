package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.TaskMetric;

/**
 * Surface-normal metrics exactly as LibMTL computes them for NYUv2 (github.com/median-research-group/LibMTL,
 * {@code examples/nyu/utils.py}, {@code NormalMetric}): the prediction is L2-normalised, the label is used as stored
 * (the preprocessed NYUv2 normals are unit vectors), a pixel is valid when the <em>sum</em> of its label's channels is
 * non-zero, and the error is {@code degrees(acos(clamp(Σ_c p̂_c·g_c, −1, 1)))} in {@code float} precision. The angles
 * of all valid pixels of the split are pooled: the mean, the exact median ({@code numpy.median}: the mean of the two
 * middle values for an even count) and the fractions below 11.25°, 22.5° and 30° (in {@code [0, 1]}).
 *
 * <p>This differs from mtl4j's {@link org.mtl4j.core.task.TaskMetrics#medianAngle()} (a 0.01° histogram) and from its
 * validity test (a non-zero vector rather than a non-zero channel sum), so that numbers can be set beside LibMTL's,
 * Nash-MTL's and CAGrad's NYUv2 tables. The median keeps every valid angle of the split in memory (4 bytes each:
 * about 290 MB for the 654 validation images at 288 × 384). One deliberate difference: an all-zero prediction
 * counts as 90° (LibMTL would divide by a zero norm and report NaN).
 */
public final class LibMtlNormalMetrics {

    private static final float RAD_TO_DEG = 180f / (float) Math.PI;

    private LibMtlNormalMetrics() {}

    /** @return the mean angle in degrees, {@code mean_angle} (lower is better) */
    public static TaskMetric meanAngle() {
        return new AngleMetric("mean_angle", false, Kind.MEAN, 0);
    }

    /** @return the median angle in degrees, {@code median_angle} (lower is better) */
    public static TaskMetric medianAngle() {
        return new AngleMetric("median_angle", false, Kind.MEDIAN, 0);
    }

    /**
     * The fraction of valid pixels whose angle is below a threshold, named like mtl4j's ({@code within_11.25},
     * {@code within_22.5}, {@code within_30}).
     *
     * @param degrees the threshold
     * @return the metric (higher is better)
     */
    public static TaskMetric within(double degrees) {
        checkArgument(degrees > 0 && degrees <= 180, "angle threshold must lie in (0, 180], got %s", degrees);
        String name = "within_" + (degrees == Math.rint(degrees) ? String.valueOf((long) degrees)
                : String.valueOf(degrees));
        return new AngleMetric(name, true, Kind.WITHIN, degrees);
    }

    /**
     * The angles, in degrees, of the valid pixels of present samples, in row-major order.
     *
     * @param prediction the predictions {@code (N, 3, H, W)}
     * @param label the labels {@code (N, 3, H, W)}
     * @param present the presence mask {@code (N)}
     * @return the angles
     */
    public static float[] angles(NDArray prediction, NDArray label, NDArray present) {
        NDArray norm = prediction.square().sum(new int[] {1}, true).add(1e-24f).sqrt();
        float[] dot = prediction.div(norm).mul(label).sum(new int[] {1}).toFloatArray();
        long[] dims = new long[label.getShape().dimension() - 1];
        Arrays.fill(dims, 1L);
        dims[0] = present.getShape().get(0);
        NDArray p = present.toType(DataType.FLOAT32, false).reshape(new Shape(dims));
        float[] valid = label.sum(new int[] {1}).neq(0f).toType(DataType.FLOAT32, false).mul(p).toFloatArray();
        int n = 0;
        for (float v : valid) {
            if (v != 0f) {
                n++;
            }
        }
        float[] out = new float[n];
        int o = 0;
        for (int i = 0; i < dot.length; i++) {
            if (valid[i] != 0f) {
                float c = Math.max(-1f, Math.min(1f, dot[i]));
                out[o++] = (float) Math.acos(c) * RAD_TO_DEG;
            }
        }
        return out;
    }

    private enum Kind { MEAN, MEDIAN, WITHIN }

    private static final class AngleMetric implements TaskMetric {
        private final String name;
        private final boolean higher;
        private final Kind kind;
        private final double threshold;

        AngleMetric(String name, boolean higher, Kind kind, double threshold) {
            this.name = name;
            this.higher = higher;
            this.kind = kind;
            this.threshold = threshold;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean higherIsBetter() {
            return higher;
        }

        @Override
        public MetricAccumulator newAccumulator() {
            return new MetricAccumulator() {
                private double sum;
                private long count;
                private long within;
                private float[] all = new float[kind == Kind.MEDIAN ? 1 << 16 : 0];

                @Override
                public void update(NDArray prediction, NDArray label, NDArray present) {
                    float[] a = angles(prediction, label, present);
                    for (float v : a) {
                        sum += v;
                        if (v < threshold) {
                            within++;
                        }
                    }
                    if (kind == Kind.MEDIAN) {
                        if (count + a.length > all.length) {
                            long grown = Math.max(count + a.length, 2L * all.length);
                            checkArgument(grown < Integer.MAX_VALUE - 8, "too many normal pixels for the exact median");
                            all = Arrays.copyOf(all, (int) grown);
                        }
                        System.arraycopy(a, 0, all, (int) count, a.length);
                    }
                    count += a.length;
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
                            float[] sorted = Arrays.copyOf(all, (int) count);
                            Arrays.sort(sorted);
                            int mid = (int) (count / 2);
                            return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + (double) sorted[mid]) / 2;
                    }
                }
            };
        }

        @Override
        public String toString() {
            return name + " (LibMTL)";
        }
    }
}
