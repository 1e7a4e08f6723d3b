package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mtl4j.datasets.FashionMnist;

/** MultiFashionExample runs as written on the real Fashion-MNIST files (skipped where they are not installed). */
class MultiFashionExampleTest {

    @Test
    void learnsBothItemsOfTheComposites() throws Exception {
        assumeTrue(FashionMnist.available(FashionMnist.directory(null)), "Fashion-MNIST is not installed");
        String out = StdOut.of(() -> MultiFashionExample.main(new String[] {"2", "2000"}));
        Matcher m = Pattern.compile("(left|right) accuracy ([0-9.]+)").matcher(out);
        int found = 0;
        while (m.find()) {
            found++;
            assertTrue(Double.parseDouble(m.group(2)) > 0.3, "far above chance (0.10): " + out);
        }
        assertEquals(2, found, out);
    }
}
