package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;

/** Sener and Koltun's two-item construction, checked against hand-computed pixels. */
class MultiItemImagesTest {

    /** Pillow's NEAREST on 36 -> 28: src = floor((x + 0.5) * 36 / 28), exactly. */
    private static int src(int x) {
        return (2 * x + 1) * 36 / 56;
    }

    @Test
    void nearestIndexMapIsPillows() {
        int[] map = Resize.pillowNearest(36, 28);
        for (int x = 0; x < 28; x++) {
            assertEquals(src(x), map[x], "x=" + x);
        }
        assertEquals(0, map[0]);
        assertEquals(35, map[27]);
    }

    @Test
    void canvasOverlapBytescaleAndResize() {
        int[] left = new int[784];
        int[] right = new int[784];
        left[3 * 28 + 3] = 255; // canvas (3,3)
        left[10 * 28 + 10] = 100; // canvas (10,10), overlap region
        right[4 * 28 + 4] = 150; // canvas (10,10) too: the maximum wins
        left[21 * 28 + 21] = 200; // canvas (21,21)
        right[15 * 28 + 15] = 90; // canvas (21,21): left's 200 wins
        right[26 * 28 + 26] = 77; // canvas (32,32), outside the overlap
        right[27 * 28 + 27] = 250; // canvas (33,33): never sampled by the 36 -> 28 map
        int[] out = MultiItemImages.compose(left, right);
        int[] expected = new int[784];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                int cr = src(r);
                int cc = src(c);
                int v = 0;
                if (cr == 3 && cc == 3) {
                    v = 255;
                } else if (cr == 10 && cc == 10) {
                    v = 150;
                } else if (cr == 21 && cc == 21) {
                    v = 200;
                } else if (cr == 32 && cc == 32) {
                    v = 77;
                }
                expected[r * 28 + c] = v;
            }
        }
        assertArrayEquals(expected, out);
        // the map hits canvas rows 3, 10, 21, 32 at x = 2, 8, 16, 25 and skips rows 20 and 33
        assertEquals(255, out[2 * 28 + 2]);
        assertEquals(150, out[8 * 28 + 8]);
        assertEquals(200, out[16 * 28 + 16]);
        assertEquals(77, out[25 * 28 + 25]);
        assertTrue(java.util.Arrays.stream(out).noneMatch(v -> v == 250));
    }

    @Test
    void bytescaleStretchesToTheCanvasMaximum() {
        int[] left = new int[784];
        int[] right = new int[784];
        left[0] = 100;
        right[26 * 28 + 26] = 40; // canvas (32,32)
        int[] out = MultiItemImages.compose(left, right);
        assertEquals(255, out[0]); // 100 * 255/100
        assertEquals(102, out[25 * 28 + 25]); // 40 * 2.55 = 102.0 -> +0.5 truncated
        int[] zeros = MultiItemImages.compose(new int[784], new int[784]);
        assertTrue(java.util.Arrays.stream(zeros).allMatch(v -> v == 0));
    }

    @Test
    void datasetPairsEachItemWithItsPartner() throws Exception {
        int n = 6;
        byte[] pixels = new byte[n * 784];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            pixels[i * 784] = (byte) 255; // every item has a 255 at (0,0), so the bytescale is the identity
            pixels[i * 784 + 28 + 1] = (byte) (10 * (i + 1));
            labels[i] = 9 - i;
        }
        LabelledImages items = new LabelledImages("test", 28, 28, pixels, labels);
        int[] partner = MultiItemImages.partners(n, 5);
        assertArrayEquals(partner, MultiItemImages.partners(n, 5));
        InMemoryMultiTaskDataset ds = MultiItemImages.dataset(items, 4, 5, List.of("right", "left"));
        assertEquals(4, ds.size());
        assertEquals(new Shape(1, 28, 28), ds.inputShape());
        try (NDManager m = NDManager.newBaseManager()) {
            for (int i = 0; i < 4; i++) {
                Record r = ds.get(m, i);
                assertEquals(new Shape(), r.getLabels().get(0).getShape());
                assertEquals(labels[partner[i]], (int) r.getLabels().get(0).getFloat());
                assertEquals(labels[i], (int) r.getLabels().get(1).getFloat());
                float[] x = r.getData().head().toFloatArray();
                int[] composite = MultiItemImages.compose(items.image(i), items.image(partner[i]));
                for (int p = 0; p < 784; p++) {
                    assertEquals((composite[p] / 255f - 0.1307f) / 0.3081f, x[p], 1e-6f);
                }
                assertEquals((1f - 0.1307f) / 0.3081f, x[0], 1e-6f);
                assertEquals((-0.1307f) / 0.3081f, x[3], 1e-6f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> MultiItemImages.dataset(items, 2, 1, List.of("middle")));
    }
}
