package org.mtl4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes: content, replacement, missing folders, and no torn file or leftover temporary file on failure. */
class AtomicFilesTest {

    @Test
    void writesBytesAndTextAndCreatesMissingFolders(@TempDir Path dir) throws IOException {
        Path bin = dir.resolve("a/b/data.bin");
        AtomicFiles.write(bin, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(bin));

        Path text = dir.resolve("c/notes.txt");
        AtomicFiles.writeString(text, "größe\n");
        assertEquals("größe\n", Files.readString(text, StandardCharsets.UTF_8));
        assertEquals(List.of("notes.txt"), names(text.getParent()));
    }

    @Test
    void replacesAnExistingFileAndAStaleTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("table.csv");
        Files.writeString(file, "old, and longer than the new content");
        Files.writeString(dir.resolve("table.csv.tmp"), "left by a crash, and longer than the new content");
        AtomicFiles.writeString(file, "new");
        assertEquals("new", Files.readString(file));
        assertEquals(List.of("table.csv"), names(dir));
    }

    @Test
    void theWriterWritesToATemporaryFileBesideTheTarget(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.json");
        Path[] seen = new Path[1];
        AtomicFiles.write(file, tmp -> {
            seen[0] = tmp;
            Files.writeString(tmp, "{}");
        });
        assertEquals(dir.resolve("model.json.tmp").toAbsolutePath(), seen[0]);
        assertEquals("{}", Files.readString(file));
    }

    @Test
    void aFailingWriterLeavesTheOldFileIntactAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("state.ckpt");
        AtomicFiles.writeString(file, "old");

        IOException io = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "half of the new");
            throw io;
        }));
        assertSame(io, thrown, "the writer's exception is rethrown as it is");
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("state.ckpt"), names(dir));

        UncheckedIOException unchecked = new UncheckedIOException(io);
        assertSame(unchecked, assertThrows(UncheckedIOException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "half");
            throw unchecked;
        })));
        assertEquals("old", Files.readString(file));
        assertEquals(List.of("state.ckpt"), names(dir));
    }

    @Test
    void aFailingWriterWithNoOldFileLeavesNothing(@TempDir Path dir) {
        Path file = dir.resolve("new.json");
        assertThrows(IOException.class, () -> AtomicFiles.write(file, tmp -> {
            Files.writeString(tmp, "{");
            throw new IOException("boom");
        }));
        assertFalse(Files.exists(file));
        assertEquals(List.of(), names(dir));
    }

    @Test
    void aFailedRenameLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("taken");
        Files.createDirectories(file.resolve("child"));
        // a non-empty folder cannot be replaced by a file
        assertThrows(IOException.class, () -> AtomicFiles.writeString(file, "text"));
        assertEquals(List.of("taken"), names(dir));
    }

    @Test
    void rejectsAPathWithoutAFileName(@TempDir Path dir) {
        Path root = dir.getRoot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AtomicFiles.writeString(root, "x"));
        assertEquals("file must name a file, got " + root, e.getMessage());
    }

    private static List<String> names(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
