package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/** Locates the shared losses of Standley et al. next to the clone; tests that need them are skipped without them. */
final class SharedData {

    private static final List<Path> CANDIDATES = List.of(Paths.get("../../shared/data/taskgrouping"),
            Paths.get("../shared/data/taskgrouping"));

    private SharedData() {}

    /** The directory, or a skipped test. */
    static Path dir() {
        for (Path p : CANDIDATES) {
            if (Files.isRegularFile(p.resolve("setting1_losses.csv"))) {
                return p;
            }
        }
        assumeTrue(false, "shared task-grouping data not found at " + CANDIDATES + "; skipping");
        throw new AssertionError();
    }

    /** One setting's losses, or a skipped test. */
    static MeasuredLosses setting(int k) {
        try {
            return MeasuredLosses.read(dir().resolve("setting" + k + "_losses.csv"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
