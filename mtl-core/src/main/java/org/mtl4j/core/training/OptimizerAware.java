package org.mtl4j.core.training;

/**
 * A training listener that needs the run's optimiser, for example to measure what its next update would do
 * ({@link CheckpointableOptimizer#lookahead}). {@link MultiTaskTrainer} hands the optimiser to every listener added
 * with {@link MultiTaskTrainer#addListeners} that implements this interface, before the first step of each
 * {@code fit}; the optimiser's moments are freed when that {@code fit} returns, so a listener keeps it no longer than
 * the run.
 */
public interface OptimizerAware {

    /**
     * Called once per {@code fit}, before {@code onTrainingBegin}.
     *
     * @param optimizer the optimiser that will make every update of the run
     */
    void optimizerCreated(CheckpointableOptimizer optimizer);
}
