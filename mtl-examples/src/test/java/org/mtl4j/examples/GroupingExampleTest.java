package org.mtl4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GroupingExample on a hand-checked two-task table and, where it is present, on Standley's measured losses. */
class GroupingExampleTest {

    private static String run(Path csv) throws Exception {
        return StdOut.of(() -> GroupingExample.main(new String[] {csv.toString()}));
    }

    @Test
    void choosesOnValidationAndScoresOnTest(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("losses.csv");
        Files.writeString(csv, String.join("\n", "setting,split,tasks,network_size,cost,a,b",
                "0,val,a,full,1,0.3,", "0,val,b,full,1,,0.4", "0,val,ab,full,1,0.2,0.5",
                "0,test,a,full,1,0.31,", "0,test,b,full,1,,0.41", "0,test,ab,full,1,0.21,0.52", ""));
        String out = run(csv);
        // budget 1: only ab covers both (test 0.21 + 0.52); budget 2: ab for a and b alone for b (val 0.2 + 0.4),
        // scored on test as 0.21 + 0.41
        assertTrue(out.contains("budget 1: ab") && out.contains("test loss 0.7300"), out);
        assertTrue(out.contains("budget 2: ab+b") && out.contains("test loss 0.6200"), out);
    }

    @Test
    void runsOnStandleysMeasuredLosses() throws Exception {
        Path shared = Path.of("../../shared/data/taskgrouping/setting1_losses.csv");
        if (!Files.exists(shared)) {
            shared = Path.of("../shared/data/taskgrouping/setting1_losses.csv");
        }
        assumeTrue(Files.exists(shared), "../shared is absent");
        String out = run(shared);
        assertTrue(out.contains("tasks [s, d, n, k, e]"), out);
        for (int b = 1; b <= 5; b++) {
            assertTrue(out.contains("budget " + b + ":"), out);
        }
    }
}
