package org.mtl4j.core.data;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How multi-input training shares one step's samples among the tasks: task t gets a share {@code p_t ∝ n_t^{1/T}}
 * of the batch, {@code n_t} being the size of its data set and T the temperature. T = 1 is proportional sampling
 * (every data set is passed once in the same number of steps), T = ∞ is equal sampling (small data sets are
 * revisited more often), values in between are the temperature-scaled sampling of multilingual and multi-task NLP
 * (Arivazhagan et al. 2019, "Massively Multilingual Neural Machine Translation in the Wild"; T5 uses T ≈ 2–3).
 *
 * <p>Every task gets one sample of each step, so each step's gradient has a term for every task (what
 * gradient-based strategies need); the other {@code B − K} samples of a batch of B are shared by {@code p_t},
 * rounded by largest remainder, so the task batches add up to B whenever {@code B ≥ K}.
 *
 * @param temperature T, at least 1; {@link Double#POSITIVE_INFINITY} for equal shares
 */
public record Sampling(double temperature) {

    /** Validates the temperature. */
    public Sampling {
        checkArgument(temperature >= 1, "sampling temperature must be at least 1, got %s", temperature);
    }

    /** @return shares proportional to the data set sizes (T = 1) */
    public static Sampling proportional() {
        return new Sampling(1);
    }

    /** @return equal shares (T = ∞) */
    public static Sampling equal() {
        return new Sampling(Double.POSITIVE_INFINITY);
    }

    /**
     * @param t the temperature, at least 1
     * @return shares proportional to {@code n^{1/t}}
     */
    public static Sampling temperature(double t) {
        return new Sampling(t);
    }

    /**
     * Parses {@code proportional}, {@code equal} or {@code temperature:T}.
     *
     * @param text the text
     * @return the rule
     * @throws IllegalArgumentException naming the text
     */
    public static Sampling parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("proportional")) {
            return proportional();
        }
        if (s.equals("equal")) {
            return equal();
        }
        if (s.startsWith("temperature:")) {
            try {
                return temperature(Double.parseDouble(s.substring("temperature:".length())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("sampling '" + text + "': the temperature is not a number");
            }
        }
        throw new IllegalArgumentException("unknown sampling '" + text
                + "'; expected proportional, equal or temperature:T");
    }

    /**
     * Each task's share of a step's samples.
     *
     * @param sizes the data set sizes, each positive
     * @param batchSize the samples of one step, all tasks together
     * @return the per-task batch sizes, each at least 1
     */
    public int[] batchSizes(long[] sizes, int batchSize) {
        checkArgument(sizes.length > 0, "no tasks to sample");
        checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
        int k = sizes.length;
        double[] weight = new double[k];
        double total = 0;
        for (int t = 0; t < k; t++) {
            checkArgument(sizes[t] > 0, "data set %s is empty", t);
            weight[t] = Double.isInfinite(temperature) ? 1 : Math.pow(sizes[t], 1 / temperature);
            total += weight[t];
        }
        int free = Math.max(0, batchSize - k);
        int[] b = new int[k];
        double[] remainder = new double[k];
        int given = 0;
        for (int t = 0; t < k; t++) {
            double exact = free * weight[t] / total;
            b[t] = 1 + (int) Math.floor(exact);
            remainder[t] = exact - Math.floor(exact);
            given += b[t] - 1;
        }
        for (int left = free - given; left > 0; left--) {
            int best = 0;
            for (int t = 1; t < k; t++) {
                if (remainder[t] > remainder[best]) {
                    best = t;
                }
            }
            b[best]++;
            remainder[best] = -1;
        }
        return b;
    }
}
