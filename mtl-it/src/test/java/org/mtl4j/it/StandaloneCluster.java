package org.mtl4j.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.mtl4j.spark.SparkBackend;

/**
 * A Spark standalone master and workers started as separate JVMs on loopback from the build's own jars (no Spark
 * distribution: a "Spark home" of links to {@code mtl-spark/target/lib/spark} plus an SLF4J binding, as
 * {@code ../shared/reference/spark-notes.md} describes). {@link #close()} stops every process it started, with their
 * executors.
 */
final class StandaloneCluster implements AutoCloseable {


    private final Path home;
    private final Path dir;
    private final int port;
    private final Process master;
    private final List<Process> workers = new ArrayList<>();

    private StandaloneCluster(Path dir, Path home, int port, Process master) {
        this.dir = dir;
        this.home = home;
        this.port = port;
        this.master = master;
    }

    /**
     * Starts a master and {@code workers} workers of one core each, and waits until all are registered.
     *
     * @param dir a scratch folder
     * @param sparkLib the folder of Spark's jars
     * @param appLib the folder holding {@code slf4j-api}
     * @param workers the number of workers
     * @return the running cluster
     * @throws Exception when it does not come up within two minutes
     */
    static StandaloneCluster start(Path dir, Path sparkLib, Path appLib, int workers) throws Exception {
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Files.createFile(home.resolve("RELEASE"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        // Spark's jars, the SLF4J API of the application and a binding (this test's own) for the daemons' logs
        Stream<Path> binding = Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .filter(e -> e.contains("slf4j-simple")).map(Path::of);
        try (Stream<Path> s = Stream.concat(Stream.concat(Files.list(sparkLib), Files.list(appLib)
                .filter(p -> p.getFileName().toString().startsWith("slf4j-api"))), binding)) {
            for (Path j : s.toList()) {
                Files.createSymbolicLink(jars.resolve(j.getFileName()), j.toAbsolutePath());
            }
        }
        int port = freePort();
        Process master = start(home, dir.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host",
                "127.0.0.1", "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()));
        StandaloneCluster c = new StandaloneCluster(dir, home, port, master);
        try {
            for (int i = 0; i < workers; i++) {
                c.addWorker(i);
            }
            c.awaitLog(dir.resolve("master.log"), "Registering worker", workers, 120);
            return c;
        } catch (Exception e) {
            c.close();
            throw e;
        }
    }

    private void addWorker(int i) throws IOException {
        Path work = Files.createDirectories(dir.resolve("worker" + i));
        workers.add(start(home, dir.resolve("worker" + i + ".log"), "org.apache.spark.deploy.worker.Worker", "--host",
                "127.0.0.1", "--cores", "1", "--memory", "3g", "--webui-port", Integer.toString(freePort()),
                "--work-dir", work.toString(), url()));
    }

    private static Process start(Path home, Path log, String main, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.addAll(List.of(SparkBackend.JAVA17_OPENS.split(" ")));
        cmd.add("-cp");
        cmd.add(home.resolve("jars") + "/*");
        cmd.add(main);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.12");
        return pb.start();
    }

    /** @return the master URL */
    String url() {
        return "spark://127.0.0.1:" + port;
    }

    /**
     * Kills a worker and its executors at once (SIGKILL, by process id), as a lost machine would vanish.
     *
     * @param i the worker
     * @throws InterruptedException when interrupted
     */
    void killWorker(int i) throws InterruptedException {
        kill(workers.get(i));
    }

    void awaitLog(Path log, String text, int count, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (content.split(Pattern.quote(text), -1).length > count) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("'" + text + "' did not appear " + count + " times in " + log + " within "
                + seconds + " s:\n" + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process w : workers) {
            kill(w);
        }
        kill(master);
    }
}
