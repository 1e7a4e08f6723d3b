package org.mtl4j.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the mtl program in this JVM and captures its output, for the grouping command tests. */
final class CliCapture {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;

    static CliCapture run(String... args) {
        CliCapture c = new CliCapture();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream o = new PrintStream(c.out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(c.err, true, StandardCharsets.UTF_8);
        System.setOut(o);
        System.setErr(e);
        try {
            c.status = MtlCommand.execute(o, e, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return c;
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    String both() {
        return out() + "\n--- stderr ---\n" + err();
    }
}
