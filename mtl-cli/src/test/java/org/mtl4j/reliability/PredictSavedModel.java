package org.mtl4j.reliability;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EngineArrays;

/**
 * Loads a saved model and prints its predictions for a fixed, seeded batch: one line {@code PRED <task> <base64 of the
 * float bits>} per task. Run in a child JVM by {@link SavedModelAcrossJvmsTest}, and in the parent for comparison.
 */
public final class PredictSavedModel {

    private PredictSavedModel() {}

    /**
     * @param args the saved model's folder
     * @throws Exception on any failure (the test then sees no PRED lines)
     */
    public static void main(String[] args) throws Exception {
        try (MultiTaskModel m = MultiTaskModel.load(Path.of(args[0]))) {
            for (String line : predictions(m)) {
                System.out.println(line);
            }
        }
    }

    static String[] predictions(MultiTaskModel m) {
        try (NDManager manager = NDManager.newBaseManager(m.device())) {
            long[] shape = new long[m.inputShape().dimension() + 1];
            shape[0] = 3;
            System.arraycopy(m.inputShape().getShape(), 0, shape, 1, m.inputShape().dimension());
            int n = (int) new ai.djl.ndarray.types.Shape(shape).size();
            float[] x = new float[n];
            Random r = new Random(17);
            for (int i = 0; i < n; i++) {
                x[i] = (float) r.nextGaussian();
            }
            NDList out = m.predict(EngineArrays.create(manager, x, new ai.djl.ndarray.types.Shape(shape)));
            String[] lines = new String[m.tasks().size()];
            for (int t = 0; t < lines.length; t++) {
                float[] v = out.get(t).toFloatArray();
                ByteBuffer b = ByteBuffer.allocate(4 * v.length);
                for (float f : v) {
                    b.putInt(Float.floatToRawIntBits(f));
                }
                lines[t] = "PRED " + m.tasks().get(t).name() + " " + Base64.getEncoder().encodeToString(b.array());
            }
            return lines;
        }
    }
}
