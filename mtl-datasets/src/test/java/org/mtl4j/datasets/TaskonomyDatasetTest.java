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
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;

/** Taskonomy decodings and masks, pixel by pixel, on PNG fixtures in the real encodings. */
class TaskonomyDatasetTest {

    private static final int W = 8;
    private static final int N = W * W;
    private static final String VIEW = "point_3_view_1_domain_";

    @TempDir
    Path root;

    private int[] rgb;
    private int[] depth;
    private int[] normal;
    private int[] segment;
    private int[] keypoints;
    private int[] texture;
    private int[] occlusion;
    private int[] reshading;
    private int[] curvature;

    private static int[] random(SplittableRandom rng, int n, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(bound);
        }
        return a;
    }

    private Path file(String domain, String building) {
        return root.resolve(domain).resolve(building).resolve(VIEW + domain + ".png");
    }

    @BeforeEach
    void writeFixtures() throws Exception {
        SplittableRandom rng = new SplittableRandom(11);
        rgb = random(rng, N * 3, 256);
        depth = random(rng, N, 8000);
        depth[0] = 65535; // no surface
        depth[1] = 8192; // exactly 16 m: masked
        depth[2] = 8191; // just valid
        depth[3] = 0;
        depth[4] = 1500; // target 0
        depth[5] = 40000;
        normal = random(rng, N * 3, 256);
        normal[6] = 0; // pixel 2 (valid depth), x
        normal[7] = 255; // y
        normal[8] = 127; // z
        segment = random(rng, N, 18);
        segment[0] = 0;
        segment[1] = 17;
        segment[2] = 1;
        keypoints = random(rng, N, 65536);
        keypoints[0] = 65535;
        keypoints[1] = 8192;
        keypoints[2] = 50;
        texture = random(rng, N, 65536);
        texture[0] = 65535;
        texture[1] = 718;
        occlusion = random(rng, N, 65536);
        occlusion[3] = 65535;
        occlusion[4] = 9000;
        reshading = random(rng, N * 3, 256);
        curvature = random(rng, N * 3, 256);
        for (String b : List.of("bldgA", "bldgB")) {
            Fixtures.pngRgb(file("rgb", b), W, W, rgb);
            Fixtures.png16(file("depth_zbuffer", b), W, W, depth);
            Fixtures.pngRgb(file("normal", b), W, W, normal);
            Fixtures.png8(file("segment_semantic", b), W, W, segment);
            Fixtures.png16(file("keypoints2d", b), W, W, keypoints);
            Fixtures.png16(file("edge_texture", b), W, W, texture);
            Fixtures.png16(file("edge_occlusion", b), W, W, occlusion);
            Fixtures.pngRgb(file("reshading", b), W, W, reshading);
            Fixtures.pngRgb(file("principal_curvature", b), W, W, curvature);
        }
        Files.writeString(root.resolve("train_models.txt"), "bldgA\n\n  missingBuilding \n");
        Files.writeString(root.resolve("val_models.txt"), "bldgB\n");
    }

    /** Float equality up to one part in 10^6 (the targets are rounded to float once). */
    private static void near(double expected, float actual, String what) {
        assertEquals(expected, actual, 1e-6 * Math.max(1, Math.abs(expected)), what);
    }

    private static List<TaskonomyTask> all() {
        return List.of(TaskonomyTask.values());
    }

    @Test
    void everyDecodingAndTheDepthMaskPixelByPixel() throws Exception {
        TaskonomyDataset ds = TaskonomyDataset.builder(root).tasks(all()).buildings(List.of("bldgA")).imageSize(W)
                .build();
        assertEquals(TaskonomyDataset.Layout.STANDLEY, ds.layout());
        assertEquals(1, ds.size());
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = ds.get(m, 0);
            float[] x = r.getData().head().toFloatArray();
            assertEquals(new Shape(3, W, W), r.getData().head().getShape());
            NDList l = r.getLabels();
            assertEquals(TaskonomyTask.values().length + 1, l.size());
            assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, l.get(9).toFloatArray());
            float[] s = l.get(0).toFloatArray();
            assertEquals(new Shape(W, W), l.get(0).getShape());
            float[] d = l.get(1).toFloatArray();
            float[] n = l.get(2).toFloatArray();
            float[] k = l.get(3).toFloatArray();
            float[] t = l.get(4).toFloatArray();
            float[] e = l.get(5).toFloatArray();
            float[] rs = l.get(6).toFloatArray();
            float[] c = l.get(7).toFloatArray();
            float[] a = l.get(8).toFloatArray();
            assertEquals(new Shape(2, W, W), l.get(7).getShape());
            float inv = StandleyMaskedL1.INVALID;
            int masked = 0;
            for (int p = 0; p < N; p++) {
                boolean valid = depth[p] < 8192;
                masked += valid ? 0 : 1;
                for (int ch = 0; ch < 3; ch++) {
                    near(rgb[p * 3 + ch] / 255.0, x[ch * N + p], "rgb");
                    near(rgb[p * 3 + ch] / 255.0, a[ch * N + p], "autoencoder");
                    near(valid ? (normal[p * 3 + ch] / 255.0 - 0.5) * 2 : inv, n[ch * N + p], "normal");
                }
                assertEquals(segment[p] == 0 ? -1 : segment[p], s[p], 0, "segment");
                near(valid ? (depth[p] - 1500) / 1000.0 : inv, d[p], "depth");
                near((keypoints[p] - 50) / 100.0, k[p], "keypoints");
                near((texture[p] - 718) / 1070.0, t[p], "texture edges");
                near(valid ? (occlusion[p] - 56.0248) / 239.1265 : inv, e[p], "occlusion edges");
                double shade = (reshading[p * 3] + reshading[p * 3 + 1] + reshading[p * 3 + 2]) / 3.0 / 255.0;
                near(valid ? (shade - 0.4962) / 0.2846 : inv, rs[p], "reshading");
                near(valid ? (curvature[p * 3] / 255.0 - 0.5175) / 0.1373 : inv, c[p], "curvature 0");
                near(valid ? (curvature[p * 3 + 1] / 255.0 - 0.4987) / 0.0359 : inv, c[N + p], "curvature 1");
            }
            assertEquals(3, masked); // 65535, 8192 and 40000
            assertEquals(inv, d[0]);
            assertEquals(inv, d[1]);
            assertEquals((8191 - 1500) / 1000f, d[2], 1e-6f);
            assertEquals(-1.5f, d[3], 1e-6f);
            assertEquals(0f, d[4]);
            assertEquals(-1f, n[2], 1e-6f); // pixel 2: stored (0, 255, 127)
            assertEquals(1f, n[N + 2], 1e-6f);
            assertEquals(-1f / 255f, n[2 * N + 2], 1e-6f);
            assertEquals(-1f, s[0]);
            assertEquals(17f, s[1]);
            assertEquals((65535 - 50) / 100f, k[0], 1e-4f); // 16 bits kept, never reduced to 8
            assertEquals(0f, k[2]);
            assertEquals(0f, t[1]);
        }
    }

    @Test
    void maskComesFromStandleysMaskFileWhenDepthIsNotRequested() throws Exception {
        int[] maskBits = new int[N];
        for (int p = 0; p < N; p++) {
            maskBits[p] = p % 3 == 0 ? 0 : 1;
        }
        Fixtures.png1(file("mask", "bldgA"), W, W, maskBits);
        TaskonomyDataset ds = TaskonomyDataset.builder(root).tasks(List.of(TaskonomyTask.NORMAL,
                TaskonomyTask.KEYPOINTS2D)).buildings(List.of("bldgA")).imageSize(W).build();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] n = ds.get(m, 0).getLabels().get(0).toFloatArray();
            for (int p = 0; p < N; p++) {
                boolean valid = maskBits[p] != 0;
                assertEquals(valid ? (normal[p * 3] / 255.0 - 0.5) * 2 : StandleyMaskedL1.INVALID, n[p], 1e-6);
            }
            // with depth requested, the depth decides even though the mask file exists
            TaskonomyDataset withDepth = TaskonomyDataset.builder(root).tasks(List.of(TaskonomyTask.NORMAL,
                    TaskonomyTask.DEPTH_ZBUFFER)).buildings(List.of("bldgA")).imageSize(W).build();
            float[] n2 = withDepth.get(m, 0).getLabels().get(0).toFloatArray();
            for (int p = 0; p < N; p++) {
                assertEquals(depth[p] < 8192, n2[p] != StandleyMaskedL1.INVALID, "pixel " + p);
            }
            // no mask file: the depth file gives the mask; no depth either: the masked task is absent
            Files.delete(file("mask", "bldgA"));
            float[] n3 = ds.get(m, 0).getLabels().get(0).toFloatArray();
            assertArrayEquals(n2, n3);
            Files.delete(file("depth_zbuffer", "bldgA"));
            Files.delete(file("keypoints2d", "bldgA"));
            NDList l = ds.get(m, 0).getLabels();
            assertArrayEquals(new float[] {0, 0}, l.get(2).toFloatArray());
        }
    }

    @Test
    void omnidataLayoutSegmentDumpNameAndResizing() throws Exception {
        Path omni = root.resolve("omni");
        for (String domain : List.of("rgb", "segment_semantic", "depth_zbuffer")) {
            Path target = omni.resolve(domain).resolve("taskonomy").resolve("bldgA");
            Files.createDirectories(target);
            String name = domain.equals("segment_semantic") ? VIEW + "segmentsemantic.png" : VIEW + domain + ".png";
            Files.copy(file(domain, "bldgA"), target.resolve(name));
        }
        TaskonomyDataset ds = TaskonomyDataset.builder(omni).tasks(List.of(TaskonomyTask.SEGMENT_SEMANTIC,
                TaskonomyTask.DEPTH_ZBUFFER)).buildings(List.of("bldgA")).imageSize(4).build();
        assertEquals(TaskonomyDataset.Layout.OMNIDATA, ds.layout());
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = ds.get(m, 0);
            int[] expected = Resize.pillowBilinear8(rgb, W, W, 3, 4, 4);
            float[] x = r.getData().head().toFloatArray();
            for (int p = 0; p < 16; p++) {
                for (int ch = 0; ch < 3; ch++) {
                    assertEquals(expected[p * 3 + ch] / 255.0, x[ch * 16 + p], 1e-7);
                }
            }
            float[] s = r.getLabels().get(0).toFloatArray();
            float[] d = r.getLabels().get(1).toFloatArray();
            int[] src = {1, 3, 5, 7}; // Pillow nearest, 8 -> 4
            for (int yy = 0; yy < 4; yy++) {
                for (int xx = 0; xx < 4; xx++) {
                    int p = src[yy] * W + src[xx];
                    assertEquals(segment[p] == 0 ? -1 : segment[p], s[yy * 4 + xx], 0);
                    assertEquals(depth[p] < 8192 ? (depth[p] - 1500) / 1000.0 : StandleyMaskedL1.INVALID,
                            d[yy * 4 + xx], 1e-6);
                }
            }
        }
    }

    @Test
    void flipsMirrorEverythingAndNegateNormalX() throws Exception {
        List<TaskonomyTask> tasks = List.of(TaskonomyTask.NORMAL, TaskonomyTask.SEGMENT_SEMANTIC);
        TaskonomyDataset plain = TaskonomyDataset.builder(root).tasks(tasks).buildings(List.of("bldgA"))
                .imageSize(W).build();
        TaskonomyDataset aug = TaskonomyDataset.builder(root).tasks(tasks).buildings(List.of("bldgA"))
                .imageSize(W).augment(true, 5).build();
        try (NDManager m = NDManager.newBaseManager()) {
            Record r0 = plain.get(m, 0);
            float[] x0 = r0.getData().head().toFloatArray();
            float[] n0 = r0.getLabels().get(0).toFloatArray();
            float[] s0 = r0.getLabels().get(1).toFloatArray();
            int flipped = 0;
            for (int visit = 0; visit < 20; visit++) {
                Record r = aug.get(m, 0);
                float[] x = r.getData().head().toFloatArray();
                float[] n = r.getLabels().get(0).toFloatArray();
                float[] s = r.getLabels().get(1).toFloatArray();
                if (java.util.Arrays.equals(x, x0)) {
                    assertArrayEquals(n0, n);
                    assertArrayEquals(s0, s);
                    continue;
                }
                flipped++;
                for (int yy = 0; yy < W; yy++) {
                    for (int xx = 0; xx < W; xx++) {
                        int p = yy * W + xx;
                        int q = yy * W + (W - 1 - xx);
                        assertEquals(x0[p], x[q]);
                        assertEquals(s0[p], s[q]);
                        float nx = n0[p] == StandleyMaskedL1.INVALID ? n0[p] : -n0[p];
                        assertEquals(nx, n[q], "normal x is negated");
                        assertEquals(n0[N + p], n[N + q], "normal y is kept");
                    }
                }
            }
            assertTrue(flipped > 0 && flipped < 20, "flipped " + flipped + " of 20 visits");
        }
    }

    @Test
    void readsSixteenBitPngsWrittenByAnotherEncoder() throws Exception {
        // 4x2 16-bit grayscale PNG made with Python's zlib and struct (no Java involved)
        Path f = Files.write(root.resolve("py16.png"), Base64.getDecoder().decode(
                "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACEAAAAAAKU/78AAAAGklEQVR4nGNgYGBgZPjPyMAg/1+B4f+///8BHsMGO5wlZU4AAAAASUVO"
                        + "RK5CYII="));
        PngImage png = PngImage.read(f);
        assertEquals(16, png.bitDepth());
        assertEquals(1, png.bands());
        assertArrayEquals(new int[] {0, 1, 255, 256, 8191, 8192, 65534, 65535}, png.samples());
    }

    @Test
    void badFilesAreNamed() throws Exception {
        TaskonomyDataset ds = TaskonomyDataset.builder(root).tasks(List.of(TaskonomyTask.DEPTH_ZBUFFER,
                TaskonomyTask.SEGMENT_SEMANTIC)).buildings(List.of("bldgA")).imageSize(W).build();
        Path depthFile = file("depth_zbuffer", "bldgA");
        Fixtures.png8(depthFile, W, W, new int[N]);
        try (NDManager m = NDManager.newBaseManager()) {
            MalformedDataException e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().startsWith(depthFile.toString())
                    && e.getMessage().contains("expected a 16-bit grayscale PNG for depth_zbuffer, found 8-bit "
                            + "grayscale 8x8"), e.getMessage());
            Fixtures.png16(depthFile, W, W, depth);
            Fixtures.truncate(depthFile, (int) Files.size(depthFile) - 30);
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().startsWith(depthFile.toString()), e.getMessage());
            Fixtures.png16(depthFile, W, W, depth);
            Path segFile = file("segment_semantic", "bldgA");
            int[] bad = segment.clone();
            bad[9] = 18;
            Fixtures.png8(segFile, W, W, bad);
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().contains(segFile.toString()) && e.getMessage().contains("segment id 18"),
                    e.getMessage());
            Files.writeString(file("rgb", "bldgA"), "not a png");
            e = assertThrows(MalformedDataException.class, () -> ds.get(m, 0));
            assertTrue(e.getMessage().contains(file("rgb", "bldgA").toString()), e.getMessage());
        }
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> TaskonomyDataset.builder(root)
                .tasks(List.of(TaskonomyTask.RESHADING)).buildings(List.of("nowhere")).build());
        assertTrue(n.getMessage().contains("nowhere"), n.getMessage());
        Path noRoot = root.resolve("absent");
        n = assertThrows(NoSuchFileException.class, () -> TaskonomyDataset.builder(noRoot)
                .tasks(List.of(TaskonomyTask.RESHADING)).buildings(List.of("bldgA")).build());
        assertTrue(n.getMessage().contains(noRoot.toString()), n.getMessage());
    }

    @Test
    void trainsAndEvaluatesEveryTaskThroughTheCoreLoop() throws Exception {
        TaskonomyDataset ds = TaskonomyDataset.builder(root).tasks(all()).buildings(List.of("bldgA", "bldgB"))
                .imageSize(W).build();
        List<org.mtl4j.core.task.Task> tasks = all().stream().map(TaskonomyTask::task).toList();
        try (org.mtl4j.core.MultiTaskModel model = org.mtl4j.core.MultiTask.builder().input(3, W, W)
                .encoder(org.mtl4j.architectures.Encoders.resNet(4))
                .sharing(org.mtl4j.architectures.Architectures.hardSharing()).tasks(tasks).epochs(1).batchSize(2)
                .seed(1).build()) {
            var result = model.trainer().output(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    new java.io.PrintStream(java.io.OutputStream.nullOutputStream())).fit(ds, ds).last()
                    .validation().orElseThrow();
            for (var t : tasks) {
                assertTrue(Double.isFinite(result.task(t.name()).loss()), t.name());
                for (var metric : t.metrics()) {
                    assertTrue(Double.isFinite(result.task(t.name()).metric(metric.name())), metric.name());
                }
            }
        }
    }

    @Test
    void dataSourceUsesStandleysBuildingLists() throws Exception {
        DataSource source = DataSources.byName("taskonomy:" + root);
        assertEquals(List.of("s", "d", "n", "k", "e"), source.defaultTasks());
        DataSource.Splits splits = source.load(List.of("s", "d", "n", "k", "e"), new DataSource.Options(4, 0, 0, 1,
                1));
        assertEquals(1, splits.train().size());
        assertEquals(1, splits.validation().size());
        assertEquals(new Shape(3, 4, 4), splits.inputShape());
        assertTrue(splits.description().contains("standley layout"), splits.description());
        TaskonomyDataset val = (TaskonomyDataset) splits.validation();
        assertEquals("bldgB", val.samples().get(0).building());
        Files.delete(root.resolve("val_models.txt"));
        NoSuchFileException n = assertThrows(NoSuchFileException.class,
                () -> source.load(List.of("s"), new DataSource.Options(4, 0, 0, 1, 1)));
        assertTrue(n.getMessage().contains(root.resolve("val_models.txt").toString()), n.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataSources.byName("taskonomy"));
        assertThrows(IllegalArgumentException.class, () -> source.task("x"));
    }
}
