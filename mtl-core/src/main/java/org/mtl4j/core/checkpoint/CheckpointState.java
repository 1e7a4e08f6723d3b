package org.mtl4j.core.checkpoint;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * The training state saved next to the model parameters in a checkpoint.
 *
 * @param epochsCompleted the number of finished epochs
 * @param step the global optimiser step reached
 * @param taskNames the tasks, in output order
 * @param lossHistory the epoch-mean unweighted training losses of the finished epochs
 * @param bestEpoch the best epoch so far, −1 if none
 * @param bestScore the best epoch's score
 * @param weighting the balancing strategy's name
 * @param weightingState the strategy's internal state
 * @param settings the training settings, for the record
 * @param optimizerState the optimiser's moments by parameter name ({@link OptimizerState#NONE} when not saved)
 */
public record CheckpointState(int epochsCompleted, long step, ImmutableList<String> taskNames,
        ImmutableList<ImmutableList<Double>> lossHistory, int bestEpoch, double bestScore, String weighting,
        ImmutableMap<String, double[]> weightingState, ImmutableMap<String, Object> settings,
        OptimizerState optimizerState) {

    /** Replaces a missing optimiser state by {@link OptimizerState#NONE}. */
    public CheckpointState {
        if (optimizerState == null) {
            optimizerState = OptimizerState.NONE;
        }
    }

    /**
     * A state without optimiser moments.
     *
     * @param epochsCompleted the number of finished epochs
     * @param step the global optimiser step reached
     * @param taskNames the tasks, in output order
     * @param lossHistory the epoch-mean unweighted training losses of the finished epochs
     * @param bestEpoch the best epoch so far, −1 if none
     * @param bestScore the best epoch's score
     * @param weighting the balancing strategy's name
     * @param weightingState the strategy's internal state
     * @param settings the training settings, for the record
     */
    public CheckpointState(int epochsCompleted, long step, ImmutableList<String> taskNames,
            ImmutableList<ImmutableList<Double>> lossHistory, int bestEpoch, double bestScore, String weighting,
            ImmutableMap<String, double[]> weightingState, ImmutableMap<String, Object> settings) {
        this(epochsCompleted, step, taskNames, lossHistory, bestEpoch, bestScore, weighting, weightingState, settings,
                OptimizerState.NONE);
    }
}
