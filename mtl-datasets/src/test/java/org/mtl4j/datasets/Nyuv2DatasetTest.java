package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;

/** The mtan/LibMTL NYUv2 .npy layout, decoded and augmented pixel by pixel. */
class Nyuv2DatasetTest {

    private static final int H = 6;
    private static final int W = 8;
    private static final int P = H * W;

    @TempDir
    Path root;

    private final List<float[][]> train = new ArrayList<>(); // per sample: image, label, depth, normal (HWC)

    static float[] sample(SplittableRandom rng, int n, boolean unitNormals) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextDouble();
        }
        if (unitNormals) {
            for (int p = 0; p < n / 3; p++) {
                double x = rng.nextDouble(-1, 1);
                double y = rng.nextDouble(-1, 1);
                double z = rng.nextDouble(0.2, 1);
                double norm = Math.sqrt(x * x + y * y + z * z);
                a[3 * p] = (float) (x / norm);
                a[3 * p + 1] = (float) (y / norm);
                a[3 * p + 2] = (float) (z / norm);
            }
        }
        return a;
    }

    private float[][] writeSample(String split, int i, SplittableRandom rng) throws Exception {
        float[] image = sample(rng, P * 3, false);
        float[] label = new float[P];
        for (int p = 0; p < P; p++) {
            label[p] = rng.nextInt(14) - 1; // -1 .. 12
        }
        label[0] = -1;
        label[1] = 12;
        float[] depth = sample(rng, P, false);
        for (int p = 0; p < P; p++) {
            depth[p] = p % 5 == 0 ? 0f : 0.5f + 9 * depth[p];
        }
        float[] normal = sample(rng, P * 3, true);
        normal[3 * 7] = 0;
        normal[3 * 7 + 1] = 0;
        normal[3 * 7 + 2] = 0;
        Path dir = root.resolve(split);
        Fixtures.npy(dir.resolve("image/" + i + ".npy"), image, H, W, 3);
        Fixtures.npy(dir.resolve("label/" + i + ".npy"), label, H, W);
        Fixtures.npy(dir.resolve("depth/" + i + ".npy"), depth, H, W, 1);
        Fixtures.npy(dir.resolve("normal/" + i + ".npy"), normal, H, W, 3);
        return new float[][] {image, label, depth, normal};
    }

    @BeforeEach
    void writeFixtures() throws Exception {
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < 3; i++) {
            train.add(writeSample("train", i, rng));
        }
        writeSample("val", 0, rng);
        writeSample("val", 1, rng);
    }

    private static float[] chw(float[] hwc, int bands) {
        int pixels = hwc.length / bands;
        float[] out = new float[hwc.length];
        for (int p = 0; p < pixels; p++) {
            for (int b = 0; b < bands; b++) {
                out[b * pixels + p] = hwc[p * bands + b];
            }
        }
        return out;
    }

    @Test
    void decodesEveryArrayExactlyAtTheStoredSize() throws Exception {
        Nyuv2Dataset ds = Nyuv2Dataset.builder(root).tasks(List.of("n", "s", "d")).build();
        assertEquals(3, ds.size());
        assertEquals(new Shape(3, H, W), ds.inputShape());
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 3; i++) {
                Record r = ds.get(m, i);
                float[][] f = train.get(i);
                assertArrayEquals(chw(f[0], 3), r.getData().head().toFloatArray());
                NDList l = r.getLabels();
                assertEquals(new Shape(3, H, W), l.get(0).getShape());
                assertArrayEquals(chw(f[3], 3), l.get(0).toFloatArray());
                assertEquals(new Shape(H, W), l.get(1).getShape());
                assertArrayEquals(f[1], l.get(1).toFloatArray());
                assertEquals(new Shape(1, H, W), l.get(2).getShape());
                assertArrayEquals(f[2], l.get(2).toFloatArray());
                assertArrayEquals(new float[] {1, 1, 1}, l.get(3).toFloatArray());
                float[] s = l.get(1).toFloatArray();
                assertEquals(-1f, s[0]);
                assertEquals(12f, s[1]);
                assertEquals(0f, l.get(2).toFloatArray()[5]); // invalid depth kept as 0
                float[] n = l.get(0).toFloatArray();
                assertEquals(0f, n[7] + n[P + 7] + n[2 * P + 7]); // zero normal kept
            }
            Files.delete(root.resolve("train/depth/1.npy"));
            NDList l = ds.get(m, 1).getLabels();
            assertArrayEquals(new float[] {1, 1, 0}, l.get(3).toFloatArray());
            assertTrue(Arrays.stream(toDouble(l.get(2).toFloatArray())).allMatch(v -> v == 0));
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    void resizesImagesBilinearlyAndLabelsByNearestNeighbour() throws Exception {
        Nyuv2Dataset ds = Nyuv2Dataset.builder(root).height(3).build();
        assertEquals(new Shape(3, 3, 4), ds.inputShape());
        int[] rows = {1, 3, 5};
        int[] cols = {1, 3, 5, 7};
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = ds.get(m, 0);
            float[][] f = train.get(0);
            assertArrayEquals(chw(Resize.pillowBilinearFloat(f[0], W, H, 3, 4, 3), 3), r.getData().head()
                    .toFloatArray());
            float[] s = r.getLabels().get(0).toFloatArray();
            float[] d = r.getLabels().get(1).toFloatArray();
            float[] n = r.getLabels().get(2).toFloatArray();
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    int p = rows[y] * W + cols[x];
                    assertEquals(f[1][p], s[y * 4 + x]);
                    assertEquals(f[2][p], d[y * 4 + x]);
                    for (int c = 0; c < 3; c++) {
                        assertEquals(f[3][p * 3 + c], n[c * 12 + y * 4 + x]);
                    }
                }
            }
        }
    }

    @Test
    void scaleCropAndFlipFollowMtan() {
        float[][] f = train.get(0);
        List<String> tasks = List.of("s", "d", "n");
        // scale 1, flipped: a mirror image with the normal's x negated
        float[][] stored = {f[1].clone(), f[2].clone(), f[3].clone()};
        float[] image = Nyuv2Dataset.augment(f[0], stored, tasks, H, W, 1.0, 0, 0, true);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = y * W + x;
                int q = y * W + (W - 1 - x);
                assertEquals(f[1][p], stored[0][q]);
                assertEquals(f[2][p], stored[1][q]);
                assertEquals(-f[3][3 * p], stored[2][3 * q], 1e-6f);
                assertEquals(f[3][3 * p + 1], stored[2][3 * q + 1], 1e-6f);
                assertEquals(f[0][3 * p + 2], image[3 * q + 2], 1e-6f);
            }
        }
        // scale 1.5 at (1, 2): a 4x5 window scaled back to 6x8; nearest row floor(y*4/6), column floor(x*5/8)
        stored = new float[][] {f[1].clone(), f[2].clone(), f[3].clone()};
        image = Nyuv2Dataset.augment(f[0], stored, tasks, H, W, 1.5, 1, 2, false);
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                int p = (1 + (int) Math.floor(y * (4f / 6f))) * W + 2 + (int) Math.floor(x * (5f / 8f));
                assertEquals(f[1][p], stored[0][y * W + x]);
                assertEquals(f[2][p] / 1.5f, stored[1][y * W + x], 1e-6f, "depth divided by the scale");
            }
        }
        // corners of an align_corners resize are the window's corners
        assertEquals(f[0][3 * (W + 2)], image[0], 1e-6f);
        assertEquals(f[0][3 * (4 * W + 6)], image[3 * (H * W - 1)], 1e-6f);
        assertEquals(f[3][3 * (4 * W + 6) + 1], stored[2][3 * (H * W - 1) + 1], 1e-6f);
    }

    @Test
    void augmentedVisitsAreOneOfMtansTransforms() throws Exception {
        Nyuv2Dataset ds = Nyuv2Dataset.builder(root).augment(true, 9).build();
        float[][] f = train.get(2);
        List<String> tasks = List.of("s", "d", "n");
        List<float[][]> candidates = new ArrayList<>();
        for (double sc : new double[] {1.0, 1.2, 1.5}) {
            for (int top = 0; top <= H - (int) (H / sc); top++) {
                for (int left = 0; left <= W - (int) (W / sc); left++) {
                    for (boolean flip : new boolean[] {false, true}) {
                        float[][] stored = {f[1].clone(), f[2].clone(), f[3].clone()};
                        float[] image = Nyuv2Dataset.augment(f[0], stored, tasks, H, W, sc, top, left, flip);
                        candidates.add(new float[][] {chw(image, 3), stored[0], stored[1], chw(stored[2], 3)});
                    }
                }
            }
        }
        assertEquals(2 + 12 + 24, candidates.size());
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int visit = 0; visit < 30; visit++) {
                Record r = ds.get(m, 2);
                float[][] got = {r.getData().head().toFloatArray(), r.getLabels().get(0).toFloatArray(),
                        r.getLabels().get(1).toFloatArray(), r.getLabels().get(2).toFloatArray()};
                int match = -1;
                for (int c = 0; c < candidates.size() && match < 0; c++) {
                    float[][] e = candidates.get(c);
                    if (Arrays.equals(e[0], got[0]) && Arrays.equals(e[1], got[1]) && Arrays.equals(e[2], got[2])
                            && Arrays.equals(e[3], got[3])) {
                        match = c;
                    }
                }
                assertTrue(match >= 0, "visit " + visit + " is not one joint mtan transform of the sample");
                seen.add(match);
            }
        }
        assertTrue(seen.size() > 5, "only " + seen.size() + " distinct transforms in 30 visits");
    }

    @Test
    void badFilesAndFoldersAreNamed() throws Exception {
        Nyuv2Dataset ds = Nyuv2Dataset.builder(root).build();
        try (NDManager m = NDManager.newBaseManager()) {
            Path depth = root.resolve("train/depth/0.npy");
            Fixtures.truncate(depth, 100);
            MalformedDataException e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().startsWith(depth.toString()) && e.getMessage().contains("truncated"),
                    e.getMessage());
            Fixtures.npy(depth, new float[H * (W - 1)], H, W - 1, 1);
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().contains(depth.toString()) && e.getMessage().contains("shape [6, 7, 1]"),
                    e.getMessage());
            float[] nan = new float[P];
            nan[4] = Float.NaN;
            Fixtures.npy(depth, nan, H, W, 1);
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().contains("non-finite value NaN at flat index 4"), e.getMessage());
            Path label = root.resolve("train/label/1.npy");
            float[] bad = new float[P];
            bad[10] = 13;
            Fixtures.npy(label, bad, H, W);
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 1));
            assertTrue(e.getMessage().contains(label.toString()) && e.getMessage().contains("class label 13.0"),
                    e.getMessage());
            bad[10] = 0.5f;
            Fixtures.npy(label, bad, H, W);
            assertThrows(MalformedDataException.class, () -> ds.get(m, 1));
            Files.delete(root.resolve("train/image/2.npy"));
            NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> ds.get(m, 2));
            assertTrue(n.getMessage().contains(root.resolve("train/image/2.npy").toString()), n.getMessage());
        }
        Files.move(root.resolve("train/image/1.npy"), root.resolve("train/image/7.npy"));
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> Nyuv2Dataset.builder(root).build());
        assertTrue(n.getMessage().contains(root.resolve("train/image/1.npy").toString()), n.getMessage());
        deleteTree(root.resolve("val/normal"));
        n = assertThrows(NoSuchFileException.class, () -> Nyuv2Dataset.builder(root).split("val").build());
        assertTrue(n.getMessage().contains(root.resolve("val/normal").toString()), n.getMessage());
        Nyuv2Dataset.builder(root).split("val").tasks(List.of("s", "d")).build(); // fine without normals
        n = assertThrows(NoSuchFileException.class, () -> Nyuv2Dataset.builder(root.resolve("nope")).build());
        assertTrue(n.getMessage().contains(root.resolve("nope/train/image").toString()), n.getMessage());
    }

    private static void deleteTree(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void trainsAndEvaluatesThroughTheCoreLoop() throws Exception {
        DataSource source = DataSources.byName("nyuv2:" + root);
        DataSource.Splits splits = source.load(List.of("s", "d", "n"), new DataSource.Options(0, 0, 0, 1, 1));
        List<org.mtl4j.core.task.Task> tasks = List.of(source.task("s"), source.task("d"), source.task("n"));
        try (org.mtl4j.core.MultiTaskModel model = org.mtl4j.core.MultiTask.builder().input(3, H, W)
                .encoder(org.mtl4j.architectures.Encoders.resNet(4))
                .sharing(org.mtl4j.architectures.Architectures.hardSharing()).tasks(tasks).epochs(1).batchSize(2)
                .seed(1).build()) {
            var result = model.trainer().output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))
                    .fit(splits.train(), splits.validation()).last().validation().orElseThrow();
            int metrics = 0;
            for (var t : tasks) {
                for (var metric : t.metrics()) {
                    assertTrue(Double.isFinite(result.task(t.name()).metric(metric.name())), metric.name());
                    metrics++;
                }
            }
            assertEquals(9, metrics);
        }
        try (NDManager m = NDManager.newBaseManager()) {
            var mean = org.mtl4j.core.evaluation.MeanPredictor.evaluate(tasks, splits.train(), splits.validation(),
                    2, m);
            assertTrue(Double.isFinite(mean.task("d").metric("abs_err")));
        }
    }

    @Test
    void dataSourceLoadsBothSplits() throws Exception {
        DataSource source = DataSources.byName("nyuv2+aug:" + root);
        assertEquals(List.of("s", "d", "n"), source.defaultTasks());
        DataSource.Splits splits = source.load(List.of("s", "d", "n"), new DataSource.Options(3, 2, 0, 1, 1));
        assertEquals(2, splits.train().size());
        assertEquals(2, splits.validation().size());
        assertEquals(new Shape(3, 3, 4), splits.inputShape());
        assertTrue(splits.description().contains("2 of 3 training"), splits.description());
        assertEquals(List.of("mIoU", "accuracy"), source.task("s").metrics().stream().map(x -> x.name()).toList());
        assertEquals(List.of("mean_angle", "median_angle", "within_11.25", "within_22.5", "within_30"),
                source.task("n").metrics().stream().map(x -> x.name()).toList());
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> DataSources.byName("nyuv2:/no/such/nyu")
                .load(List.of("s"), new DataSource.Options(64, 0, 0, 1, 1)));
        assertTrue(n.getMessage().contains("/no/such/nyu/train/image"), n.getMessage());
    }
}
