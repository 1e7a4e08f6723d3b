package org.mtl4j.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Optional;
import org.mtl4j.core.data.InputNormalization;
import org.mtl4j.core.task.OutputKind;

/**
 * What a saved model is, written next to its parameters as {@code model.json}: enough to rebuild the network in
 * another JVM with nothing else ({@code MultiTaskModel.load}), and to feed it raw images.
 *
 * @param format the manifest format, {@value #FORMAT}
 * @param tasks the tasks in output order
 * @param inputShape one sample's input shape, without the batch axis
 * @param encoderSpec the encoder design ({@link EncoderFactory#spec()})
 * @param encoderDescription the encoder's description, for people
 * @param architectureSpec the way of sharing ({@link Architecture#spec()})
 * @param weighting the balancing strategy the network was trained with (a record; loading does not need it)
 * @param normalization how the training data turned raw values into inputs, if known
 * @param mtl4jVersion the mtl4j version that wrote it
 * @param djlVersion the DJL version that wrote it
 * @param metadata what the program that saved it added (for example {@code mtl train} records its {@code data} source,
 *     from which {@code mtl predict} rebuilds tasks without a recipe)
 */
public record ModelManifest(int format, ImmutableList<TaskEntry> tasks, long[] inputShape, String encoderSpec,
        String encoderDescription, String architectureSpec, String weighting,
        Optional<InputNormalization> normalization, String mtl4jVersion, String djlVersion,
        ImmutableMap<String, String> metadata) {

    /** The format this version writes and reads. */
    public static final int FORMAT = 1;

    /**
     * One task of a saved model.
     *
     * @param name the task name
     * @param kind a dense map or a vector
     * @param channels the output channels
     * @param recipe how to make the task again ({@code Task.fromRecipe}), empty for a task with its own loss
     */
    public record TaskEntry(String name, OutputKind kind, int channels, Optional<String> recipe) {}

    /** @return the manifest as pretty-printed JSON */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", format);
        JsonArray t = new JsonArray();
        for (TaskEntry e : tasks) {
            JsonObject j = new JsonObject();
            j.addProperty("name", e.name());
            j.addProperty("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
            j.addProperty("channels", e.channels());
            e.recipe().ifPresent(r -> j.addProperty("recipe", r));
            t.add(j);
        }
        o.add("tasks", t);
        JsonArray shape = new JsonArray();
        for (long d : inputShape) {
            shape.add(d);
        }
        o.add("input_shape", shape);
        o.addProperty("encoder", encoderSpec);
        o.addProperty("encoder_description", encoderDescription);
        o.addProperty("architecture", architectureSpec);
        o.addProperty("weighting", weighting);
        normalization.ifPresent(n -> {
            JsonObject j = new JsonObject();
            j.addProperty("scale", n.scale());
            j.add("mean", floats(n.mean()));
            j.add("std", floats(n.std()));
            o.add("normalization", j);
        });
        o.addProperty("mtl4j_version", mtl4jVersion);
        o.addProperty("djl_version", djlVersion);
        JsonObject meta = new JsonObject();
        metadata.forEach(meta::addProperty);
        o.add("metadata", meta);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
    }

    private static JsonArray floats(float[] values) {
        JsonArray a = new JsonArray();
        for (float v : values) {
            a.add(v);
        }
        return a;
    }

    /**
     * Reads a manifest.
     *
     * @param json the text of {@code model.json}
     * @param source the file, for messages
     * @return the manifest
     * @throws IllegalArgumentException starting with {@code source} and naming the field that is missing or wrong
     */
    public static ModelManifest parse(String json, String source) {
        JsonObject o;
        try {
            JsonElement e = JsonParser.parseString(json);
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(source + ": not a JSON object");
            }
            o = e.getAsJsonObject();
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (truncated?): " + e.getMessage(), e);
        }
        Fields f = new Fields(source);
        int format = f.integer(o, "format");
        if (format != FORMAT) {
            throw new IllegalArgumentException(source + ": field 'format' is " + format + "; this mtl4j reads "
                    + FORMAT);
        }
        ImmutableList.Builder<TaskEntry> tasks = ImmutableList.builder();
        JsonArray t = f.array(o, "tasks");
        for (int i = 0; i < t.size(); i++) {
            String at = "tasks[" + i + "]";
            JsonObject j = f.object(t.get(i), at);
            String kind = f.string(j, at + ".kind");
            OutputKind k;
            try {
                k = OutputKind.valueOf(kind.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": field '" + at + ".kind' is '" + kind
                        + "'; expected dense or vector", e);
            }
            tasks.add(new TaskEntry(f.string(j, at + ".name"), k, f.integer(j, at + ".channels"),
                    j.has("recipe") ? Optional.of(f.string(j, at + ".recipe")) : Optional.empty()));
        }
        JsonArray s = f.array(o, "input_shape");
        long[] shape = new long[s.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = f.number(s.get(i), "input_shape[" + i + "]").longValue();
        }
        Optional<InputNormalization> norm = Optional.empty();
        if (o.has("normalization")) {
            JsonObject n = f.object(o.get("normalization"), "normalization");
            try {
                norm = Optional.of(new InputNormalization(f.number(f.get(n, "normalization.scale"),
                        "normalization.scale").floatValue(), f.floats(n, "normalization.mean"),
                        f.floats(n, "normalization.std")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": field 'normalization': " + e.getMessage(), e);
            }
        }
        ImmutableMap.Builder<String, String> meta = ImmutableMap.builder();
        if (o.has("metadata")) {
            JsonObject m = f.object(o.get("metadata"), "metadata");
            for (String key : m.keySet()) {
                meta.put(key, f.string(m, "metadata." + key));
            }
        }
        return new ModelManifest(format, tasks.build(), shape, f.string(o, "encoder"),
                o.has("encoder_description") ? f.string(o, "encoder_description") : "", f.string(o, "architecture"),
                f.string(o, "weighting"), norm, f.string(o, "mtl4j_version"), f.string(o, "djl_version"),
                meta.build());
    }
}
