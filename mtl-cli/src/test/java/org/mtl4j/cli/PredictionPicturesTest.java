package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.inference.TaskPrediction;

/** The pictures of each kind of prediction, pixel by pixel. */
class PredictionPicturesTest {

    @Test
    void depthIsAColourMapWithABarAndItsScale(@TempDir Path dir) throws Exception {
        // 2×2 depth: 1, 2, 3, 5 → 0, 0.25, 0.5, 1 on the colour map
        TaskPrediction p = new TaskPrediction("d", "depth", new long[] {1, 2, 2}, new float[] {1, 2, 3, 5},
                new int[0]);
        String legend = PredictionPictures.write(p, dir.resolve("d.png"));
        assertEquals("colour map from 1.000 (dark blue) to 5.000 (yellow)", legend);
        BufferedImage img = ImageIO.read(dir.resolve("d.png").toFile());
        assertEquals(256, img.getWidth());
        assertTrue(img.getHeight() > 256, "a colour bar below the map");
        assertEquals(0x440154, img.getRGB(0, 0) & 0xffffff, "the nearest is the first colour");
        assertEquals(0xfde725, img.getRGB(255, 255) & 0xffffff, "the farthest is the last colour");
        assertEquals(PredictionPictures.viridis(0.5), img.getRGB(0, 128) & 0xffffff);
    }

    @Test
    void classesNormalsAndGreyMaps(@TempDir Path dir) throws Exception {
        TaskPrediction s = new TaskPrediction("s", "segmentation", new long[] {3, 1, 2}, new float[6],
                new int[] {2, 21});
        PredictionPictures.write(s, dir.resolve("s.png"));
        BufferedImage seg = ImageIO.read(dir.resolve("s.png").toFile());
        assertEquals(PredictionPictures.PALETTE[2], seg.getRGB(0, 0) & 0xffffff);
        assertEquals(PredictionPictures.PALETTE[1], seg.getRGB(255, 0) & 0xffffff, "class 21 wraps to colour 1");
        TaskPrediction n = new TaskPrediction("n", "normals", new long[] {3, 1, 1}, new float[] {1, -1, 0},
                new int[0]);
        PredictionPictures.write(n, dir.resolve("n.png"));
        assertEquals(0xff0080, ImageIO.read(dir.resolve("n.png").toFile()).getRGB(0, 0) & 0xffffff);
        TaskPrediction e = new TaskPrediction("e", "dense", new long[] {1, 1, 2}, new float[] {-1, 3}, new int[0]);
        assertEquals("grey map from -1.000 (black) to 3.000 (white)", PredictionPictures.write(e,
                dir.resolve("e.png")));
        BufferedImage grey = ImageIO.read(dir.resolve("e.png").toFile());
        assertEquals(0x000000, grey.getRGB(0, 0) & 0xffffff);
        assertEquals(0xffffff, grey.getRGB(255, 0) & 0xffffff);
        TaskPrediction c = new TaskPrediction("c", "classification", new long[] {3}, new float[] {0.2f, 0.7f, 0.1f},
                new int[] {1});
        assertEquals("class 1 (class 1: 0.700, class 0: 0.200, class 2: 0.100)", PredictionPictures.describe(c));
    }
}
