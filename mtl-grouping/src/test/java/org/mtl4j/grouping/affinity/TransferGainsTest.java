package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.affinity.TransferGains.Estimate;
import org.mtl4j.grouping.affinity.TransferGains.Source;

/** The gains' bookkeeping, the group-gain formulas and the file format. */
class TransferGainsTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    /** G(source s → t) = 0.01·(s + 1) + 0.001·t, with one gap and counts s + t. */
    private static TransferGains gains(boolean selfPairs) {
        ImmutableList<Source> sources = TransferGains.sources(3, selfPairs);
        double[][] g = new double[sources.size()][3];
        long[][] c = new long[sources.size()][3];
        for (int s = 0; s < g.length; s++) {
            for (int t = 0; t < 3; t++) {
                g[s][t] = 0.01 * (s + 1) + 0.001 * t;
                c[s][t] = 5;
            }
        }
        g[1][2] = Double.NaN; // b's update never measured on c
        c[1][2] = 0;
        return TransferGains.of(TASKS, sources, g, c, 5);
    }

    @Test
    void sourcesAreSinglesThenPairsWithReplacement() {
        assertEquals(List.of(Source.single(0), Source.single(1), Source.single(2), Source.pair(0, 0),
                Source.pair(0, 1), Source.pair(0, 2), Source.pair(1, 1), Source.pair(1, 2), Source.pair(2, 2)),
                TransferGains.sources(3, true));
        assertEquals(6, TransferGains.sources(3, false).size());
        assertEquals(Source.pair(0, 2), Source.pair(2, 0));
        assertArrayEquals(new int[] {1, 1}, Source.pair(1, 1).members());
        assertThrows(IllegalArgumentException.class, () -> new Source(2, 1));
    }

    @Test
    void thePairGainsTheTransferMatrixAndTheTwoGroupEstimates() {
        TransferGains g = gains(true);
        double[][] p = g.pairGains();
        // P[i][t] = G({i, t} → t): e.g. P[b][a] = G({a, b} → a), source row 4 → 0.05
        assertEquals(0.05, p[1][0], 1e-15);
        assertEquals(g.gain(Source.pair(0, 1), 1), p[0][1], 0);
        // the diagonal is the self-pair: P[c][c] = G({c, c} → c), row 8 → 0.09 + 0.002
        assertEquals(0.092, p[2][2], 1e-15);
        // S[i][t] = 1 − (1 − P[i][t]) / (1 − P[t][t]): b with a against a with itself (row 3 → 0.04)
        double[][] s = g.transferMatrix();
        assertEquals(1 - (1 - 0.05) / (1 - 0.04), s[1][0], 1e-15);
        assertTrue(s[1][0] > 0, "the pair's update lowers a's loss more than a's own double step");
        assertEquals(0, s[2][2], 0);
        // PAPER: a({a, b, c}, a) = (S[a][a] + S[b][a] + S[c][a]) / 3 with S[a][a] = 0
        double paper = (s[1][0] + s[2][0]) / 3;
        assertEquals(paper, g.groupGain(0b111, 0, Estimate.PAPER), 1e-15);
        assertEquals(paper, g.groupGain(List.of("c", "b", "a"), "a", Estimate.PAPER), 1e-15);
        assertEquals(s[1][0] / 2, g.groupGain(0b011, 0, Estimate.PAPER), 1e-15);
        // PAIR_MEAN: the partners only; a pair's value is its measured transfer; alone, nothing
        assertEquals((s[1][0] + s[2][0]) / 2, g.groupGain(0b111, 0, Estimate.PAIR_MEAN), 1e-15);
        assertEquals(s[1][0], g.groupGain(0b011, 0, Estimate.PAIR_MEAN), 0);
        assertEquals(0, g.groupGain(0b001, 0, Estimate.PAIR_MEAN), 0);
        assertEquals(0, g.groupGain(0b001, 0, Estimate.PAPER), 0);
        // without self-pairs the baseline is the single task's update
        TransferGains noSelf = gains(false);
        assertEquals(noSelf.gain(Source.single(2), 2), noSelf.pairGains()[2][2], 0);
        assertEquals(1 - (1 - noSelf.gain(Source.pair(0, 2), 2)) / (1 - noSelf.gain(Source.single(2), 2)),
                noSelf.transferMatrix()[0][2], 1e-15);
        // TAG's layout of the singles
        AffinityMatrix m = g.singles();
        assertEquals(g.gain(Source.single(1), 0), m.get("b", "a"), 0);
        assertTrue(Double.isNaN(m.get("b", "c")));
    }

    @Test
    void groupValuesFeedTheSelectionAndRespectASizeLimit() {
        TransferGains g = gains(true);
        OverlappingGroups.GroupValues all = g.groupValues(Estimate.PAPER, 3);
        OverlappingGroups.GroupValues pairs = g.groupValues(Estimate.PAPER, 2);
        for (int mask = 1; mask < 8; mask++) {
            assertTrue(all.isCandidate(mask));
            assertEquals(Integer.bitCount(mask) <= 2, pairs.isCandidate(mask));
        }
        assertEquals(g.groupGain(0b110, 2, Estimate.PAPER), all.value(0b110, 2), 0);
        // the paper's program on these values: exactly 2 groups, every group counting in full
        OverlappingGroups.Result r = OverlappingGroups.solve(all, OverlappingGroups.Objective.GROUP_SUM, 2, true);
        assertEquals(OverlappingGroups.exhaustive(all, OverlappingGroups.Objective.GROUP_SUM, 2, true), r);
        assertEquals(2, r.masks().size());
    }

    @Test
    void theCsvRoundTripsExactly(@TempDir Path dir) throws IOException {
        TransferGains g = gains(true);
        Path file = dir.resolve("gains.csv");
        Files.writeString(file, g.toCsv());
        TransferGains back = TransferGains.read(file);
        assertEquals(g, back);
        assertEquals(5, back.measurements());
        assertEquals(0, back.count(Source.single(1), 2));
        assertTrue(g.toCsv().startsWith("first,second,target,gain,count\na,,a,0.01,5\n"), g.toCsv());
        assertTrue(g.toCsv().contains("\nb,,c,,0\n"), "a never-measured gain is empty");
        assertTrue(g.toCsv().contains("\na,b,c,"), "a pair");
        assertTrue(g.toCsv().contains("\nc,c,c,"), "a self-pair");
        assertFalse(g.toTable().isEmpty());
    }

    @Test
    void parseErrorsNameTheLine() {
        assertThrows(IllegalArgumentException.class, () -> TransferGains.parse(List.of("a,b"), "x"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TransferGains.parse(
                List.of("first,second,target,gain,count", "a,,a,0.1,1", "a,,a,oops,1"), "f.csv"));
        assertTrue(e.getMessage().contains("f.csv line 3"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TransferGains.parse(
                List.of("first,second,target,gain,count", "a,,a,0.1"), "f.csv"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TransferGains.parse(
                List.of("first,second,target,gain,count", "a,,a,0.1,1", "z,,a,0.1,1"), "f.csv"));
    }
}
