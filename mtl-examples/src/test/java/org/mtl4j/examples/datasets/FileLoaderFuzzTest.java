package org.mtl4j.examples.datasets;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.examples.reliability.CheckpointLoop;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.taxonomy.TransferResults;

/**
 * Fuzzing of every file reader: valid files cut short at random points, with random bytes flipped, inserted or
 * deleted, and pure random bytes. Every outcome must be a parsed value or a clean error (an {@link IOException} or
 * {@link IllegalArgumentException} whose message names the file) — never another exception, a JVM crash, or a hang
 * (each reader gets a time limit). A failure prints the reader, the round and the seed, so it can be replayed.
 */
class FileLoaderFuzzTest {

    private static final int ROUNDS = 150;

    /** One reader under test. */
    private interface Reader {
        void read(Path file) throws Exception;
    }

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

    private static void fuzz(String name, Path dir, byte[] valid, Reader reader) throws IOException {
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

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.25f - 3;
        }
        return f;
    }

    @Test
    void npyReaderFailsCleanly(@TempDir Path dir) throws IOException {
        byte[] valid = Files.readAllBytes(Fixtures.npy(dir.resolve("seed.npy"), ramp(24), 2, 3, 4));
        fuzz("npy", dir, valid, NpyArray::read);
    }

    @Test
    void idxReaderFailsCleanlyPlainAndGzipped(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3 * 5 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        fuzz("idx", dir, Files.readAllBytes(Fixtures.idx(dir.resolve("seed.idx"), false, data, 3, 5, 5)),
                IdxArray::read);
        fuzz("idxgz", dir, Files.readAllBytes(Fixtures.idx(dir.resolve("seed.idx.gz"), true, data, 3, 5, 5)),
                IdxArray::read);
    }

    @Test
    void pngReaderFailsCleanly(@TempDir Path dir) throws IOException {
        int[] values = new int[12 * 9];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 613) % 65536;
        }
        fuzz("png16", dir, Files.readAllBytes(Fixtures.png16(dir.resolve("seed16.png"), 12, 9, values)),
                f -> PngImage.read(f).require(1, 16, "a depth map"));
        int[] rgb = new int[12 * 9 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 37) % 256;
        }
        fuzz("pngrgb", dir, Files.readAllBytes(Fixtures.pngRgb(dir.resolve("seedrgb.png"), 12, 9, rgb)),
                PngImage::read);
    }

    @Test
    void csvReadersFailCleanly(@TempDir Path dir) throws IOException {
        String losses = "setting,split,tasks,network_size,cost,s,d,n\n"
                + "1,val,s,half,0.5,0.08,,\n1,val,d,half,0.5,,0.17,\n1,val,n,half,0.5,,,0.09\n"
                + "1,val,sdn,full,1,0.07,0.16,0.08\n1,test,sdn,full,1,0.07,0.16,0.08\n";
        fuzz("losses", dir, losses.getBytes(StandardCharsets.UTF_8), MeasuredLosses::read);
        String affinity = "source,s,d,n\ns,0,0.1,0.2\nd,0.3,0,0.1\nn,-0.2,0.05,0\n";
        fuzz("affinity", dir, affinity.getBytes(StandardCharsets.UTF_8), AffinityMatrix::read);
        StringBuilder transfer = new StringBuilder(TransferResults.HEADER).append('\n');
        for (String target : List.of("a", "b")) {
            for (String sources : List.of(target, TransferResults.SCRATCH, target.equals("a") ? "b" : "a")) {
                for (int sample = 0; sample < 2; sample++) {
                    transfer.append(target).append(',').append(sources).append(',').append(sample).append(',')
                            .append(0.1 + 0.05 * sample + sources.length() * 0.01).append('\n');
                }
            }
        }
        fuzz("transfer", dir, transfer.toString().getBytes(StandardCharsets.UTF_8), TransferResults::read);
    }

    @Test
    void checkpointReaderFailsCleanly(@TempDir Path dir) throws Exception {
        Path seed = dir.resolve("seed.ckpt");
        try (MultiTaskModel m = CheckpointLoop.model()) {
            m.save(seed, new CheckpointState(1, 5, m.network().taskNames(), ImmutableList.of(ImmutableList.of(1.0,
                    2.0, 3.0)), 0, 1.5, "equal", ImmutableMap.of(), ImmutableMap.of()));
            fuzz("ckpt", dir, Files.readAllBytes(seed), f -> Checkpoints.load(f, m.trainingBlock(),
                    m.trainingBlock().getParameters().get(0).getValue().getArray().getManager()));
        }
    }
}
