package org.mtl4j.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.mtl4j.grouping.GroupingProblem;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.HoaInstance;
import org.mtl4j.grouping.LargeGroupingResult;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Task-grouping selection (Standley et al., ICML 2020) as the number of tasks grows.
 *
 * <ul>
 *   <li>{@link #allSubsets()}: every non-empty subset of {@code numTasks} tasks is a full network (cost 1) and every
 *       task also has a half-size network (cost 0.5) — 65,551 candidates at 16 tasks — with seeded random losses
 *       where sharing sometimes helps and sometimes hurts; one {@link Groupings#exact()} solve (up to 16 tasks).
 *   <li>{@link #hoaLarge()}: the HOA-completed instance of seeded random singles, pairs and halves
 *       ({@link HoaInstance#synthetic}, seed 7): all {@code 2^n − 1} full networks plus {@code n} halves, never
 *       listed; one {@link Groupings#large()} solve — exact up to 20 tasks, local search with a certified lower bound
 *       beyond (24 and 40 tasks).
 *   <li>{@link #hoaCompletedTable()}: the same HOA instance as a listed table ({@link HoaInstance#completed()}),
 *       solved by {@link Groupings#exact()} — the route before {@link Groupings#large()} (up to 16 tasks).
 * </ul>
 * Building the instance a method needs (and its cheapest cover) happens in set-up; a measurement is one solve.
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

    /** The largest instance whose every network is listed as a table. */
    private static final int LISTED_LIMIT = 16;

    @Param({"10", "12", "14", "16", "20", "24", "40"})
    public int numTasks;

    @Param({"3"})
    public double budget;

    private GroupingProblem problem;
    private GroupingProblem paper;
    private HoaInstance hoa;
    private GroupingProblem hoaCompleted;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) throws IOException {
        String method = params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1);
        if (method.startsWith("hoa")) {
            hoa = HoaInstance.synthetic(numTasks, 7);
        }
        if (method.equals("hoaCompletedTable") && numTasks <= LISTED_LIMIT) {
            hoaCompleted = hoa.completed().problem(budget);
        }
        if (method.equals("allSubsets") && numTasks <= LISTED_LIMIT) {
            LossTable table = SyntheticTables.allSubsets(numTasks, 7);
            table.cheapestCoverCost();
            problem = table.problem(budget);
        }
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
        if (problem == null) {
            throw new IllegalStateException("allSubsets skipped: the listed table is built up to " + LISTED_LIMIT
                    + " tasks, not " + numTasks);
        }
        return Groupings.exact().solve(problem);
    }

    /**
     * One {@link Groupings#large()} solve of the HOA-completed instance ({@code 2^n − 1 + n} networks).
     *
     * @return the selection with its lower bound and gap
     */
    @Benchmark
    public LargeGroupingResult hoaLarge() {
        return Groupings.large().solve(hoa, budget);
    }

    /**
     * One {@link Groupings#exact()} solve of the same HOA instance listed as a table.
     *
     * @return the selection
     */
    @Benchmark
    public Selection hoaCompletedTable() {
        if (hoaCompleted == null) {
            throw new IllegalStateException("hoaCompletedTable skipped: the listed table is built up to "
                    + LISTED_LIMIT + " tasks, not " + numTasks);
        }
        return Groupings.exact().solve(hoaCompleted);
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
