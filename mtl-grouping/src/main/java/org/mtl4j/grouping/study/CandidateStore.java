package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.mtl4j.grouping.TextFiles;

/**
 * The finished candidates of a study on disk, one small JSON file per {@link CandidateResult}, named by
 * {@link CandidateSpec#fileName()}: what makes a study of Standley et al., "Which Tasks Should Be Learned Together in
 * Multi-task Learning?" (ICML 2020) — dozens of trainings — resumable, and lets studies share networks. A file is written to a temporary name and moved
 * into place atomically, so a killed study leaves either a complete result or none; on restart a result is reused
 * only if the spec stored in it equals the spec asked for (any change of data, recipe or architecture retrains), and
 * an unreadable file is treated as missing.
 */
public final class CandidateStore {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues()
            .create();

    private final Path directory;

    /**
     * Opens (and creates) a store.
     *
     * @param directory the folder of the result files
     * @throws UncheckedIOException if the folder cannot be created
     */
    public CandidateStore(Path directory) {
        this.directory = checkNotNull(directory, "directory");
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the candidate folder " + directory, e);
        }
    }

    /** @return the folder of the result files */
    public Path directory() {
        return directory;
    }

    /**
     * The file of a spec's result.
     *
     * @param spec the spec
     * @return its path (which may not exist)
     */
    public Path file(CandidateSpec spec) {
        return directory.resolve(spec.fileName());
    }

    /**
     * The stored result of a spec, if a complete one for exactly this spec is on disk.
     *
     * @param spec the spec
     * @return the result, or empty
     */
    public Optional<CandidateResult> load(CandidateSpec spec) {
        Path f = file(spec);
        if (!Files.isRegularFile(f)) {
            return Optional.empty();
        }
        try {
            CandidateResult r = GSON.fromJson(Files.readString(f, StandardCharsets.UTF_8), CandidateResult.class);
            if (r == null || !spec.equals(r.spec())) {
                return Optional.empty();
            }
            // re-validate through the canonical constructor
            return Optional.of(new CandidateResult(r.spec(), r.validationLoss(), r.testLoss(), r.testMetrics(),
                    r.seconds(), r.torchThreads()));
        } catch (IOException | JsonParseException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    /**
     * Writes a result atomically (temporary file, then an atomic move).
     *
     * @param result the result
     * @throws UncheckedIOException if it cannot be written
     */
    public void save(CandidateResult result) {
        checkNotNull(result, "result");
        Path f = file(result.spec());
        try {
            TextFiles.writeAtomically(f, GSON.toJson(result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the candidate result " + f, e);
        }
    }
}
