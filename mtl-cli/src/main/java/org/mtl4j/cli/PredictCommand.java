package org.mtl4j.cli;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.inference.TaskPrediction;
import org.mtl4j.core.model.ModelManifest;
import org.mtl4j.core.task.Task;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtl predict}: runs a saved model ({@code mtl train} writes one to {@code <out>/model}) on images and writes,
 * per image and task, a picture ({@code <image>_<task>.png}, see {@link PredictionPictures}) and the values
 * ({@code <image>_<task>.npz}, numpy's format, one array named after the task), plus one line per task on the console.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Run a saved model on PNG or JPEG images: a picture and an .npz file per image and task."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, description = "A saved model's folder (mtl train writes <out>/model).")
    Path model;

    @Option(names = "--input", required = true, description = "An image, or a folder of .png/.jpg images.")
    Path input;

    @Option(names = "--out", required = true, description = "Where the pictures and .npz files go.")
    Path out;

    @Override
    public Integer call() throws IOException, TranslateException {
        PrintWriter console = spec.commandLine().getOut();
        List<Path> images = images(input);
        Files.createDirectories(out);
        try (MultiTaskModel m = load(model);
                Predictor<Image, ImmutableMap<String, TaskPrediction>> predictor = m.newPredictor();
                NDManager manager = NDManager.newBaseManager()) {
            for (Path file : images) {
                Image image;
                try {
                    image = ImageFactory.getInstance().fromFile(file);
                } catch (IOException | RuntimeException e) {
                    throw new IOException(file + " is not an image that can be read (PNG or JPEG)", e);
                }
                String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
                for (TaskPrediction p : predictor.predict(image).values()) {
                    String base = stem + "_" + p.task();
                    String what = p.shape().length == 3 ? PredictionPictures.write(p, out.resolve(base + ".png"))
                            : PredictionPictures.describe(p);
                    writeNpz(manager, p, out.resolve(base + ".npz"));
                    console.printf(Locale.ROOT, "%s %s: %s%n", file.getFileName(), p.task(), what);
                }
            }
        }
        console.printf("wrote %d image(s) of predictions to %s%n", images.size(), out);
        console.flush();
        return 0;
    }

    /** Loads the model; tasks saved without a recipe come from the data source {@code mtl train} recorded. */
    private static MultiTaskModel load(Path dir) throws IOException {
        ModelManifest manifest = MultiTaskModel.manifest(dir);
        Map<String, Task> tasks = new HashMap<>();
        String data = manifest.metadata().get("data");
        DataSource source = data == null ? null : DataSources.byName(data);
        for (ModelManifest.TaskEntry e : manifest.tasks()) {
            if (e.recipe().isEmpty() && source != null) {
                tasks.put(e.name(), source.task(e.name()));
            }
        }
        return MultiTaskModel.load(dir, tasks, ai.djl.engine.Engine.getInstance().defaultDevice());
    }

    private static List<Path> images(Path input) throws IOException {
        if (!Files.exists(input)) {
            throw new IOException("--input " + input + " does not exist");
        }
        if (!Files.isDirectory(input)) {
            return List.of(input);
        }
        try (Stream<Path> s = Files.list(input)) {
            List<Path> found = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
                    .matches(".*\\.(png|jpe?g)")).sorted().toList();
            if (found.isEmpty()) {
                throw new IOException("--input " + input + " holds no .png or .jpg images");
            }
            return found;
        }
    }

    private static void writeNpz(NDManager manager, TaskPrediction p, Path file) throws IOException {
        NDArray a = EngineArrays.create(manager, p.values(), new Shape(p.shape()));
        a.setName(p.task());
        try (OutputStream os = Files.newOutputStream(file)) {
            new NDList(a).encode(os, NDList.Encoding.NPZ);
        } finally {
            a.close();
        }
    }
}
