package org.mtl4j.datasets;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.mtl4j.core.task.MetricAccumulator;
import org.mtl4j.core.task.TaskLoss;
import org.mtl4j.core.task.TaskMetric;

/**
 * The masked L1 loss of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020; github.com/tstandley/taskgrouping, {@code taskonomy_losses.py}: {@code depth_loss_simple},
 * {@code normal_loss_simple}, {@code edge_loss_simple}, {@code reshade_loss}, {@code pc_loss}):
 *
 * <pre>
 *   L = Σ |p − t| · m / (N · C · H · W)
 * </pre>
 *
 * <p>that is, {@code (l1(p, t) * mask).mean()}: invalid pixels contribute zero but are still counted in the
 * denominator. This differs from mtl4j's {@link org.mtl4j.core.task.TaskLosses#l1(float)}, which divides by the number
 * of valid elements; with this loss, numbers are comparable to Standley's. Here {@code N} counts the present samples
 * only (missing labels are skipped, as everywhere in mtl4j), and a pixel is invalid when its label equals
 * {@link #INVALID}, the value {@link TaskonomyDataset} writes where Standley's mask ({@code depth_zbuffer < 8192},
 * 16 m) is 0.
 *
 * <p>{@link #metric()} gives the same quantity pooled over a whole split ({@code standley_l1}).
 */
public final class StandleyMaskedL1 implements TaskLoss {

    /**
     * The label value of a masked-out pixel: {@code 1e-30}. Standley's normalisations never produce it (they give 0 or
     * values of magnitude at least about {@code 1e-5}), and it is close enough to 0 — the mean of the normalised
     * targets — not to disturb statistics such as the mean predictor's.
     */
    public static final float INVALID = 1e-30f;

    /** The loss. */
    public StandleyMaskedL1() {}

    @Override
    public String name() {
        return "l1-standley-masked";
    }

    @Override
    public NDArray compute(NDArray prediction, NDArray label, NDArray present) {
        NDArray presentB = broadcastable(present, label.getShape().dimension());
        NDArray valid = label.neq(INVALID).toType(DataType.FLOAT32, false).mul(presentB);
        NDArray sum = prediction.sub(label).abs().mul(valid).sum();
        long perSample = label.getShape().size() / label.getShape().get(0);
        NDArray count = presentB.sum().mul((float) perSample);
        return sum.div(count.maximum(1f));
    }

    @Override
    public Shape expectedLabelShape(Shape predictionShape) {
        return predictionShape;
    }

    @Override
    public String toString() {
        return "StandleyMaskedL1(invalid=" + INVALID + ")";
    }

    /**
     * The loss as a metric pooled over a split: {@code Σ |p − t|·m / Σ elements of present samples}.
     *
     * @return the metric {@code standley_l1} (lower is better)
     */
    public static TaskMetric metric() {
        return new TaskMetric() {
            @Override
            public String name() {
                return "standley_l1";
            }

            @Override
            public boolean higherIsBetter() {
                return false;
            }

            @Override
            public MetricAccumulator newAccumulator() {
                return new MetricAccumulator() {
                    private double sum;
                    private double count;

                    @Override
                    public void update(NDArray prediction, NDArray label, NDArray present) {
                        NDArray presentB = broadcastable(present, label.getShape().dimension());
                        NDArray valid = label.neq(INVALID).toType(DataType.FLOAT32, false).mul(presentB);
                        sum += prediction.sub(label).abs().mul(valid).sum().toType(DataType.FLOAT64, false)
                                .getDouble();
                        long perSample = label.getShape().size() / label.getShape().get(0);
                        count += presentB.sum().getFloat() * (double) perSample;
                    }

                    @Override
                    public double value() {
                        return count == 0 ? Double.NaN : sum / count;
                    }
                };
            }

            @Override
            public String toString() {
                return "standley_l1";
            }
        };
    }

    private static NDArray broadcastable(NDArray present, int rank) {
        long[] dims = new long[rank];
        java.util.Arrays.fill(dims, 1L);
        dims[0] = present.getShape().get(0);
        NDArray p = present.getDataType() == DataType.FLOAT32 ? present : present.toType(DataType.FLOAT32, false);
        return p.reshape(new Shape(dims));
    }
}
