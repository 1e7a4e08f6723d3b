package org.mtl4j.core.io;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files atomically: the content goes to {@code name.tmp} in the target's folder (created when missing), which
 * is then renamed over the target, so a crash leaves either the previous file or the new one, never a torn one. The
 * rename is atomic where the file system supports it and a plain replacing move where it does not. When writing or
 * renaming fails the temporary file is deleted and the previous file, if any, stays intact.
 *
 * <p>Nothing is forced to disk here: a writer that needs the content durable before the rename (a checkpoint) forces
 * its own channel in {@link #write(Path, TempFileWriter)}.
 */
public final class AtomicFiles {

    /** Writes a file's whole content to the temporary path it is given. */
    @FunctionalInterface
    public interface TempFileWriter {

        /**
         * Writes the content.
         *
         * @param tmp the temporary file in the target's folder; it may exist from an earlier crash and must be
         *     overwritten
         * @throws IOException when the content cannot be written
         */
        void writeTo(Path tmp) throws IOException;
    }

    private AtomicFiles() {}

    /**
     * Writes bytes to a file atomically.
     *
     * @param file the file
     * @param bytes its content
     * @throws IOException when it cannot be written (a previous file stays intact)
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        checkNotNull(bytes, "bytes must not be null");
        write(file, tmp -> Files.write(tmp, bytes));
    }

    /**
     * Writes a UTF-8 text file atomically.
     *
     * @param file the file
     * @param text its content
     * @throws IOException when it cannot be written (a previous file stays intact)
     */
    public static void writeString(Path file, String text) throws IOException {
        checkNotNull(text, "text must not be null");
        write(file, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * Writes a file atomically with a writer of its own: {@code writer} writes the whole content to the temporary
     * path, which is then renamed over {@code file}.
     *
     * @param file the file
     * @param writer writes the content to the temporary path
     * @throws IOException when it cannot be written (a previous file stays intact); an exception thrown by
     *     {@code writer} is rethrown as it is, after the temporary file is deleted
     */
    public static void write(Path file, TempFileWriter writer) throws IOException {
        checkNotNull(file, "file must not be null");
        checkNotNull(writer, "writer must not be null");
        Path name = file.getFileName();
        checkArgument(name != null, "file must name a file, got %s", file);
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        try {
            writer.writeTo(tmp);
            move(tmp, file);
        } catch (Throwable t) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
    }

    private static void move(Path tmp, Path file) throws IOException {
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
