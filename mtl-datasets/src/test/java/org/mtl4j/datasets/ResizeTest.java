package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The resamplers against hand-computed Pillow kernels and against libtorch itself (DJL's interpolation runs
 * PyTorch's {@code interpolate}: bilinear with {@code antialias=True}, which equals Pillow's filter, and legacy
 * nearest).
 */
class ResizeTest {

    @Test
    void pillowBilinearHalvingUsesTheTriangleOfSupportTwo() {
        float[] row = {10, 20, 40, 80};
        float[] out = Resize.pillowBilinearFloat(row, 4, 1, 1, 2, 1);
        // centre 1: taps 0,1,2 with weights .75,.75,.25 (normalised by 1.75); centre 3: taps 1,2,3 with .25,.75,.75
        assertEquals((0.75 * 10 + 0.75 * 20 + 0.25 * 40) / 1.75, out[0], 1e-5);
        assertEquals((0.25 * 20 + 0.75 * 40 + 0.75 * 80) / 1.75, out[1], 1e-5);
        int[] out8 = Resize.pillowBilinear8(new int[] {10, 20, 40, 80}, 4, 1, 1, 2, 1);
        assertArrayEquals(new int[] {(int) Math.floor(out[0] + 0.5), (int) Math.floor(out[1] + 0.5)}, out8);
        // equal size: a copy, untouched
        int[] same = Resize.pillowBilinear8(new int[] {1, 2, 3, 4}, 2, 2, 1, 2, 2);
        assertArrayEquals(new int[] {1, 2, 3, 4}, same);
    }

    @Test
    void matchesLibtorchAntialiasedBilinearAndNearest() {
        SplittableRandom rng = new SplittableRandom(3);
        int[][] sizes = {{24, 16, 6, 4}, {7, 5, 3, 2}, {5, 4, 8, 9}, {32, 32, 8, 8}, {9, 12, 4, 5}};
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] s : sizes) {
                int h = s[0];
                int w = s[1];
                int oh = s[2];
                int ow = s[3];
                float[] hwc = new float[h * w * 2];
                for (int i = 0; i < hwc.length; i++) {
                    hwc[i] = (float) rng.nextDouble(0, 255);
                }
                float[] chw = new float[hwc.length];
                for (int p = 0; p < h * w; p++) {
                    chw[p] = hwc[p * 2];
                    chw[h * w + p] = hwc[p * 2 + 1];
                }
                NDArray x = m.create(chw, new Shape(1, 2, h, w));
                float[] torchBilinear = x.getNDArrayInternal().interpolation(new long[] {oh, ow}, 1, false)
                        .toFloatArray();
                float[] torchNearest = x.getNDArrayInternal().interpolation(new long[] {oh, ow}, 0, false)
                        .toFloatArray();
                float[] ours = Resize.pillowBilinearFloat(hwc, w, h, 2, ow, oh);
                float[] ourNearest = Resize.gather(hwc, w, 2, Resize.torchNearest(h, oh), Resize.torchNearest(w, ow));
                for (int p = 0; p < oh * ow; p++) {
                    for (int c = 0; c < 2; c++) {
                        assertEquals(torchBilinear[c * oh * ow + p], ours[p * 2 + c], 2e-3,
                                "bilinear " + h + "x" + w + "->" + oh + "x" + ow);
                        assertEquals(torchNearest[c * oh * ow + p], ourNearest[p * 2 + c], 0f,
                                "nearest " + h + "x" + w + "->" + oh + "x" + ow);
                    }
                }
                int[] asInt = new int[hwc.length];
                for (int i = 0; i < hwc.length; i++) {
                    asInt[i] = Math.round(hwc[i]);
                }
                int[] eight = Resize.pillowBilinear8(asInt, w, h, 2, ow, oh);
                float[] exact = Resize.pillowBilinearFloat(toFloat(asInt), w, h, 2, ow, oh);
                for (int i = 0; i < eight.length; i++) {
                    assertTrue(Math.abs(eight[i] - exact[i]) <= 1.0, "8-bit " + eight[i] + " vs " + exact[i]);
                }
            }
        }
    }

    private static float[] toFloat(int[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = a[i];
        }
        return f;
    }

    @Test
    void indexMapsAndAlignCornersBilinear() {
        assertArrayEquals(new int[] {1, 3, 5, 7}, Resize.pillowNearest(8, 4));
        assertArrayEquals(new int[] {0, 2, 4, 6}, Resize.torchNearest(8, 4));
        assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2}, Resize.torchNearest(3, 6));
        assertArrayEquals(new int[] {0, 0, 1, 2}, Resize.torchNearest(3, 4)); // floor(x * 0.75)
        float[] up = Resize.torchBilinearAlignCorners(new float[] {0, 10, 30}, 3, 1, 1, 5, 1);
        assertArrayEquals(new float[] {0, 5, 10, 20, 30}, up, 1e-5f);
        float[] grid = Resize.torchBilinearAlignCorners(new float[] {0, 2, 4, 6}, 2, 2, 1, 3, 3);
        assertArrayEquals(new float[] {0, 1, 2, 2, 3, 4, 4, 5, 6}, grid, 1e-5f);
        assertArrayEquals(new float[] {3, 4, 1, 2}, Resize.flipHorizontal(new float[] {1, 2, 3, 4}, 2, 1, 2));
        assertArrayEquals(new float[] {5, 6}, Resize.crop(new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 1, 1, 1, 2));
    }
}
