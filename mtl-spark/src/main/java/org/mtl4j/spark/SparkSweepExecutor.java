package org.mtl4j.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.mtl4j.runs.SweepExecutor;
import org.mtl4j.runs.SweepResult;
import org.mtl4j.runs.SweepSpec;

/**
 * Trains the runs of a sweep (architecture × weighting × seed) as Apache Spark tasks, one job of one task per run;
 * each executor loads the data once and keeps it for its next run of the same data. Results come back to the driver
 * as each run finishes and are identical to the in-process executor's for the same seeds.
 */
public final class SparkSweepExecutor implements SweepExecutor {

    private final JavaSparkContext sc;
    private final int threads;
    private final FaultPlan fault;

    /**
     * Creates the executor.
     *
     * @param sc the Spark context
     * @param threads data loading threads on an executor
     * @param fault a fault to inject for tests, or {@link FaultPlan#NONE}
     */
    public SparkSweepExecutor(JavaSparkContext sc, int threads, FaultPlan fault) {
        checkArgument(threads > 0, "threads must be positive, got %s", threads);
        this.sc = checkNotNull(sc, "sc");
        this.threads = threads;
        this.fault = checkNotNull(fault, "fault");
    }

    @Override
    public SweepResult execute(SweepSpec spec) {
        List<SweepResult> one = new ArrayList<>();
        executeAll(List.of(spec), one::add);
        return one.get(0);
    }

    @Override
    public void executeAll(List<SweepSpec> specs, Consumer<SweepResult> onFinished) {
        int th = threads;
        FaultPlan f = fault;
        Function<SweepSpec, SweepResult> train = spec -> SparkWorker.trainRun(spec, th, f);
        SparkJobs.runEach(sc, specs, train, SweepSpec::name, onFinished);
    }
}
