package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.training.dataset.RandomAccessDataset;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import org.mtl4j.losses.Weightings;

/**
 * Trains a hard-sharing network on real Multi-Fashion (Fashion-MNIST from the Debian package
 * {@code dataset-fashion-mnist}); skipped when the files are not installed.
 */
class MultiFashionTrainingTest {

    @Test
    void hardSharingBeatsTheMajorityClassOnBothTasks() throws Exception {
        Path dir = FashionMnist.directory(null);
        assumeTrue(FashionMnist.available(dir), "Fashion-MNIST is not installed at " + dir
                + " (apt-get install dataset-fashion-mnist)");
        long t0 = System.nanoTime();
        DataSource source = DataSources.byName("multifashion");
        DataSource.Splits splits = source.load(List.of("left", "right"), new DataSource.Options(28, 3000, 1000, 7, 1));
        assertEquals(3000, splits.train().size());
        assertEquals(1000, splits.validation().size());
        double[] majority = majorityRates(splits.validation());
        EvaluationResult result;
        try (MultiTaskModel model = MultiTask.builder().input(1, 28, 28).encoder(Encoders.resNet(8))
                .sharing(Architectures.hardSharing()).tasks(List.of(source.task("left"), source.task("right")))
                .weighting(Weightings.equal()).optimizer(OptimizerKind.ADAM, 3e-3f).epochs(3).batchSize(64)
                .seed(7).build()) {
            TrainingHistory h = model.trainer().fit(splits.train(), splits.validation());
            result = h.last().validation().orElseThrow();
        }
        double left = result.task("left").metric("accuracy");
        double right = result.task("right").metric("accuracy");
        System.out.printf("multi-fashion: left %.3f right %.3f (majority %.3f / %.3f) in %.1f s%n", left, right,
                majority[0], majority[1], (System.nanoTime() - t0) / 1e9);
        assertTrue(left > majority[0] + 0.3, "left accuracy " + left + " vs majority " + majority[0]);
        assertTrue(right > majority[1] + 0.3, "right accuracy " + right + " vs majority " + majority[1]);
    }

    private static double[] majorityRates(RandomAccessDataset val) throws Exception {
        int[][] counts = new int[2][10];
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            for (long i = 0; i < val.size(); i++) {
                ai.djl.training.dataset.Record r = val.get(m, i);
                counts[0][(int) r.getLabels().get(0).getFloat()]++;
                counts[1][(int) r.getLabels().get(1).getFloat()]++;
                r.getData().close();
                r.getLabels().close();
            }
        }
        double[] out = new double[2];
        for (int k = 0; k < 2; k++) {
            int max = 0;
            for (int c : counts[k]) {
                max = Math.max(max, c);
            }
            out[k] = (double) max / val.size();
        }
        return out;
    }
}
