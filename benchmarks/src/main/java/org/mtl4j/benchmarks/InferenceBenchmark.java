package org.mtl4j.benchmarks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mtl4j.core.MultiTaskModel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time per inference batch (all task predictions, no autograd) of the same models as {@link TrainStepBenchmark}.
 * Each invocation's arrays live in a sub-manager closed at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
    "-Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error"})
public class InferenceBenchmark {

    @Param({"hps"})
    public String arch;

    @Param({"5"})
    public int numTasks;

    @Param({"16"})
    public int batchSize;

    @Param({"64"})
    public int size;

    @Param({"cpu"})
    public String device;

    private MultiTaskModel model;
    private NDManager manager;
    private NDArray input;

    @Setup(Level.Trial)
    public void setUp() {
        List<String> letters = BenchmarkModels.letters(numTasks);
        model = BenchmarkModels.model(arch, "equal", "auto", letters, size, batchSize, 1, device);
        manager = NDManager.newBaseManager(BenchmarkModels.device(device));
        input = manager.randomUniform(0, 1, new Shape(batchSize, 3, size, size));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.close();
        model.close();
    }

    /**
     * One batch of predictions.
     *
     * @return a checksum of the first prediction, so that the work is not dead code
     */
    @Benchmark
    public float predict() {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = input.duplicate();
            x.attach(step);
            NDList out = model.predict(x);
            return out.get(0).getFloat(0, 0, 0, 0);
        }
    }
}
