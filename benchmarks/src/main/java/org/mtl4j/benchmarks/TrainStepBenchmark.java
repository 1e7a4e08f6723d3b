package org.mtl4j.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.MultiTaskTrainer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per training step (forward, task losses, the strategy's hook, backward in the strategy's gradient mode,
 * Adam update) of a multi-task network on the synthetic scenes, over a grid of architecture, weighting strategy,
 * gradient mode, number of tasks, batch size and resolution. Data is rendered once per trial, outside the
 * measurement. One invocation runs {@value #STEPS} steps through the library's own training loop.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TrainStepBenchmark -p arch=hps -rf json}.
 * Samples per second = batchSize / (time per step).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
public class TrainStepBenchmark {

    static final int STEPS = 8;

    @Param({"hps"})
    public String arch;

    @Param({"equal"})
    public String weighting;

    @Param({"auto"})
    public String mode;

    @Param({"5"})
    public int numTasks;

    @Param({"16"})
    public int batchSize;

    @Param({"64"})
    public int size;

    @Param({"cpu"})
    public String device;

    private MultiTaskModel model;
    private InMemoryMultiTaskDataset data;
    private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

    @Setup(Level.Trial)
    public void setUp() {
        List<String> letters = BenchmarkModels.letters(numTasks);
        data = BenchmarkModels.data(letters, size, batchSize * STEPS);
        model = BenchmarkModels.model(arch, weighting, mode, letters, size, batchSize, STEPS, device);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        model.close();
    }

    /**
     * {@value #STEPS} training steps.
     *
     * @return the global step reached, so that the work is not dead code
     */
    @Benchmark
    @OperationsPerInvocation(STEPS)
    public long trainStep() {
        MultiTaskTrainer trainer = model.trainer().output(quiet, quiet);
        trainer.fit(data, null);
        return trainer.step();
    }
}
