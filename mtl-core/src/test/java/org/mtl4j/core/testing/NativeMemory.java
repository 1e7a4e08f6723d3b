package org.mtl4j.core.testing;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test helpers to prove memory flat: resident set size and the number of live arrays under a manager. */
public final class NativeMemory {

    private NativeMemory() {}

    /** @return this process's resident set size in bytes, from /proc/self/status (−1 where unavailable) */
    public static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * Counts the resources (arrays and sub-managers, recursively) attached to a manager.
     *
     * @param manager the manager
     * @return the count
     */
    public static int liveResources(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            Map<String, AutoCloseable> res = (Map<String, AutoCloseable>) f.get(manager);
            int n = 0;
            for (AutoCloseable r : res.values()) {
                n++;
                if (r instanceof NDManager) {
                    n += liveResources((NDManager) r);
                }
            }
            return n;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
