package org.mtl4j.core.training;

import com.google.common.collect.ImmutableList;
import java.util.Optional;

/**
 * The per-epoch record of a run, and the epoch chosen as best (by Δp against single-task baselines when they were
 * given, otherwise by the lowest total validation loss).
 *
 * @param epochs the epoch records in order
 * @param bestEpoch the best epoch, from 0, or −1 when no validation ran
 * @param bestScore its score (Δp in percent, or the negated total validation loss)
 */
public record TrainingHistory(ImmutableList<EpochRecord> epochs, int bestEpoch, double bestScore) {

    /** @return the last epoch's record */
    public EpochRecord last() {
        return epochs.get(epochs.size() - 1);
    }

    /** @return the best epoch's record, if any validation ran */
    public Optional<EpochRecord> best() {
        return epochs.stream().filter(e -> e.epoch() == bestEpoch).findFirst();
    }
}
