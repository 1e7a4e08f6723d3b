package org.mtl4j.core.training;

import com.google.common.collect.ImmutableMap;
import java.util.Optional;
import org.mtl4j.core.evaluation.EvaluationResult;

/**
 * What one epoch produced: the epoch-mean unweighted training loss and the mean weight of every task, the validation
 * results (when a validation set was given), the number of skipped batches and the wall time.
 *
 * @param epoch the epoch, from 0
 * @param trainLoss task → epoch-mean unweighted training loss
 * @param meanWeights task → mean weight the strategy gave it
 * @param validation the validation results, if evaluated
 * @param skippedBatches batches skipped for non-finite losses
 * @param seconds wall time of the epoch, validation included
 * @param validationSeconds the part of it spent on validation (0 when none ran)
 */
public record EpochRecord(int epoch, ImmutableMap<String, Double> trainLoss, ImmutableMap<String, Double> meanWeights,
        Optional<EvaluationResult> validation, int skippedBatches, double seconds, double validationSeconds) {

    /** @return the wall time of the training steps alone */
    public double trainingSeconds() {
        return seconds - validationSeconds;
    }
}
