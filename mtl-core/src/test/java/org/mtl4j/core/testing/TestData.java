package org.mtl4j.core.testing;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Random;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;

/** Small learnable multi-task data for tests: three dense tasks derived from a random 3×H×W input. */
public final class TestData {

    private TestData() {}

    /** @return segmentation into 3 classes, a 1-channel regression and surface normals */
    public static List<Task> tasks() {
        return List.of(
                Task.builder("seg").dense(3).loss(TaskLosses.crossEntropy())
                        .metric(TaskMetrics.meanIoU(-1)).metric(TaskMetrics.accuracy(-1)).build(),
                Task.builder("reg").dense(1).loss(TaskLosses.l1()).metric(TaskMetrics.absError()).build(),
                Task.builder("nrm").dense(3).loss(TaskLosses.normal()).metric(TaskMetrics.meanAngle()).build());
    }

    /**
     * Builds a data set whose labels are simple functions of the input.
     *
     * @param samples the number of samples
     * @param size the height and width
     * @param seed the seed
     * @param missingRate the probability that a task's label is missing
     * @return the data set
     */
    public static InMemoryMultiTaskDataset dataset(int samples, int size, long seed, double missingRate) {
        Random r = new Random(seed);
        int hw = size * size;
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(3, size, size),
                List.of(new Shape(size, size), new Shape(1, size, size), new Shape(3, size, size)));
        for (int i = 0; i < samples; i++) {
            float[] x = new float[3 * hw];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) r.nextGaussian();
            }
            float[] seg = new float[hw];
            float[] reg = new float[hw];
            float[] nrm = new float[3 * hw];
            for (int p = 0; p < hw; p++) {
                float a = x[p];
                float c = x[hw + p];
                seg[p] = a > 0.5f ? 2 : a < -0.5f ? 0 : 1;
                reg[p] = 0.5f * a - 0.25f * c;
                double n = Math.sqrt(a * a + c * c + 1);
                nrm[p] = (float) (a / n);
                nrm[hw + p] = (float) (c / n);
                nrm[2 * hw + p] = (float) (1 / n);
            }
            boolean[] present = {r.nextDouble() >= missingRate, r.nextDouble() >= missingRate,
                r.nextDouble() >= missingRate};
            b.add(x, new float[][] {seg, reg, nrm}, present);
        }
        return b.build();
    }
}
