package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeded sampling of fixed-size task subsets. */
class TaskSubsetSamplerTest {

    private static final List<String> TASKS = List.of("a", "b", "c", "d", "e", "f", "g", "h");

    @Test
    void drawsDistinctSubsetsOfTheSizeDeterministicallyPerSeed() {
        ImmutableList<ImmutableList<String>> first = TaskSubsetSampler.sample(TASKS, 3, 20, 7);
        assertEquals(first, TaskSubsetSampler.sample(TASKS, 3, 20, 7), "same seed, same draw");
        assertNotEquals(first, TaskSubsetSampler.sample(TASKS, 3, 20, 8), "another seed, another draw");
        assertEquals(20, first.size());
        assertEquals(20, new HashSet<>(first).size(), "no subset twice");
        for (List<String> s : first) {
            assertEquals(3, s.size());
            assertEquals(TASKS.stream().filter(s::contains).toList(), s, "listed in task order");
        }
        // a larger draw with the same seed extends a smaller one (both below half of the C(8, 3) = 56 subsets)
        assertEquals(first.subList(0, 10), TaskSubsetSampler.sample(TASKS, 3, 10, 7));
    }

    @Test
    void largeDrawsReturnEverySubsetAndThenCoverEveryPair() {
        assertEquals(BigInteger.valueOf(56), TaskSubsetSampler.binomial(8, 3));
        ImmutableList<ImmutableList<String>> all = TaskSubsetSampler.sample(TASKS, 3, 1000, 1);
        assertEquals(56, all.size(), "at most C(n, s) distinct subsets");
        assertEquals(56, new HashSet<>(all).size());
        assertTrue(TaskSubsetSampler.uncoveredPairs(TASKS, all).isEmpty(), "every pair occurs in some subset");
        // more than half of the subsets: drawn by a partial shuffle, still distinct and seeded
        ImmutableList<ImmutableList<String>> most = TaskSubsetSampler.sample(TASKS, 3, 40, 1);
        assertEquals(40, new HashSet<>(most).size());
        assertEquals(most, TaskSubsetSampler.sample(TASKS, 3, 40, 1));
        // well before all 56, a random draw covers every pair (28 pairs, 3 per subset): seed 3 covers them with 40
        assertTrue(TaskSubsetSampler.uncoveredPairs(TASKS, TaskSubsetSampler.sample(TASKS, 3, 40, 3)).isEmpty());
        // too few cannot
        ImmutableList<ImmutableList<String>> few = TaskSubsetSampler.sample(TASKS, 3, 5, 3);
        assertTrue(TaskSubsetSampler.uncoveredPairs(TASKS, few).size() >= 28 - 5 * 3);
        assertEquals(List.of(List.of("a", "c"), List.of("b", "c")),
                TaskSubsetSampler.uncoveredPairs(List.of("a", "b", "c"), List.of(List.of("a", "b"))));
    }

    @Test
    void everySubsetOfTheSizeIsEquallyLikely() {
        // 4 tasks, size 2: 6 subsets; one subset per seed over 6000 seeds
        int[] counts = new int[16];
        for (long seed = 0; seed < 6000; seed++) {
            counts[(int) (long) TaskSubsetSampler.sampleMasks(4, 2, 1, seed).get(0)]++;
        }
        Set<Integer> seen = new HashSet<>();
        for (int mask = 0; mask < 16; mask++) {
            if (counts[mask] > 0) {
                seen.add(mask);
                assertEquals(2, Integer.bitCount(mask));
                assertTrue(Math.abs(counts[mask] - 1000) < 150, "mask " + mask + ": " + counts[mask]);
            }
        }
        assertEquals(6, seen.size());
    }

    @Test
    void badSettingsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> TaskSubsetSampler.sampleMasks(4, 5, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TaskSubsetSampler.sampleMasks(4, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> TaskSubsetSampler.sampleMasks(4, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> TaskSubsetSampler.sample(List.of("a", "a"), 1, 1, 0));
    }
}
