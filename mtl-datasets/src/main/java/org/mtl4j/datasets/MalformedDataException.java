package org.mtl4j.datasets;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A data file exists but does not hold what its format promises: a bad magic number, a truncated body, an
 * unsupported element type, a wrong shape or an out-of-range value. The message always starts with the file's path
 * and then says what is wrong, for example {@code /data/nyu/val/depth/3.npy: truncated: the header announces
 * 110592 values of <f4 (442368 bytes) but only 4096 bytes follow}.
 */
public final class MalformedDataException extends IOException {

    private static final long serialVersionUID = 1L;

    /** The offending file. */
    private final transient Path file;

    /**
     * Creates the exception.
     *
     * @param file the offending file
     * @param problem what is wrong with it, as a sentence fragment
     */
    public MalformedDataException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /**
     * Creates the exception with a cause (for example the decoder's own exception).
     *
     * @param file the offending file
     * @param problem what is wrong with it
     * @param cause the underlying exception
     */
    public MalformedDataException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** @return the offending file */
    public Path file() {
        return file;
    }
}
