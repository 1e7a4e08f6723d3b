package org.mtl4j.spark;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.mtl4j.runs.GroupingData;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;

/**
 * Trains the candidate networks of a grouping study (Standley et al., ICML 2020) as Apache Spark tasks: each candidate
 * is one job of one task that loads the study data on its executor (the synthetic scenes are rendered there; files
 * must be readable by every executor), trains the network with the library's {@code InProcessExecutor} and returns its
 * per-task validation and test losses — a small serialisable record — to the driver, where the study stores it at
 * once. Spark retries a failed task; finished candidates already on disk are skipped by the study before anything is
 * submitted. Results are identical to the in-process executor's for the same seeds (same code, same data, same
 * seeds; on CPU, bit for bit).
 *
 * <p>Use it for studies too large for one machine: {@code 2^K − 1} subsets of K tasks, or K(K+1)/2 networks with the
 * higher-order approximation, spread over a cluster's executors.
 */
public final class SparkCandidateExecutor implements CandidateExecutor {

    private final JavaSparkContext sc;
    private final GroupingData.Options data;
    private final String architecture;
    private final FaultPlan fault;

    /**
     * Creates the executor.
     *
     * @param sc the Spark context (see {@link SparkBackend} for the task-slot settings it needs)
     * @param data the data settings the executors load
     * @param architecture the architecture's name
     * @param fault a fault to inject for tests, or {@link FaultPlan#NONE}
     */
    public SparkCandidateExecutor(JavaSparkContext sc, GroupingData.Options data, String architecture,
            FaultPlan fault) {
        this.sc = checkNotNull(sc, "sc");
        this.data = checkNotNull(data, "data");
        this.architecture = checkNotNull(architecture, "architecture");
        this.fault = checkNotNull(fault, "fault");
    }

    @Override
    public CandidateResult execute(CandidateSpec spec) {
        List<CandidateResult> one = new ArrayList<>();
        executeAll(List.of(spec), one::add);
        return one.get(0);
    }

    @Override
    public void executeAll(List<CandidateSpec> specs, Consumer<CandidateResult> onFinished) {
        GroupingData.Options d = data;
        String arch = architecture;
        FaultPlan f = fault;
        Function<CandidateSpec, CandidateResult> train = spec -> SparkWorker.trainCandidate(d, arch, spec, f);
        SparkJobs.runEach(sc, specs, train, CandidateSpec::name, onFinished);
    }
}
