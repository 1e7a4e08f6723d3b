package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableMap;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.inference.TaskPrediction;
import org.mtl4j.core.task.Task;

/** Inference the DJL way: an image in, every task's prediction out, preprocessed exactly as the data was. */
class ImagePredictionTest {

    private static final InputNormalization NORM = InputNormalization.bytes(new float[] {0.4f, 0.5f, 0.6f},
            new float[] {0.2f, 0.25f, 0.3f});

    private static BufferedImage image(int w, int h, long seed) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, r.nextInt(1 << 24));
            }
        }
        return img;
    }

    private static MultiTaskModel model() {
        return MultiTask.builder().input(3, 16, 16).encoder(Encoders.resNet(4)).sharing(Architectures.hardSharing(8))
                .tasks(List.of(Task.segmentation("s", 4), Task.normals("n"), Task.depth("d")))
                .inputNormalization(NORM).seed(4).build();
    }

    @Test
    void predictsFromAnImageAsFromTheNormalisedTensor() throws Exception {
        BufferedImage img = image(16, 16, 1);
        try (MultiTaskModel m = model();
                Predictor<Image, ImmutableMap<String, TaskPrediction>> p = m.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            ImmutableMap<String, TaskPrediction> out = p.predict(ImageFactory.getInstance().fromImage(img));
            // the input built by hand from the pixels: RGB, channels first, (v/255 − mean_c)/std_c
            float[] x = new float[3 * 16 * 16];
            float[] mean = NORM.mean();
            float[] std = NORM.std();
            for (int y = 0; y < 16; y++) {
                for (int c = 0; c < 16; c++) {
                    int rgb = img.getRGB(c, y);
                    int[] v = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int ch = 0; ch < 3; ch++) {
                        x[ch * 256 + y * 16 + c] = (v[ch] / 255f - mean[ch]) / std[ch];
                    }
                }
            }
            NDList direct = m.predict(EngineArrays.create(manager, x, new Shape(1, 3, 16, 16)));
            float[] probs = direct.get(0).softmax(1).toFloatArray();
            TaskPrediction s = out.get("s");
            assertEquals("segmentation", s.kind());
            assertArrayEquals(new long[] {4, 16, 16}, s.shape());
            assertArrayEquals(probs, s.values(), 1e-5f);
            int[] argmax = direct.get(0).argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
            assertArrayEquals(argmax, s.classes());
            float[] d = direct.get(2).toFloatArray();
            assertArrayEquals(d, out.get("d").values(), 1e-5f);
            TaskPrediction n = out.get("n");
            for (int i = 0; i < 256; i++) {
                double len = Math.sqrt(Math.pow(n.values()[i], 2) + Math.pow(n.values()[256 + i], 2)
                        + Math.pow(n.values()[512 + i], 2));
                assertEquals(1, len, 1e-5, "normal " + i + " is a unit vector");
            }
        }
    }

    @Test
    void resizesAndPredictsABatchOfImagesOfAnySize() throws Exception {
        try (MultiTaskModel m = model();
                Predictor<Image, ImmutableMap<String, TaskPrediction>> p = m.newPredictor()) {
            List<ImmutableMap<String, TaskPrediction>> out = p.batchPredict(List.of(
                    ImageFactory.getInstance().fromImage(image(30, 20, 2)),
                    ImageFactory.getInstance().fromImage(image(7, 9, 3))));
            assertEquals(2, out.size());
            for (ImmutableMap<String, TaskPrediction> o : out) {
                assertArrayEquals(new long[] {1, 16, 16}, o.get("d").shape());
                assertEquals(256, o.get("s").classes().length);
                for (int cls : o.get("s").classes()) {
                    assertTrue(cls >= 0 && cls < 4);
                }
            }
        }
    }

    @Test
    void aModelThatDoesNotTakeImagesSaysSo() {
        try (MultiTaskModel m = MultiTask.builder().input(6).encoder(Encoders.mlp(8))
                .sharing(Architectures.hardSharing(4)).task(Task.classification("c", 3)).build()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::newPredictor);
            assertTrue(e.getMessage().contains("inputs of shape (6)"), e.getMessage());
        }
    }
}
