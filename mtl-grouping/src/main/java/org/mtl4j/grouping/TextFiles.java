package org.mtl4j.grouping;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads the library's text files (CSV tables) with errors that name the file. */
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
}
