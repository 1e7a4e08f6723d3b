package org.mtl4j.reliability;


import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;
import org.mtl4j.core.testing.FileFuzz;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.affinity.TransferGains;
import org.mtl4j.grouping.taxonomy.TransferResults;

/**
 * Fuzzing of the grouping tables' CSV readers and the checkpoint reader ({@link FileFuzz}; the data sets' readers are
 * fuzzed in mtl-datasets). Fuzzing of every file reader: valid files cut short at random points, with random bytes flipped, inserted or
 * deleted, and pure random bytes. Every outcome must be a parsed value or a clean error (an {@link IOException} or
 * {@link IllegalArgumentException} whose message names the file) — never another exception, a JVM crash, or a hang
 * (each reader gets a time limit). A failure prints the reader, the round and the seed, so it can be replayed.
 */
class FileLoaderFuzzTest {

    @Test
    void csvReadersFailCleanly(@TempDir Path dir) throws IOException {
        String losses = "setting,split,tasks,network_size,cost,s,d,n\n"
                + "1,val,s,half,0.5,0.08,,\n1,val,d,half,0.5,,0.17,\n1,val,n,half,0.5,,,0.09\n"
                + "1,val,sdn,full,1,0.07,0.16,0.08\n1,test,sdn,full,1,0.07,0.16,0.08\n";
        FileFuzz.fuzz("losses", dir, losses.getBytes(StandardCharsets.UTF_8), MeasuredLosses::read);
        String affinity = "source,s,d,n\ns,0,0.1,0.2\nd,0.3,0,0.1\nn,-0.2,0.05,0\n";
        FileFuzz.fuzz("affinity", dir, affinity.getBytes(StandardCharsets.UTF_8), AffinityMatrix::read);
        StringBuilder transfer = new StringBuilder(TransferResults.HEADER).append('\n');
        for (String target : List.of("a", "b")) {
            for (String sources : List.of(target, TransferResults.SCRATCH, target.equals("a") ? "b" : "a")) {
                for (int sample = 0; sample < 2; sample++) {
                    transfer.append(target).append(',').append(sources).append(',').append(sample).append(',')
                            .append(0.1 + 0.05 * sample + sources.length() * 0.01).append('\n');
                }
            }
        }
        FileFuzz.fuzz("transfer", dir, transfer.toString().getBytes(StandardCharsets.UTF_8), TransferResults::read);
        List<TransferGains.Source> sources = TransferGains.sources(3, true);
        double[][] gains = new double[sources.size()][3];
        long[][] counts = new long[sources.size()][3];
        for (int i = 0; i < sources.size(); i++) {
            for (int t = 0; t < 3; t++) {
                gains[i][t] = 0.01 * (i - t);
                counts[i][t] = 4;
            }
        }
        String csv = TransferGains.of(List.of("s", "d", "n"), sources, gains, counts, 4).toCsv();
        FileFuzz.fuzz("gains", dir, csv.getBytes(StandardCharsets.UTF_8), TransferGains::read);
    }

    @Test
    void checkpointReaderFailsCleanly(@TempDir Path dir) throws Exception {
        Path seed = dir.resolve("seed.ckpt");
        try (MultiTaskModel m = CheckpointLoop.model()) {
            m.saveCheckpoint(seed, new CheckpointState(1, 5, m.network().taskNames(), ImmutableList.of(ImmutableList.of(1.0,
                    2.0, 3.0)), 0, 1.5, "equal", ImmutableMap.of(), ImmutableMap.of()));
            FileFuzz.fuzz("ckpt", dir, Files.readAllBytes(seed), f -> Checkpoints.load(f, m.trainingBlock(),
                    m.trainingBlock().getParameters().get(0).getValue().getArray().getManager()));
        }
    }
}
