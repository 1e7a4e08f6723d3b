package org.mtl4j.grouping.study;

/**
 * Receives the progress of a {@link GroupingStudy} (the candidate trainings of Standley et al., ICML 2020), for a
 * progress bar or a log; {@code mtl study} draws its bar over candidates with it. Every method has an empty default;
 * calls come from the thread that runs the study.
 */
public interface StudyListener {

    /** A listener that ignores everything. */
    StudyListener NONE = new StudyListener() {};

    /**
     * A phase starts: {@code candidates} (the first phase) or {@code final} (the fully trained chosen networks and
     * baselines of an approximated study).
     *
     * @param phase the phase's name
     * @param toTrain the networks this run will train
     * @param reused the networks whose results were found on disk and are skipped
     */
    default void phaseStarted(String phase, int toTrain, int reused) {}

    /**
     * A network finished training.
     *
     * @param result its result
     * @param done the networks finished so far in this phase (this one included)
     * @param toTrain the networks this phase trains
     */
    default void candidateFinished(CandidateResult result, int done, int toTrain) {}
}
