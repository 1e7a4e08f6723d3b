package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.datasets.SmallDataRoots;

/**
 * TaskonomyExample and Nyuv2Example run as written on small folders in the real layouts (this machine has neither
 * data set): every metric they print is finite, and the Taskonomy one prints Δm.
 */
class DatasetExamplesTest {

    @Test
    void taskonomyExamplePrintsEveryTaskAndDeltaM(@TempDir Path dir) throws Exception {
        Path root = SmallDataRoots.taskonomy(dir, 4, 16, 3);
        String out = StdOut.of(() -> TaskonomyExample.main(new String[] {root.toString(), "1", "16"}));
        for (String t : new String[] {"s", "d", "n", "k", "e"}) {
            assertTrue(out.contains(t + " multi-task {"), out);
        }
        Matcher m = Pattern.compile("delta_m ([-+0-9.]+) %").matcher(out);
        assertTrue(m.find(), out);
        assertTrue(Double.isFinite(Double.parseDouble(m.group(1))), out);
        assertTrue(!out.contains("NaN"), out);
    }

    @Test
    void nyuv2ExamplePrintsTheNineMetrics(@TempDir Path dir) throws Exception {
        Path root = SmallDataRoots.nyuv2(dir, 4, 2, 12, 16, 5);
        String out = StdOut.of(() -> Nyuv2Example.main(new String[] {root.toString(), "1", "0"}));
        Matcher m = Pattern.compile("(?m)^([sdn]) (\\S+) (\\S+)$").matcher(out);
        int metrics = 0;
        while (m.find()) {
            metrics++;
            assertTrue(Double.isFinite(Double.parseDouble(m.group(3))), m.group());
        }
        assertEquals(9, metrics, out);
    }
}
