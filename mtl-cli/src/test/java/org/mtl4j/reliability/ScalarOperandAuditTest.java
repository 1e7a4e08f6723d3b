package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No library source multiplies, divides or clamps by a Java number through DJL's scalar overloads
 * ({@code x.mul(0.5f)}, {@code x.div((float) n)}, {@code x.maximum(0f)}): autograd keeps that operand for the backward
 * pass while its direct buffer is already unreachable, so a garbage collection in between gives wrong gradients
 * (see {@code EngineArrays.scalar} and its test). A line that computes no gradient may say so with
 * {@code scalar-ok} on it or on the line above. Fails on the code before the fix (eleven such operands in losses,
 * strategies and soft sharing).
 */
class ScalarOperandAuditTest {

    private static final Pattern SCALAR_OPERAND = Pattern.compile(
            "\\.(mul|div|maximum|minimum|pow)\\(\\s*(\\((float|double)\\)|-?[0-9][0-9.]*([eE][-+]?[0-9]+)?[fFdD]?\\s*\\))");

    @Test
    void librarySourcesUseEngineOwnedScalars() throws IOException {
        List<String> findings = new ArrayList<>();
        int files = 0;
        for (String module : List.of("mtl-core", "mtl-losses", "mtl-architectures", "mtl-grouping")) {
            Path root = Path.of("..", module, "src", "main", "java");
            assumeTrue(Files.isDirectory(root), "sources not found at " + root.toAbsolutePath());
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path file : (Iterable<Path>) walk.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    files++;
                    List<String> lines = Files.readAllLines(file);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        boolean exempt = line.contains("scalar-ok") || (i > 0 && lines.get(i - 1).contains("scalar-ok"));
                        if (!exempt && !line.trim().startsWith("*") && SCALAR_OPERAND.matcher(line).find()) {
                            findings.add(root.relativize(file) + ":" + (i + 1) + ": " + line.trim());
                        }
                    }
                }
            }
        }
        assertTrue(files > 50, "only " + files + " sources scanned");
        assertTrue(findings.isEmpty(), "scalar overloads in autograd code (use EngineArrays.scalar):\n"
                + String.join("\n", findings));
    }
}
