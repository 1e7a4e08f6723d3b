package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtl train} then {@code mtl predict} on its saved model: pictures and values per image and task. */
class PredictCommandTest {

    private static Path png(Path file, int w, int h) throws Exception {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(w * 31L + h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    @Test
    void predictsWithTheModelThatTrainSaved(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        CliCapture train = CliCapture.run("train", "--tasks", "s,d,n", "--epochs", "1", "--size", "16",
                "--train-samples", "8", "--val-samples", "8", "--batch-size", "8", "--width", "2", "--no-baselines",
                "--no-progress", "--out", run.toString());
        assertEquals(0, train.status, train.err());
        assertTrue(Files.isRegularFile(run.resolve("model/model.json")), train.out() + train.err());
        Path images = Files.createDirectories(dir.resolve("images"));
        png(images.resolve("a.png"), 16, 16);
        png(images.resolve("b.png"), 40, 24);
        Path preds = dir.resolve("preds");
        CliCapture c = CliCapture.run("predict", "--model", run.resolve("model").toString(), "--input",
                images.toString(), "--out", preds.toString());
        assertEquals(0, c.status, c.err());
        // the scenes' d has its own loss (plain L1, no recipe), so it is shown as a grey map; n as normals
        assertTrue(c.out().contains("a.png d: grey map from"), c.out());
        assertTrue(c.out().contains("a.png s: classes in the fixed palette"), c.out());
        assertTrue(c.out().contains("b.png n: normals as RGB"), c.out());
        for (String stem : new String[] {"a", "b"}) {
            for (String task : new String[] {"s", "d", "n"}) {
                BufferedImage picture = ImageIO.read(preds.resolve(stem + "_" + task + ".png").toFile());
                assertNotNull(picture, stem + "_" + task + ".png");
                assertEquals(256, picture.getWidth(), "16 pixels enlarged 16 times");
                try (NDManager m = NDManager.newBaseManager()) {
                    NDList values = NDList.decode(m, Files.readAllBytes(preds.resolve(stem + "_" + task + ".npz")));
                    assertEquals(task, values.get(0).getName());
                    assertEquals(16, values.get(0).getShape().get(1));
                }
            }
        }
    }

    @Test
    void badInputEndsWithOneLineAndStatus2(@TempDir Path dir) throws Exception {
        Path notImage = Files.writeString(dir.resolve("x.png"), "not a picture");
        CliCapture noModel = CliCapture.run("predict", "--model", dir.toString(), "--input", notImage.toString(),
                "--out", dir.resolve("o").toString());
        assertEquals(2, noModel.status);
        assertTrue(noModel.err().contains("is not a saved mtl4j model"), noModel.err());
        Path run = dir.resolve("run");
        assertEquals(0, CliCapture.run("train", "--tasks", "s", "--epochs", "1", "--size", "16", "--train-samples",
                "8", "--val-samples", "8", "--batch-size", "8", "--width", "2", "--no-baselines", "--no-progress",
                "--out", run.toString()).status);
        CliCapture bad = CliCapture.run("predict", "--model", run.resolve("model").toString(), "--input",
                notImage.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, bad.status);
        assertTrue(bad.err().contains("x.png is not an image"), bad.err());
        CliCapture empty = CliCapture.run("predict", "--model", run.resolve("model").toString(), "--input",
                Files.createDirectories(dir.resolve("empty")).toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, empty.status);
        assertTrue(empty.err().contains("holds no .png or .jpg images"), empty.err());
    }
}
