package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Metrics from a confusion matrix accumulated over a whole split (the convention of LibMTL and the updated mtan):
 * mean IoU {@code mean_c TP_c / (TP_c + FP_c + FN_c)} over classes present in labels or predictions, and pixel
 * accuracy {@code trace / total}. Labels equal to the ignore label, and absent samples, are skipped.
 */
final class ConfusionMetric implements TaskMetric {

    enum Kind { MEAN_IOU, ACCURACY }

    private final Kind kind;
    private final int ignoreLabel;

    ConfusionMetric(Kind kind, int ignoreLabel) {
        this.kind = kind;
        this.ignoreLabel = ignoreLabel;
    }

    @Override
    public String name() {
        return kind == Kind.MEAN_IOU ? "mIoU" : "accuracy";
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public MetricAccumulator newAccumulator() {
        return new MetricAccumulator() {
            private long[][] confusion;

            @Override
            public void update(NDArray prediction, NDArray label, NDArray present) {
                int classes = (int) prediction.getShape().get(1);
                if (confusion == null) {
                    confusion = new long[classes][classes];
                }
                int[] predicted = prediction.argMax(1).toType(DataType.INT32, false).toIntArray();
                int[] truth = label.toType(DataType.INT32, false).toIntArray();
                float[] presence = present.toType(DataType.FLOAT32, false).toFloatArray();
                int perSample = truth.length / presence.length;
                for (int i = 0; i < truth.length; i++) {
                    int y = truth[i];
                    if (presence[i / perSample] == 0f || y == ignoreLabel || y < 0 || y >= classes) {
                        continue;
                    }
                    confusion[y][predicted[i]]++;
                }
            }

            @Override
            public double value() {
                if (confusion == null) {
                    return Double.NaN;
                }
                long total = 0;
                long correct = 0;
                double iouSum = 0;
                int iouCount = 0;
                int n = confusion.length;
                for (int c = 0; c < n; c++) {
                    long tp = confusion[c][c];
                    long fn = 0;
                    long fp = 0;
                    for (int o = 0; o < n; o++) {
                        total += confusion[c][o];
                        if (o != c) {
                            fn += confusion[c][o];
                            fp += confusion[o][c];
                        }
                    }
                    correct += tp;
                    long union = tp + fp + fn;
                    if (union > 0) {
                        iouSum += (double) tp / union;
                        iouCount++;
                    }
                }
                if (total == 0) {
                    return Double.NaN;
                }
                return kind == Kind.ACCURACY ? (double) correct / total : iouSum / iouCount;
            }
        };
    }
}
