package org.mtl4j.core.training;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.Locale;

/** The running sums of one epoch: each task's label-weighted mean loss and mean weight, and the skipped steps. */
final class EpochTally {

    private final ImmutableList<String> taskNames;
    private final double[] lossSum;
    private final double[] lossCount;
    private final double[] weightSum;
    private int steps;
    private int skipped;

    EpochTally(ImmutableList<String> taskNames) {
        this.taskNames = taskNames;
        int k = taskNames.size();
        this.lossSum = new double[k];
        this.lossCount = new double[k];
        this.weightSum = new double[k];
    }

    void add(TrainingStep.Result r) {
        for (int t = 0; t < lossSum.length; t++) {
            if (r.counts()[t] > 0) {
                lossSum[t] += r.losses()[t] * r.counts()[t];
                lossCount[t] += r.counts()[t];
            }
            weightSum[t] += r.weights()[t];
        }
        steps++;
    }

    void skip() {
        skipped++;
    }

    int skipped() {
        return skipped;
    }

    /** @return the mean loss of each task so far (NaN for a task that had no label) */
    ImmutableList<Double> meanLosses() {
        ImmutableList.Builder<Double> means = ImmutableList.builder();
        for (int t = 0; t < lossSum.length; t++) {
            means.add(lossCount[t] == 0 ? Double.NaN : lossSum[t] / lossCount[t]);
        }
        return means.build();
    }

    /** @return task → mean loss */
    ImmutableMap<String, Double> trainLoss() {
        ImmutableMap.Builder<String, Double> b = ImmutableMap.builder();
        ImmutableList<Double> means = meanLosses();
        for (int t = 0; t < lossSum.length; t++) {
            b.put(taskNames.get(t), means.get(t));
        }
        return b.build();
    }

    /** @return task → mean weight over the steps taken */
    ImmutableMap<String, Double> meanWeights() {
        ImmutableMap.Builder<String, Double> b = ImmutableMap.builder();
        for (int t = 0; t < lossSum.length; t++) {
            b.put(taskNames.get(t), steps == 0 ? Double.NaN : weightSum[t] / steps);
        }
        return b.build();
    }

    /** @return the progress bar's text: the sum of the running task losses */
    String runningLoss() {
        double total = 0;
        for (int i = 0; i < lossSum.length; i++) {
            total += lossCount[i] == 0 ? 0 : lossSum[i] / lossCount[i];
        }
        return String.format(Locale.ROOT, "loss %.4f", total);
    }
}
