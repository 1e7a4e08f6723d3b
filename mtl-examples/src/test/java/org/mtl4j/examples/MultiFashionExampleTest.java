package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.mtl4j.datasets.FashionMnist;

/** MultiFashionExample runs as written on the real Fashion-MNIST files (skipped where they are not installed). */
class MultiFashionExampleTest {

    @Test
    void learnsBothItemsOfTheComposites() throws Exception {
        assumeTrue(FashionMnist.available(FashionMnist.directory(null)), "Fashion-MNIST is not installed");
        PrintStream before = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            MultiFashionExample.main(new String[] {"2", "2000"});
        } finally {
            System.setOut(before);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        Matcher m = Pattern.compile("(left|right) accuracy ([0-9.]+)").matcher(out);
        int found = 0;
        while (m.find()) {
            found++;
            assertTrue(Double.parseDouble(m.group(2)) > 0.3, "far above chance (0.10): " + out);
        }
        assertEquals(2, found, out);
    }
}
