package org.mtl4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.mtl4j.grouping.GroupingProblem;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.Selection;
import org.mtl4j.grouping.SyntheticTables;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Exact task-grouping selection (Standley et al., ICML 2020) as the number of tasks grows: every non-empty subset
 * of {@code numTasks} tasks is a full network (cost 1) and every task also has a half-size network (cost 0.5) —
 * 65,551 candidates at 16 tasks — with seeded random losses where sharing sometimes helps and sometimes hurts.
 * Building the table and its cheapest cover happens in set-up; the measurement is one exact solve.
 * {@link #paperSetting1()} solves the paper's own 5-task instance (setting 1, validation losses) when
 * {@code ../shared/data/taskgrouping} is reachable from the working directory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class GroupingSolverBenchmark {

    @Param({"10", "12", "14", "16"})
    public int numTasks;

    @Param({"3"})
    public double budget;

    private GroupingProblem problem;
    private GroupingProblem paper;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        LossTable table = SyntheticTables.allSubsets(numTasks, 7);
        table.cheapestCoverCost();
        problem = table.problem(budget);
        Path csv = Path.of("../shared/data/taskgrouping/setting1_losses.csv");
        if (Files.isRegularFile(csv)) {
            paper = MeasuredLosses.read(csv).split("val").problem(budget);
        }
    }

    /**
     * One exact solve of the random instance.
     *
     * @return the selection
     */
    @Benchmark
    public Selection allSubsets() {
        return Groupings.exact().solve(problem);
    }

    /**
     * One exact solve of the paper's setting-1 instance (31 full networks and 5 half-size ones).
     *
     * @return the selection
     */
    @Benchmark
    public Selection paperSetting1() {
        if (paper == null) {
            throw new IllegalStateException("paperSetting1 skipped: ../shared/data/taskgrouping/setting1_losses.csv "
                    + "is not reachable from the working directory");
        }
        return Groupings.exact().solve(paper);
    }
}
