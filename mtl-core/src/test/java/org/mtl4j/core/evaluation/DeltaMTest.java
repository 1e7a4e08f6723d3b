package org.mtl4j.core.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;

/** The three multi-task performance conventions, including the published NYUv2 check of Nash-MTL. */
class DeltaMTest {

    private static final double[] BASE = {38.30, 63.76, 0.6754, 0.2780, 25.01, 19.21, 30.14, 57.20, 69.15};
    private static final boolean[] HIGHER = {true, true, false, false, false, false, true, true, true};

    @Test
    void flatDeltaMReproducesThePublishedNyuNumbers() {
        double[] ew = {39.29, 65.33, 0.5493, 0.2263, 28.15, 23.96, 22.09, 47.50, 61.08};
        double[] nash = {40.13, 65.93, 0.5261, 0.2171, 25.26, 20.08, 28.40, 55.47, 68.15};
        assertEquals(5.59, DeltaM.flat(ew, BASE, HIGHER), 0.02);
        assertEquals(-4.05, DeltaM.flat(nash, BASE, HIGHER), 0.02);
        assertEquals(0.0, DeltaM.flat(BASE, BASE, HIGHER), 1e-12);
    }

    private static List<Task> nyuTasks() {
        return List.of(Task.segmentation("seg", 13), Task.depth("depth"), Task.normals("normal"));
    }

    private static Map<String, Map<String, Double>> table(double[] v) {
        return Map.of(
                "seg", Map.of("mIoU", v[0], "accuracy", v[1]),
                "depth", Map.of("abs_err", v[2], "rel_err", v[3]),
                "normal", Map.of("mean_angle", v[4], "median_angle", v[5], "within_11.25", v[6],
                        "within_22.5", v[7], "within_30", v[8]));
    }

    @Test
    void taskTablesGiveTheSameFlatDeltaM() {
        double[] ew = {39.29, 65.33, 0.5493, 0.2263, 28.15, 23.96, 22.09, 47.50, 61.08};
        assertEquals(DeltaM.flat(ew, BASE, HIGHER), DeltaM.flat(nyuTasks(), table(ew), table(BASE)), 1e-9);
    }

    @Test
    void deltaPAveragesWithinTasksFirst() {
        // seg +10% and +0% -> +5%; depth errors -20% and -10% -> +15%; normal all unchanged -> 0; mean = 6.666..%
        double[] row = BASE.clone();
        row[0] = BASE[0] * 1.1;
        row[2] = BASE[2] * 0.8;
        row[3] = BASE[3] * 0.9;
        assertEquals((5 + 15 + 0) / 3.0, DeltaM.deltaP(nyuTasks(), table(row), table(BASE)), 1e-9);
        // flat: -(10 + 20 + 10)/9 %
        assertEquals(-40 / 9.0, DeltaM.flat(nyuTasks(), table(row), table(BASE)), 1e-9);
    }

    @Test
    void vandenhendeUsesThePrimaryMetric() {
        double[] row = BASE.clone();
        row[0] = BASE[0] * 1.1; // seg mIoU +10%
        row[1] = BASE[1] * 2; // not primary: ignored
        row[2] = BASE[2] * 1.3; // depth abs err worse by 30%
        row[4] = BASE[4] * 0.95; // normal mean angle better by 5%
        assertEquals((10 - 30 + 5) / 3.0, DeltaM.vandenhende(nyuTasks(), table(row), table(BASE)), 1e-9);
    }

    @Test
    void missingEntriesAreNamed() {
        Task t = Task.builder("k").dense(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeltaM.deltaP(List.of(t), Map.of("k", Map.of("rmse", 1.0)), Map.of("k", Map.of("abs_err", 1.0))));
        assertTrue(e.getMessage().contains("abs_err") && e.getMessage().contains("'k'"), e.getMessage());
    }
}
