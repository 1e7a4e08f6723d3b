package org.mtl4j.core.checkpoint;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.gson.ExclusionStrategy;
import com.google.gson.FieldAttributes;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import ai.djl.MalformedModelException;
import org.mtl4j.core.io.AtomicFiles;

/**
 * Writes and reads checkpoints: one file holding a JSON header (the {@link CheckpointState} plus every parameter's
 * name and shape), the optimiser's moments by parameter name (format 2; see {@link OptimizerState}) and the block's
 * parameters in DJL's format. Files of format 1 (no optimiser section) are still read.
 *
 * <p>Writing is atomic: the file is written to {@code name.tmp} in the same folder, forced to disk and renamed over
 * the target, so a kill at any moment leaves the previous checkpoint loadable. Reading checks every parameter's name
 * and shape against the block before loading anything (DJL's {@code loadParameters} does not), and fails with a
 * message naming the file and the first mismatch.
 */
public final class Checkpoints {

    private static final byte[] MAGIC = "MTL4JCKP".getBytes(StandardCharsets.US_ASCII);
    /** Format 2 added the optimiser's moments (a section between the header and the parameters). */
    private static final int FORMAT = 2;
    private static final int MAX_ENTRIES = 1 << 20;
    private static final Gson GSON = new GsonBuilder().serializeSpecialFloatingPointValues()
            .setExclusionStrategies(new ExclusionStrategy() {
                @Override
                public boolean shouldSkipField(FieldAttributes f) {
                    // written in binary after the header, not as JSON
                    return f.getDeclaringClass() == CheckpointState.class && f.getName().equals("optimizerState");
                }

                @Override
                public boolean shouldSkipClass(Class<?> c) {
                    return false;
                }
            }).create();

    private Checkpoints() {}

