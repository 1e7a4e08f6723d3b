package org.mtl4j.cli.outside;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.LossBasedWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.core.weighting.WeightingContext;
import org.mtl4j.core.weighting.WeightingProvider;

/**
 * A strategy written outside {@code mtl-losses}, as a user would: the task with the largest loss gets weight
 * {@code boost}, the others 1. It is one class plus one line in {@code META-INF/services}, and
 * {@code --weighting largest[:boost]} finds it.
 */
public final class LargestLossWeighting implements LossBasedWeighting {

    private final double boost;

    LargestLossWeighting(double boost) {
        checkArgument(boost > 0 && Double.isFinite(boost), "largest: boost must be positive, got %s", boost);
        this.boost = boost;
    }

    @Override
    public String name() {
        return "largest";
    }

    @Override
    public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
        double[] w = new double[losses.size()];
        int largest = 0;
        for (int k = 0; k < w.length; k++) {
            w[k] = 1;
            if (losses.get(k).getFloat() > losses.get(largest).getFloat()) {
                largest = k;
            }
        }
        w[largest] = boost;
        NDArray total = null;
        for (int k = 0; k < w.length; k++) {
            NDArray term = losses.get(k).mul((float) w[k]);
            total = total == null ? term : total.add(term);
        }
        return new WeightedLoss(total, w);
    }

    /** Registered in {@code META-INF/services/org.mtl4j.core.weighting.WeightingProvider}. */
    public static final class Provider implements WeightingProvider {
        @Override
        public String name() {
            return "largest";
        }

        @Override
        public String usage() {
            return "largest[:boost]";
        }

        @Override
        public LossWeighting create(String arguments, int taskCount) {
            return new LargestLossWeighting(arguments.isEmpty() ? 2 : Double.parseDouble(arguments));
        }
    }
}
