package org.mtl4j.core.testing;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzzing of a file reader: a valid file cut short at random points, with random bytes flipped, inserted or deleted,
 * and pure random bytes. Every outcome must be a parsed value or a clean error (an {@link IOException} or
 * {@link IllegalArgumentException} whose message names the file) — never another exception, a JVM crash, or a hang.
 * A failure prints the reader, the round and the seed, so it can be replayed.
 */
public final class FileFuzz {

    private static final int ROUNDS = 150;

    /** One reader under test. */
    public interface Reader {
        /**
         * Reads a file.
         *
         * @param file the file
         * @throws Exception as the reader does
         */
        void read(Path file) throws Exception;
    }

    private FileFuzz() {}

    private static byte[] mutate(byte[] valid, Random r) {
        int kind = r.nextInt(5);
        byte[] b;
        switch (kind) {
            case 0: // truncated
                return Arrays.copyOf(valid, r.nextInt(Math.max(1, valid.length)));
            case 1: // a few bytes flipped
                b = valid.clone();
                for (int i = 0, n = 1 + r.nextInt(8); i < n && b.length > 0; i++) {
                    b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                }
                return b;
            case 2: // a run of random bytes inserted
                int at = r.nextInt(valid.length + 1);
                byte[] noise = new byte[1 + r.nextInt(32)];
                r.nextBytes(noise);
                b = new byte[valid.length + noise.length];
                System.arraycopy(valid, 0, b, 0, at);
                System.arraycopy(noise, 0, b, at, noise.length);
                System.arraycopy(valid, at, b, at + noise.length, valid.length - at);
                return b;
            case 3: // a run deleted
                if (valid.length < 2) {
                    return new byte[0];
                }
                int from = r.nextInt(valid.length - 1);
                int to = from + 1 + r.nextInt(Math.min(64, valid.length - from - 1) + 1);
                b = new byte[valid.length - (to - from)];
                System.arraycopy(valid, 0, b, 0, from);
                System.arraycopy(valid, to, b, from, valid.length - to);
                return b;
            default: // pure random bytes
                b = new byte[r.nextInt(2 * valid.length + 16)];
                r.nextBytes(b);
                return b;
        }
    }

    /**
     * Fuzzes one reader: the valid seed must read; every mutation must read or fail with an {@link IOException} or
     * {@link IllegalArgumentException} that names the file, within two minutes in all.
     *
     * @param name the reader's name (also seeds the mutations)
     * @param dir a scratch folder
     * @param valid a valid file's bytes
     * @param reader the reader
     * @throws IOException when the scratch files cannot be written
     */
    public static void fuzz(String name, Path dir, byte[] valid, Reader reader) throws IOException {
        Path ok = dir.resolve(name + "-valid");
        Files.write(ok, valid);
        try {
            reader.read(ok);
        } catch (Exception e) {
            fail(name + ": the valid seed file does not read: " + e, e);
        }
        List<String> problems = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (int round = 0; round < ROUNDS; round++) {
                long seed = 1000L * name.hashCode() + round;
                Random r = new Random(seed);
                byte[] bytes = mutate(valid, r);
                Path file = dir.resolve(name + "-fuzz-" + round);
                Files.write(file, bytes);
                try {
                    reader.read(file);
                } catch (IOException | IllegalArgumentException e) {
                    String message = String.valueOf(e.getMessage());
                    if (!message.contains(file.getFileName().toString())) {
                        problems.add(String.format("%s round %d (seed %d): %s does not name the file: %s", name,
                                round, seed, e.getClass().getSimpleName(), message));
                    }
                } catch (Throwable t) {
                    problems.add(String.format("%s round %d (seed %d): %s", name, round, seed, t));
                }
                Files.delete(file);
            }
        }, name + ": a reader hung");
        assertTrue(problems.isEmpty(), problems.size() + " unclean outcomes:\n" + String.join("\n", problems));
    }

}