    /**
     * Writes a checkpoint atomically.
     *
     * @param file the checkpoint file
     * @param block the initialised block to save
     * @param state the training state
     * @throws IOException when the file cannot be written (the previous checkpoint is left in place)
     */
    public static void save(Path file, Block block, CheckpointState state) throws IOException {
        JsonObject header = GSON.toJsonTree(state).getAsJsonObject();
        JsonObject shapes = new JsonObject();
        for (Pair<String, Parameter> p : block.getParameters()) {
            shapes.add(p.getKey(), GSON.toJsonTree(p.getValue().getArray().getShape().getShape()));
        }
        header.add("parameter_shapes", shapes);
        header.addProperty("optimizer", state.optimizerState().optimizer());
        byte[] json = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    OutputStream os = java.nio.channels.Channels.newOutputStream(ch);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(os))) {
                out.write(MAGIC);
                out.writeInt(FORMAT);
                out.writeInt(json.length);
                out.write(json);
                writeOptimizerState(out, state.optimizerState());
                block.saveParameters(out);
                out.flush();
                ch.force(true);
            }
        });
    }

    /**
     * Reads only the training state of a checkpoint.
     *
     * @param file the checkpoint file
     * @return the state
     * @throws IOException when the file cannot be read or is not a checkpoint
     */
    public static CheckpointState readState(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            Header header = readHeader(file, in);
            return toState(header.json(), readOptimizerState(file, in, header));
        } catch (IOException | RuntimeException e) {
            throw corrupt(file, e);
        }
    }

    /** An error that names the file, for whatever went wrong while reading it. */
    private static IOException corrupt(Path file, Exception e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof IOException && message.contains(file.toString())) {
            return (IOException) e;
        }
        return new IOException("checkpoint " + file + " is corrupt: " + message, e);
    }

    /**
     * Loads a checkpoint into {@code block}, which must have the same structure (names and shapes) as the saved one.
     *
     * @param file the checkpoint file
     * @param block the block to fill (initialised)
     * @param manager the manager that will own the loaded parameters
     * @return the training state
     * @throws IOException when the file cannot be read, is not a checkpoint, or does not fit the block
     */
    public static CheckpointState load(Path file, Block block, NDManager manager) throws IOException {
        try (DataInputStream in = open(file)) {
            Header header = readHeader(file, in);
            OptimizerState optimizer = readOptimizerState(file, in, header);
            checkShapes(file, header.json().getAsJsonObject("parameter_shapes"), block);
            try {
                block.loadParameters(manager, in);
            } catch (MalformedModelException | EOFException e) {
                throw new IOException("checkpoint " + file + " is truncated or corrupt: "
                        + (e.getMessage() == null ? "the parameters end early" : e.getMessage()), e);
            }
            return toState(header.json(), optimizer);
        } catch (IOException | RuntimeException e) {
            throw corrupt(file, e);
        }
    }

    private static void writeOptimizerState(DataOutputStream out, OptimizerState state) throws IOException {
        out.writeInt(state.moments().size());
        for (Map.Entry<String, ImmutableList<float[]>> e : state.moments().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (float[] a : e.getValue()) {
                out.writeInt(a.length);
                for (float v : a) {
                    out.writeFloat(v);
                }
            }
        }
    }

    private static OptimizerState readOptimizerState(Path file, DataInputStream in, Header header)
            throws IOException {
        if (header.format() < 2) {
            return OptimizerState.NONE;
        }
        try {
            int n = in.readInt();
            if (n < 0 || n > MAX_ENTRIES) {
                throw new IOException("checkpoint " + file + " is corrupt: " + n + " optimizer entries");
            }
            ImmutableMap.Builder<String, ImmutableList<float[]>> moments = ImmutableMap.builder();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                int arrays = in.readInt();
                if (arrays < 0 || arrays > 16) {
                    throw new IOException("checkpoint " + file + " is corrupt: " + arrays
                            + " optimizer arrays for parameter '" + name + "'");
                }
                ImmutableList.Builder<float[]> list = ImmutableList.builder();
                for (int j = 0; j < arrays; j++) {
                    int len = in.readInt();
                    if (len < 0 || len > 1 << 30) {
                        throw new IOException("checkpoint " + file + " is corrupt: optimizer array of length " + len
                                + " for parameter '" + name + "'");
                    }
                    float[] a = new float[len];
                    for (int k = 0; k < len; k++) {
                        a[k] = in.readFloat();
                    }
                    list.add(a);
                }
                moments.put(name, list.build());
            }
            JsonElement kind = header.json().get("optimizer");
            return new OptimizerState(kind == null || kind.isJsonNull() ? "" : kind.getAsString(), moments.build());
        } catch (EOFException e) {
            throw new IOException("checkpoint " + file + " is truncated (in the optimizer state)", e);
        }
    }

    private static DataInputStream open(Path file) throws IOException {
        try {
            InputStream is = Files.newInputStream(file);
            return new DataInputStream(new BufferedInputStream(is));
        } catch (NoSuchFileException e) {
            throw new IOException("checkpoint " + file + " does not exist", e);
        }
    }

    /** A checkpoint's format number and JSON header. */
    private record Header(int format, JsonObject json) {}

    private static Header readHeader(Path file, DataInputStream in) throws IOException {
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("file " + file + " is not an mtl4j checkpoint (bad magic bytes)");
            }
            int format = in.readInt();
            if (format < 1 || format > FORMAT) {
                throw new IOException("checkpoint " + file + " has format " + format + "; this version reads "
                        + "formats 1 to " + FORMAT);
            }
            int len = in.readInt();
            if (len <= 0 || len > 64 << 20) {
                throw new IOException("checkpoint " + file + " is corrupt: header length " + len);
            }
            byte[] json = new byte[len];
            in.readFully(json);
            return new Header(format, JsonParser.parseString(new String(json, StandardCharsets.UTF_8))
                    .getAsJsonObject());
        } catch (EOFException e) {
            throw new IOException("checkpoint " + file + " is truncated", e);
        } catch (RuntimeException e) {
            throw new IOException("checkpoint " + file + " has a corrupt header: " + e.getMessage(), e);
        }
    }

    private static void checkShapes(Path file, JsonObject saved, Block block) throws IOException {
        Map<String, Shape> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            expected.put(p.getKey(), param.isInitialized() ? param.getArray().getShape() : null);
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            JsonElement s = saved.get(e.getKey());
            if (s == null) {
                throw new IOException(String.format("checkpoint %s does not fit the model: it has no parameter '%s' "
                        + "(was it written for another architecture or task set?)", file, e.getKey()));
            }
            long[] dims = GSON.fromJson(s, long[].class);
            if (e.getValue() != null && !Arrays.equals(dims, e.getValue().getShape())) {
                throw new IOException(String.format("checkpoint %s does not fit the model: parameter '%s' has shape "
                        + "%s in the file but %s in the model", file, e.getKey(), new Shape(dims), e.getValue()));
            }
        }
        for (String name : saved.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IOException(String.format("checkpoint %s does not fit the model: the file has parameter "
                        + "'%s', which the model lacks", file, name));
            }
        }
    }

    private static CheckpointState toState(JsonObject h, OptimizerState optimizer) {
        ImmutableList.Builder<String> names = ImmutableList.builder();
        for (JsonElement e : h.getAsJsonArray("taskNames")) {
            names.add(e.getAsString());
        }
        ImmutableList.Builder<ImmutableList<Double>> history = ImmutableList.builder();
        for (JsonElement row : h.getAsJsonArray("lossHistory")) {
            ImmutableList.Builder<Double> r = ImmutableList.builder();
            for (JsonElement v : row.getAsJsonArray()) {
                r.add(v.getAsDouble());
            }
            history.add(r.build());
        }
        ImmutableMap.Builder<String, double[]> ws = ImmutableMap.builder();
        JsonObject wsJson = h.getAsJsonObject("weightingState");
        if (wsJson != null) {
            for (Map.Entry<String, JsonElement> e : wsJson.entrySet()) {
                JsonArray a = e.getValue().getAsJsonArray();
                double[] d = new double[a.size()];
                for (int i = 0; i < d.length; i++) {
                    d[i] = a.get(i).getAsDouble();
                }
                ws.put(e.getKey(), d);
            }
        }
        ImmutableMap.Builder<String, Object> settings = ImmutableMap.builder();
        JsonObject s = h.getAsJsonObject("settings");
        if (s != null) {
            for (Map.Entry<String, JsonElement> e : s.entrySet()) {
                settings.put(e.getKey(), e.getValue().isJsonPrimitive() ? e.getValue().getAsString()
                        : e.getValue().toString());
            }
        }
        return new CheckpointState(h.get("epochsCompleted").getAsInt(), h.get("step").getAsLong(), names.build(),
                history.build(), h.get("bestEpoch").getAsInt(), h.get("bestScore").getAsDouble(),
                h.get("weighting").getAsString(), ws.build(), settings.build(), optimizer);
    }
}
