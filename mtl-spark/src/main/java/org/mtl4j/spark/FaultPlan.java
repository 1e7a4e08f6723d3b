package org.mtl4j.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.Serializable;

/**
 * A fault to inject, for tests of recovery: the first attempt of the named training throws after the given number of
 * epochs, in the middle of its training, as a crashed executor would. Spark then retries the task (when the master
 * allows retries: {@code local[N,F]} with {@code F > 1}, or {@code spark.task.maxFailures} on a cluster).
 *
 * @param name the candidate's or run's name
 * @param afterEpochs the epochs completed before the fault
 */
public record FaultPlan(String name, int afterEpochs) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** No fault. */
    public static final FaultPlan NONE = new FaultPlan("", 0);

    /** Validates the components. */
    public FaultPlan {
        checkNotNull(name, "name");
        checkArgument(afterEpochs >= 0, "afterEpochs must be non-negative, got %s", afterEpochs);
    }

    /**
     * @param trainingName the training about to run
     * @param attempt Spark's attempt number of the task (0 for the first)
     * @return whether to inject the fault into it
     */
    boolean appliesTo(String trainingName, int attempt) {
        return !name.isEmpty() && name.equals(trainingName) && attempt == 0;
    }
}
