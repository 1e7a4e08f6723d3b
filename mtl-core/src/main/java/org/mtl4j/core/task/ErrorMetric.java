package org.mtl4j.core.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Regression errors pooled over all valid elements of a split: absolute error {@code Σ|p − g| / N},
 * relative error {@code Σ(|p − g| / g) / N} and root-mean-square error {@code sqrt(Σ(p − g)² / N)}, where an
 * element is valid when its sample is present and its label differs from the invalid value (if one is set).
 */
final class ErrorMetric implements TaskMetric {

    enum Kind { ABS, REL, RMSE }

    private final Kind kind;
    private final Float invalidValue;

    ErrorMetric(Kind kind, Float invalidValue) {
        this.kind = kind;
        this.invalidValue = invalidValue;
    }

    @Override
    public String name() {
        switch (kind) {
            case ABS:
                return "abs_err";
            case REL:
                return "rel_err";
            default:
                return "rmse";
        }
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
                NDArray valid = Masks.broadcastable(present, label.getShape().dimension()).broadcast(label.getShape());
                if (invalidValue != null) {
                    valid = valid.mul(label.neq(invalidValue).toType(DataType.FLOAT32, false));
                }
                NDArray diff = prediction.sub(label);
                NDArray per;
                switch (kind) {
                    case ABS:
                        per = diff.abs();
                        break;
                    case REL:
                        // invalid elements may be zero: divide where valid only
                        per = diff.abs().div(label.add(valid.neg().add(1f)));
                        break;
                    default:
                        per = diff.square();
                        break;
                }
                sum += per.mul(valid).sum().getFloat();
                count += valid.sum().getFloat();
            }

            @Override
            public double value() {
                if (count == 0) {
                    return Double.NaN;
                }
                return kind == Kind.RMSE ? Math.sqrt(sum / count) : sum / count;
            }
        };
    }
}
