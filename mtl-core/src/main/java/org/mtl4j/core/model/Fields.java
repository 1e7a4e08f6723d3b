package org.mtl4j.core.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/** Reads the fields of a JSON file; every failure names the file and the field's path, in one line. */
final class Fields {

    private final String source;

    Fields(String source) {
        this.source = source;
    }

    JsonElement get(JsonObject o, String path) {
        String key = path.substring(path.lastIndexOf('.') + 1);
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            throw fail(path, "is missing");
        }
        return e;
    }

    String string(JsonObject o, String path) {
        JsonElement e = get(o, path);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw fail(path, "is not a string");
        }
        return e.getAsString();
    }

    Number number(JsonElement e, String path) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw fail(path, "is not a number");
        }
        return e.getAsNumber();
    }

    int integer(JsonObject o, String path) {
        double v = number(get(o, path), path).doubleValue();
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw fail(path, "is not a whole number");
        }
        return (int) v;
    }

    JsonArray array(JsonObject o, String path) {
        JsonElement e = get(o, path);
        if (!e.isJsonArray()) {
            throw fail(path, "is not a list");
        }
        return e.getAsJsonArray();
    }

    JsonObject object(JsonElement e, String path) {
        if (!e.isJsonObject()) {
            throw fail(path, "is not an object");
        }
        return e.getAsJsonObject();
    }

    float[] floats(JsonObject o, String path) {
        JsonArray a = array(o, path);
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(a.get(i), path + "[" + i + "]").floatValue();
        }
        return out;
    }

    private IllegalArgumentException fail(String path, String problem) {
        return new IllegalArgumentException(source + ": field '" + path + "' " + problem);
    }
}
