package org.mtl4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;

/**
 * Runs independent trainings as Spark jobs of one task each and hands every result to the driver as soon as its job
 * finishes. One job per training (rather than one job over all of them) is what lets a study store each candidate
 * the moment it is done — a driver crash loses only the trainings in flight — and lets Spark retry a failed training
 * alone.
 */
final class SparkJobs {

    private SparkJobs() {}

    /**
     * Submits one single-task job per spec, then delivers the results in the order they finish.
     *
     * @param sc the context
     * @param specs the trainings
     * @param train the training (serialised to the executors)
     * @param names a spec's name, for job descriptions and errors
     * @param onFinished receives each result on the calling thread
     * @param <S> the spec type
     * @param <R> the result type
     * @throws IllegalStateException naming every training that failed after Spark's retries (the others were
     *     delivered)
     */
    static <S extends Serializable, R> void runEach(JavaSparkContext sc, List<S> specs, Function<S, R> train,
            java.util.function.Function<S, String> names, Consumer<R> onFinished) {
        Map<JavaFutureAction<List<R>>, S> running = new LinkedHashMap<>();
        for (S s : specs) {
            sc.setJobDescription("mtl4j " + names.apply(s));
            running.put(sc.parallelize(List.of(s), 1).map(train).collectAsync(), s);
        }
        List<String> failed = new ArrayList<>();
        try {
            while (!running.isEmpty()) {
                boolean progressed = false;
                for (Iterator<Map.Entry<JavaFutureAction<List<R>>, S>> it = running.entrySet().iterator();
                        it.hasNext();) {
                    Map.Entry<JavaFutureAction<List<R>>, S> e = it.next();
                    if (!e.getKey().isDone()) {
                        continue;
                    }
                    it.remove();
                    progressed = true;
                    List<R> results;
                    try {
                        results = e.getKey().get();
                    } catch (ExecutionException ex) {
                        failed.add(names.apply(e.getValue()) + " (" + rootMessage(ex) + ")");
                        continue;
                    }
                    for (R r : results) {
                        onFinished.accept(r);
                    }
                }
                if (!progressed) {
                    Thread.sleep(20);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Spark", e);
        } finally {
            for (JavaFutureAction<List<R>> f : running.keySet()) {
                f.cancel(true);
            }
        }
        if (!failed.isEmpty()) {
            throw new IllegalStateException(failed.size() + " of " + specs.size() + " trainings failed after Spark's "
                    + "retries (the others are kept): " + String.join("; ", failed));
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        String m = c.getMessage();
        if (m != null && m.contains("\n")) {
            m = m.substring(0, m.indexOf('\n'));
        }
        return c.getClass().getSimpleName() + ": " + m;
    }
}
