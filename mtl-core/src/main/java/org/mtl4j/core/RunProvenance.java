package org.mtl4j.core;

import ai.djl.engine.Engine;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What every results file records so that a run can be traced and repeated (after Tribuo's provenance): the
 * library, DJL and engine versions, the Java runtime, the operating system, the processor count and the host.
 */
public final class RunProvenance {

    private RunProvenance() {}

    /** @return the mtl4j version, from the build */
    public static String libraryVersion() {
        try (InputStream in = RunProvenance.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** @return library, DJL, engine, Java, OS, processors and host, as an ordered map */
    public static ImmutableMap<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mtl4j_version", libraryVersion());
        m.put("djl_version", Engine.getDjlVersion());
        Engine engine = Engine.getInstance();
        m.put("engine", engine.getEngineName());
        m.put("engine_version", engine.getVersion());
        m.put("device", engine.getGpuCount() > 0 ? "gpu" : "cpu");
        org.mtl4j.core.engine.EngineNumerics.State numerics = org.mtl4j.core.engine.EngineNumerics.configure();
        m.put("convolutions", numerics.convolutions().name().toLowerCase(java.util.Locale.ROOT));
        m.put("mkl_reproducible", numerics.mklReproducible());
        m.put("java_version", System.getProperty("java.version"));
        m.put("java_vendor", System.getProperty("java.vendor"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("arch", System.getProperty("os.arch"));
        m.put("processors", Runtime.getRuntime().availableProcessors());
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        m.put("host", host);
        return ImmutableMap.copyOf(m);
    }
}
