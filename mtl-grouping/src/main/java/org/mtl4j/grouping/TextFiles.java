package org.mtl4j.grouping;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mtl4j.core.io.AtomicFiles;

/**
 * Reads and writes the library's text files (CSV tables, JSON results): reads fail with errors that name the file,
 * writes are atomic.
 */
public final class TextFiles {

    private TextFiles() {}

    /**
     * Reads every line of a UTF-8 text file.
     *
     * @param file the file
     * @return its lines
     * @throws IOException naming the file when it is missing, unreadable or not UTF-8 text
     */
    public static List<String> readLines(Path file) throws IOException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new IOException(file + " is not a UTF-8 text file (is it a CSV?)", e);
        }
    }

    /**
     * Writes a UTF-8 text file atomically: to {@code name.tmp} in the same folder (created when missing), then
     * renamed over the target, so a crash leaves either the previous file or the new one, never a torn one (see
     * {@link AtomicFiles#writeString}).
     *
     * @param file the file
     * @param text its content
     * @throws IOException when it cannot be written (a previous file stays intact)
     */
    public static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.writeString(file, text);
    }
}
