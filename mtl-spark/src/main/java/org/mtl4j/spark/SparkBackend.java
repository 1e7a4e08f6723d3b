package org.mtl4j.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.mtl4j.runs.ClusterBackend;
import org.mtl4j.runs.GroupingData;
import org.mtl4j.runs.SweepExecutor;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.StudyData;

/**
 * Apache Spark as the place where {@code mtl study} candidates and {@code mtl sweep} runs train: one Spark task per
 * training, and never two trainings at a time in one executor JVM (DJL allows one gradient collector per JVM).
 *
 * <p>Task slots: mtl4j sets {@code spark.task.cpus} to the cores of one executor, so each executor runs one task at
 * a time and that training gets all its cores as PyTorch threads. With {@code local[N]} the executor is the driver's
 * own JVM: trainings run one after the other ({@code spark.task.cpus = N}); the parallelism comes from a cluster's
 * executors. On a cluster, choose the threads per training with {@code --executor-cores} (default 1) and the number
 * of parallel trainings with {@code --num-executors}; executors get {@code -Dai.djl.offline=true}, the PyTorch thread
 * count and the {@code --add-opens} flags Spark needs on Java 17. In local mode, retries need a master of the form
 * {@code local[N,F]} (F attempts per task); on a cluster {@code spark.task.maxFailures} (default 4) applies.
 */
public final class SparkBackend implements ClusterBackend {

    /** The JVM flags Spark 3.5 needs on Java 17 (also set on executors by this class). */
    public static final String JAVA17_OPENS = "--add-opens=java.base/java.lang=ALL-UNNAMED "
            + "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED "
            + "--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED "
            + "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED";

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,(\\d+))?])?");

    private final JavaSparkContext sc;
    private final String master;
    private final int taskCpus;
    private final boolean local;
    private FaultPlan fault = FaultPlan.NONE;

    private SparkBackend(SparkConf conf, String master, int taskCpus, boolean local) {
        this.sc = new JavaSparkContext(conf);
        this.sc.setLogLevel("WARN");
        this.master = master;
        this.taskCpus = taskCpus;
        this.local = local;
    }

    /**
     * Starts a Spark context on the master.
     *
     * @param master {@code local}, {@code local[N]}, {@code local[*]}, {@code local[N,F]}, or a cluster URL
     * @return the backend
     * @throws IllegalArgumentException for a malformed local master
     */
    public static SparkBackend open(String master) {
        checkNotNull(master, "master");
        SparkConf conf = new SparkConf().setMaster(master).setAppName("mtl4j").set("spark.ui.enabled", "false");
        int cpus;
        boolean local = master.startsWith("local");
        if (local) {
            Matcher m = LOCAL.matcher(master);
            checkArgument(m.matches(), "Spark master '%s' is not local, local[N], local[*] or local[N,F]", master);
            cpus = m.group(1) == null ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(m.group(1));
            checkArgument(cpus > 0, "Spark master '%s' has no threads", master);
            conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1");
        } else {
            cpus = Integer.parseInt(conf.get("spark.executor.cores", "1"));
            if (master.contains("://127.0.0.1:") || master.contains("://localhost:")) {
                // a cluster on this machine's loopback: the executors must reach the driver there too
                conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress",
                        "127.0.0.1");
            }
            conf.setIfMissing("spark.executor.cores", Integer.toString(cpus));
            String javaOptions = conf.get("spark.executor.extraJavaOptions", "");
            conf.set("spark.executor.extraJavaOptions", (javaOptions + " -Dai.djl.offline=true "
                    + "-Dai.djl.pytorch.num_threads=" + cpus + " -Dai.djl.pytorch.num_interop_threads=1 "
                    + JAVA17_OPENS).trim());
            conf.setIfMissing("spark.executorEnv.OMP_NUM_THREADS", Integer.toString(cpus));
            conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
            if (!conf.contains("spark.jars")) {
                String jars = applicationJars();
                if (!jars.isEmpty()) {
                    conf.set("spark.jars", jars); // the executors fetch them from the driver
                }
            }
        }
        conf.set("spark.task.cpus", Integer.toString(cpus));
        return new SparkBackend(conf, master, cpus, local);
    }

    /**
     * The jars an executor needs that a Spark installation does not have: every jar on this JVM's class path except
     * those in the folder of Spark's own jars (the launcher keeps them apart, in {@code lib/spark}). They include the
     * PyTorch natives the application chose (in {@code mtl.jar}). {@code spark-submit} sets {@code spark.jars} itself
     * (the application jar and {@code --jars}), and a {@code spark.jars} given by the user is kept as it is.
     *
     * @return the jars, comma-separated
     */
    static String applicationJars() {
        Path sparkDir = null;
        try {
            sparkDir = Path.of(SparkContext.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (URISyntaxException | RuntimeException e) {
            // no code source: ship the whole class path
        }
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath();
            boolean spark = sparkDir != null && sparkDir.equals(p.getParent());
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && !spark) {
                jars.add(p.toString());
            }
        }
        return String.join(",", jars);
    }

    /**
     * Injects a fault into the trainings this backend runs, for tests of Spark's retries.
     *
     * @param plan the fault
     * @return this backend
     */
    SparkBackend inject(FaultPlan plan) {
        this.fault = checkNotNull(plan, "plan");
        return this;
    }

    /** @return the Spark context */
    public JavaSparkContext context() {
        return sc;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "Spark %s on %s: one training per executor JVM at a time "
                + "(spark.task.cpus=%d)", sc.version(), master, taskCpus);
    }

    @Override
    public CandidateExecutor studyExecutor(GroupingData.Options data, String architecture, StudyData loadedHere) {
        if (local && loadedHere != null) {
            SparkWorker.offer(data, loadedHere); // the tasks run in this JVM: no second copy of the data
        }
        return new SparkCandidateExecutor(sc, data, architecture, fault);
    }

    @Override
    public SweepExecutor sweepExecutor() {
        return new SparkSweepExecutor(sc, Math.max(1, taskCpus), fault);
    }

    @Override
    public void close() {
        sc.stop();
    }

    /** Registers {@code spark} with the {@code mtl} command line. */
    public static final class Provider implements ClusterBackend.Provider {

        @Override
        public String kind() {
            return "spark";
        }

        @Override
        public ClusterBackend open(String master) {
            return SparkBackend.open(master);
        }
    }
}
