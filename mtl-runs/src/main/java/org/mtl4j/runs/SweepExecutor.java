package org.mtl4j.runs;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.function.Consumer;

/**
 * Trains the runs of a sweep: one {@link SweepSpec} in, one {@link SweepResult} out. {@link InProcessSweepExecutor}
 * trains them one after the other here; a cluster executor runs each spec as its own task and hands each result back
 * as it arrives. Implementations must not train two networks at once in one JVM (DJL allows one gradient collector
 * per JVM).
 */
public interface SweepExecutor {

    /**
     * Trains one run.
     *
     * @param spec the run
     * @return what it measured
     */
    SweepResult execute(SweepSpec spec);

    /**
     * Trains several runs, handing every result to {@code onFinished} as soon as it is ready (on the calling thread,
     * one at a time). The default runs {@link #execute} in order.
     *
     * @param specs the runs
     * @param onFinished receives each result (the sweep stores it there, so a crash loses only runs in flight)
     */
    default void executeAll(List<SweepSpec> specs, Consumer<SweepResult> onFinished) {
        checkNotNull(specs, "specs");
        checkNotNull(onFinished, "onFinished");
        for (SweepSpec s : specs) {
            onFinished.accept(execute(s));
        }
    }
}
