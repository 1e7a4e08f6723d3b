package org.mtl4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Small data folders in the real on-disk layouts, for tests of programs that read Taskonomy or NYUv2 where the real
 * data is absent: the same file names, formats and value ranges, random content (so metrics are finite but models
 * learn little).
 */
public final class SmallDataRoots {

    private SmallDataRoots() {}

    /**
     * A Taskonomy root in Standley's layout with the five tasks s, d, n, k, e: {@code <domain>/<building>/point_<p>_
     * view_0_domain_<domain>.png} for buildings {@code bldgA} (training) and {@code bldgB} (validation), and the
     * building lists {@code train_models.txt}, {@code val_models.txt}.
     *
     * @param root the folder to fill
     * @param views the views per building
     * @param size the image side in pixels
     * @param seed the seed of the content
     * @return {@code root}
     * @throws IOException when a file cannot be written
     */
    public static Path taskonomy(Path root, int views, int size, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = size * size;
        for (String b : new String[] {"bldgA", "bldgB"}) {
            for (int p = 0; p < views; p++) {
                Fixtures.pngRgb(view(root, "rgb", b, p), size, size, random(rng, 3 * n, 256));
                Fixtures.png16(view(root, "depth_zbuffer", b, p), size, size, random(rng, n, 8000));
                Fixtures.pngRgb(view(root, "normal", b, p), size, size, random(rng, 3 * n, 256));
                Fixtures.png8(view(root, "segment_semantic", b, p), size, size, random(rng, n, 18));
                Fixtures.png16(view(root, "keypoints2d", b, p), size, size, random(rng, n, 65536));
                Fixtures.png16(view(root, "edge_occlusion", b, p), size, size, random(rng, n, 65536));
            }
        }
        Files.writeString(root.resolve("train_models.txt"), "bldgA\n");
        Files.writeString(root.resolve("val_models.txt"), "bldgB\n");
        return root;
    }

    /**
     * An NYUv2 root in mtan's layout: {@code <root>/{train,val}/{image,label,depth,normal}/<i>.npy}, float32 arrays
     * stored height × width × channels (image in [0, 1], labels −1 … 12, depth 0 or in [0.5, 9.5], unit normals).
     *
     * @param root the folder to fill
     * @param train the training images
     * @param val the validation images
     * @param h the height
     * @param w the width
     * @param seed the seed of the content
     * @return {@code root}
     * @throws IOException when a file cannot be written
     */
    public static Path nyuv2(Path root, int train, int val, int h, int w, long seed) throws IOException {
        SplittableRandom rng = new SplittableRandom(seed);
        int p = h * w;
        for (String split : new String[] {"train", "val"}) {
            for (int i = 0; i < (split.equals("train") ? train : val); i++) {
                float[] image = Nyuv2DatasetTest.sample(rng, 3 * p, false);
                float[] normal = Nyuv2DatasetTest.sample(rng, 3 * p, true);
                float[] label = new float[p];
                float[] depth = new float[p];
                for (int j = 0; j < p; j++) {
                    label[j] = rng.nextInt(14) - 1;
                    depth[j] = j % 5 == 0 ? 0f : (float) (0.5 + 9 * rng.nextDouble());
                }
                Path dir = root.resolve(split);
                Fixtures.npy(dir.resolve("image/" + i + ".npy"), image, h, w, 3);
                Fixtures.npy(dir.resolve("label/" + i + ".npy"), label, h, w);
                Fixtures.npy(dir.resolve("depth/" + i + ".npy"), depth, h, w, 1);
                Fixtures.npy(dir.resolve("normal/" + i + ".npy"), normal, h, w, 3);
            }
        }
        return root;
    }

    private static Path view(Path root, String domain, String building, int point) {
        return root.resolve(domain).resolve(building).resolve("point_" + point + "_view_0_domain_" + domain + ".png");
    }

    private static int[] random(SplittableRandom rng, int n, int bound) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextInt(bound);
        }
        return a;
    }
}
