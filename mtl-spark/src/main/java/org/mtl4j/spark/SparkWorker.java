package org.mtl4j.spark;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.runs.GroupingData;
import org.mtl4j.runs.InProcessSweepExecutor;
import org.mtl4j.runs.SweepResult;
import org.mtl4j.runs.SweepSpec;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.InProcessExecutor;
import org.mtl4j.grouping.study.StudyData;

/**
 * What a Spark task runs on its executor: one training, with the library's in-process executors. Data are loaded
 * (the synthetic scenes rendered) once per executor JVM and kept for the next task of the same data. A JVM-wide lock
 * makes sure two trainings never overlap in one JVM, even if the task slots were configured wrongly: DJL allows one
 * gradient collector per JVM.
 */
final class SparkWorker {

    private static final Object TRAINING = new Object();
    /** Faults injected in this JVM so far (tests read it in local mode, where executors run in the driver's JVM). */
    static final AtomicInteger INJECTED = new AtomicInteger();

    private static GroupingData.Options studyKey;
    private static StudyData study;
    private static InProcessSweepExecutor sweep;

    private SparkWorker() {}

    /**
     * Lets tasks that run in this JVM (local masters) reuse data the driver already loaded.
     *
     * @param key the data settings
     * @param data the loaded data
     */
    static void offer(GroupingData.Options key, StudyData data) {
        synchronized (TRAINING) {
            studyKey = key;
            study = data;
        }
    }

    static CandidateResult trainCandidate(GroupingData.Options data, String arch, CandidateSpec spec,
            FaultPlan fault) {
        synchronized (TRAINING) {
            if (!data.equals(studyKey)) {
                try {
                    study = GroupingData.load(data, new PrintStream(System.err, true));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                studyKey = data;
            }
            boolean inject = fault.appliesTo(spec.name(), attempt());
            if (inject && fault.afterEpochs() == 0) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault before candidate " + spec.name() + " (first attempt)");
            }
            List<TrainingListener> listeners = inject ? List.of(new Fault(spec.name(), fault.afterEpochs()))
                    : List.of();
            return new InProcessExecutor(study, Architectures.byName(arch), GroupingData.encoders(study.inputShape()),
                    s -> listeners).execute(spec);
        }
    }

    static SweepResult trainRun(SweepSpec spec, int threads, FaultPlan fault) {
        synchronized (TRAINING) {
            if (fault.appliesTo(spec.name(), attempt())) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault before run " + spec.name() + " (first attempt)");
            }
            if (sweep == null) {
                sweep = new InProcessSweepExecutor(threads);
            }
            return sweep.execute(spec);
        }
    }

    private static int attempt() {
        TaskContext context = TaskContext.get();
        return context == null ? 0 : context.attemptNumber();
    }

    /** Throws in the middle of a training, after some epochs. */
    private static final class Fault extends TrainingListenerAdapter {
        private final String name;
        private final int afterEpochs;
        private int epochs;

        Fault(String name, int afterEpochs) {
            this.name = name;
            this.afterEpochs = afterEpochs;
        }

        @Override
        public void onEpoch(Trainer trainer) {
            if (++epochs == afterEpochs) {
                INJECTED.incrementAndGet();
                throw new IllegalStateException("injected fault in candidate " + name + " after epoch " + epochs
                        + " (first attempt)");
            }
        }
    }
}
