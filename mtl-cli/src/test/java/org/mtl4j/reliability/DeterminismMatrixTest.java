package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same seed, same numbers: every architecture × encoder width {1, 2, 3, 4, 8, 11, 16} × batch size {1, 2, 64} × gradient
 * mode (loss only, parameters, representation where the architecture has a shared representation) trains two steps
 * with finite losses, and two runs give bit-identical losses and parameters, in this JVM and in a second one.
 *
 * <p>Fails on the code before {@code EngineNumerics}: libtorch 2.7.1's oneDNN kernels gave NaN or run-dependent
 * gradients for the widths that are not multiples of 16. Soft sharing in parameter mode is no longer exempt: its
 * occasional differences came from the penalty's scalar factor, whose buffer the garbage collector could free before
 * the backward pass (see {@code EngineArrays.scalar}).
 */
class DeterminismMatrixTest {

    @Test
    void sameSeedGivesBitIdenticalRunsInThisJvmAndAnother(@TempDir Path dir) throws Exception {
        List<DeterminismMatrix.Case> cases = DeterminismMatrix.cases();
        // soft, cross-stitch, NDDR-CNN, LTB and a branching tree have no representation mode
        assertEquals(8 * 7 * 3 * 3 + 5 * 7 * 3 * 2, cases.size());
        try (ChildJvm child = ChildJvm.start(dir, DeterminismMatrix.class)) {
            Map<String, DeterminismMatrix.Outcome> first = DeterminismMatrix.run(cases);
            Map<String, DeterminismMatrix.Outcome> second = DeterminismMatrix.run(cases);
            List<String> problems = new ArrayList<>();
            for (DeterminismMatrix.Case c : cases) {
                DeterminismMatrix.Outcome a = first.get(c.name());
                DeterminismMatrix.Outcome b = second.get(c.name());
                if (!a.finite()) {
                    problems.add(c.name() + ": non-finite loss or parameter (" + a.losses() + ")");
                }
                if (!a.fingerprint().equals(b.fingerprint())) {
                    problems.add(c.name() + ": two runs in one JVM differ (" + a.losses() + " vs " + b.losses() + ")");
                }
            }
            Map<String, String> other = new LinkedHashMap<>();
            for (int i = 0; i < cases.size(); i++) {
                String line = child.awaitLine("CASE ", 600);
                assertNotNull(line, "the second JVM stopped early:\n" + child.transcript());
                String[] parts = line.split(" ");
                other.put(parts[1], parts[2]);
            }
            for (DeterminismMatrix.Case c : cases) {
                if (!first.get(c.name()).fingerprint().equals(other.get(c.name()))) {
                    problems.add(c.name() + ": the second JVM's run differs");
                }
            }
            assertTrue(problems.isEmpty(), problems.size() + " of " + cases.size() + " cases fail:\n"
                    + String.join("\n", problems));
        }
    }
}
