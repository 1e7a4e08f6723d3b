package org.mtl4j.runs;

import java.util.ServiceLoader;
import org.mtl4j.runs.SweepExecutor;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.StudyData;

/**
 * Where {@code mtl study --spark} and {@code mtl sweep --spark} send their trainings: a distributed engine that runs
 * each candidate network (or each sweep run) as its own task and hands the results back to this process. The
 * {@code mtl-spark} module provides the Apache Spark implementation through {@link java.util.ServiceLoader}, so that
 * the command line works without Spark on the class path and users who do not need it do not carry it.
 */
public interface ClusterBackend extends AutoCloseable {

    /** @return a one-line description: engine, master, task slots */
    String describe();

    /**
     * An executor for the candidates of a grouping study whose data the workers load themselves.
     *
     * @param data the data settings (the synthetic scenes are rendered on each worker; files must be readable there)
     * @param architecture the architecture's name
     * @param loadedHere the same data as loaded in this process, which a backend that runs tasks in this JVM (a local
     *     master) may reuse instead of loading it again
     * @return the executor
     */
    CandidateExecutor studyExecutor(GroupingData.Options data, String architecture, StudyData loadedHere);

    /** @return an executor for the runs of a sweep */
    SweepExecutor sweepExecutor();

    /** Stops the engine's context. */
    @Override
    void close();

    /** Opens backends of one kind; registered in {@code META-INF/services}. */
    interface Provider {

        /** @return the kind, for example {@code spark} */
        String kind();

        /**
         * Connects.
         *
         * @param master where to run, for example {@code local[2]} or {@code spark://host:7077}
         * @return the backend
         */
        ClusterBackend open(String master);
    }

    /**
     * Opens the backend of the given kind found on the class path.
     *
     * @param kind for example {@code spark}
     * @param master the master URL
     * @return the backend
     * @throws IllegalArgumentException when no module on the class path provides that kind
     */
    static ClusterBackend open(String kind, String master) {
        for (Provider p : ServiceLoader.load(Provider.class)) {
            if (p.kind().equals(kind)) {
                return p.open(master);
            }
        }
        throw new IllegalArgumentException("--" + kind + " needs the mtl-" + kind + " module on the class path: run "
                + "mtl-" + kind + "/bin/mtl-" + kind + " (same arguments) instead of java -jar mtl.jar; see README");
    }
}
