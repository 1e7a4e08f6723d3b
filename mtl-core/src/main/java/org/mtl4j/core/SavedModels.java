package org.mtl4j.core;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.Device;
import ai.djl.engine.Engine;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.core.io.AtomicFiles;
import org.mtl4j.core.model.ModelComponents;
import org.mtl4j.core.model.ModelManifest;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;

/**
 * A saved model is a folder: {@value #MANIFEST} (a {@link ModelManifest}) and {@value #PARAMETERS} (the network's
 * parameters, a checkpoint file whose header lists every parameter's name and shape). The parameters are written
 * first and the manifest last, each atomically, so a folder with a manifest is complete and a crash while saving
 * leaves an earlier save intact.
 */
final class SavedModels {

    /** The manifest's file name. */
    static final String MANIFEST = "model.json";
    /** The parameters' file name. */
    static final String PARAMETERS = "parameters.ckpt";

    private SavedModels() {}

    static void save(MultiTaskModel model, Path dir, Map<String, String> metadata) throws IOException {
        Files.createDirectories(dir);
        ImmutableList<String> names = model.network().taskNames();
        Checkpoints.save(dir.resolve(PARAMETERS), model.network(), new CheckpointState(0, 0, names,
                ImmutableList.of(), -1, 0, model.weighting().name(), ImmutableMap.of(), model.settings().describe()));
        List<ModelManifest.TaskEntry> tasks = new ArrayList<>();
        for (Task t : model.tasks()) {
            tasks.add(new ModelManifest.TaskEntry(t.name(), t.kind(), t.channels(), t.recipe()));
        }
        ModelManifest m = new ModelManifest(ModelManifest.FORMAT, ImmutableList.copyOf(tasks),
                model.inputShape().getShape(), model.encoderSpec(), model.encoder(), model.architectureSpec(),
                model.weighting().name(), model.normalization(), RunProvenance.libraryVersion(),
                Engine.getDjlVersion(), ImmutableMap.copyOf(metadata));
        AtomicFiles.writeString(dir.resolve(MANIFEST), m.toJson());
    }

    static ModelManifest readManifest(Path dir) throws IOException {
        Path file = dir.resolve(MANIFEST);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(dir + " is not a saved mtl4j model: " + file + " is missing", e);
        } catch (MalformedInputException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        try {
            return ModelManifest.parse(text, file.toString());
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static MultiTaskModel load(Path dir, Map<String, Task> givenTasks, Optional<Device> device) throws IOException {
        ModelManifest m = readManifest(dir);
        Path file = dir.resolve(MANIFEST);
        MultiTask.Builder b = MultiTask.builder();
        try {
            b.input(m.inputShape()).encoder(ModelComponents.findEncoder(m.encoderSpec()))
                    .sharing(ModelComponents.findArchitecture(m.architectureSpec()));
            for (ModelManifest.TaskEntry e : m.tasks()) {
                b.task(task(e, givenTasks, file));
            }
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        m.normalization().ifPresent(b::inputNormalization);
        device.ifPresent(b::device);
        MultiTaskModel model = b.settings(TrainingSettings.builder().progressBar(false).verbose(false).build()).build();
        try {
            Checkpoints.load(dir.resolve(PARAMETERS), model.network(), model.djlModel().getNDManager());
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static Task task(ModelManifest.TaskEntry e, Map<String, Task> given, Path file) {
        Task t = given.get(e.name());
        if (t == null) {
            checkArgument(e.recipe().isPresent(), "task '%s' was built with its own loss and metrics; pass it to "
                    + "MultiTaskModel.load(dir, tasks, device)", e.name());
            t = Task.fromRecipe(e.name(), e.recipe().get());
        }
        checkArgument(t.kind() == e.kind() && t.channels() == e.channels(), "task '%s' is saved as %s with %s "
                + "channels, but the task given is %s with %s", e.name(), e.kind(), e.channels(), t.kind(),
                t.channels());
        return t;
    }
}
