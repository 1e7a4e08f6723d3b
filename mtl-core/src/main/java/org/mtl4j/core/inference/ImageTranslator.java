package org.mtl4j.core.inference;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.OutputKind;
import org.mtl4j.core.task.Task;

/**
 * DJL's {@link Translator} from an image to every task's prediction: the image is converted to the model's channel
 * count (grey for 1 channel, RGB for 3), resized to its input size, normalised as the training data was (the
 * model's {@link InputNormalization}) and laid out channels first; each task's output becomes a
 * {@link TaskPrediction}. Get one with {@code MultiTaskModel.newPredictor()}; {@code predictor.batchPredict(images)}
 * predicts a list at once.
 */
public final class ImageTranslator implements Translator<Image, ImmutableMap<String, TaskPrediction>> {

    private final ImmutableList<Task> tasks;
    private final Shape inputShape;
    private final InputNormalization normalization;

    /**
     * Creates the translator.
     *
     * @param tasks the model's tasks, in output order
     * @param inputShape one sample's input shape {@code (C, H, W)}, C being 1 or 3
     * @param normalization how raw 8-bit pixel values become inputs
     * @throws IllegalArgumentException when the model does not take 1- or 3-channel images
     */
    public ImageTranslator(ImmutableList<Task> tasks, Shape inputShape, InputNormalization normalization) {
        checkArgument(inputShape.dimension() == 3 && (inputShape.get(0) == 1 || inputShape.get(0) == 3),
                "the model takes inputs of shape %s; images give (1, H, W) or (3, H, W)", inputShape);
        this.tasks = tasks;
        this.inputShape = inputShape;
        this.normalization = normalization;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, Image input) {
        int channels = (int) inputShape.get(0);
        NDArray hwc = input.toNDArray(ctx.getNDManager(), channels == 1 ? Image.Flag.GRAYSCALE : Image.Flag.COLOR);
        if (hwc.getShape().dimension() == 2) {
            hwc = hwc.expandDims(2);
        }
        NDArray x = NDImageUtils.resize(hwc.toType(DataType.FLOAT32, false), (int) inputShape.get(2),
                (int) inputShape.get(1));
        NDList normalised = new NDList(channels);
        for (int c = 0; c < channels; c++) {
            normalised.add(x.get(":, :, " + c).mul(normalization.scale()).sub(normalization.mean(c))
                    .div(normalization.std(c)));
        }
        return new NDList(ai.djl.ndarray.NDArrays.stack(normalised, 0));
    }

    /**
     * What a task's output is, for presentation: its recipe's name, or for a task with its own loss what the loss
     * tells (cross-entropy: classes; the normal-vector loss: normals), else {@code dense} or {@code vector}.
     */
    static String kind(Task task) {
        if (task.recipe().isPresent()) {
            return task.recipe().get().split(":")[0];
        }
        boolean dense = task.kind() == OutputKind.DENSE;
        switch (task.loss().name()) {
            case "cross-entropy":
                return dense ? "segmentation" : "classification";
            case "normal-cosine":
                return "normals";
            default:
                return dense ? "dense" : "vector";
        }
    }

    @Override
    public ImmutableMap<String, TaskPrediction> processOutput(TranslatorContext ctx, NDList list) {
        ImmutableMap.Builder<String, TaskPrediction> out = ImmutableMap.builder();
        for (int t = 0; t < tasks.size(); t++) {
            Task task = tasks.get(t);
            NDArray y = list.get(t);
            String kind = kind(task);
            int[] classes = new int[0];
            NDArray values = y;
            if (kind.equals("classification") || kind.equals("segmentation")) {
                values = y.softmax(0);
                classes = y.argMax(0).toType(DataType.INT32, false).toIntArray();
            } else if (kind.equals("normals")) {
                values = y.div(y.norm(new int[] {0}, true).maximum(1e-12f)); // scalar-ok: inference
            }
            out.put(task.name(), new TaskPrediction(task.name(), kind, values.getShape().getShape(),
                    values.toFloatArray(), classes));
        }
        return out.build();
    }
}
