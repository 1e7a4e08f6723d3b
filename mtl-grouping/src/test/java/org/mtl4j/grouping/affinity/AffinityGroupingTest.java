package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.grouping.Groupings;

/** Groups chosen from affinity matrices against an independent exhaustive search. */
class AffinityGroupingTest {

    /**
     * Two clusters by construction: a and b help each other, c and d help each other, everything across hurts; d
     * helps a a little but a hurts d.
     */
    private static final double[][] CLUSTERS = {
        //  a      b      c      d
        {0.10, 0.05, -0.02, -0.03},
        {0.04, 0.10, -0.01, -0.02},
        {-0.03, -0.02, 0.10, 0.06},
        {0.01, -0.04, 0.05, 0.10},
    };

    /** Σ_j max over chosen groups containing j of a(G, j): the objective, written out independently. */
    private static double total(double[][] z, List<Integer> groupMasks, double singleton) {
        int n = z.length;
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int g : groupMasks) {
                if ((g & (1 << j)) == 0) {
                    continue;
                }
                double s;
                if (Integer.bitCount(g) == 1) {
                    s = singleton;
                } else {
                    s = 0;
                    for (int i = 0; i < n; i++) {
                        if (i != j && (g & (1 << i)) != 0) {
                            s += z[i][j];
                        }
                    }
                    s /= Integer.bitCount(g) - 1;
                }
                best = Math.max(best, s);
            }
            if (best == Double.NEGATIVE_INFINITY) {
                return Double.NEGATIVE_INFINITY; // a task is not covered
            }
            sum += best;
        }
        return sum;
    }

    /** The best total over every set of at most {@code max} distinct groups, by brute force. */
    private static double exhaustive(double[][] z, int max, double singleton) {
        int subsets = (1 << z.length) - 1;
        double[] best = {Double.NEGATIVE_INFINITY};
        search(z, max, singleton, 1, subsets, new ArrayList<>(), best);
        return best[0];
    }

    private static void search(double[][] z, int max, double singleton, int from, int last, List<Integer> chosen,
            double[] best) {
        if (!chosen.isEmpty()) {
            best[0] = Math.max(best[0], total(z, chosen, singleton));
        }
        if (chosen.size() == max) {
            return;
        }
        for (int g = from; g <= last; g++) {
            chosen.add(g);
            search(z, max, singleton, g + 1, last, chosen, best);
            chosen.remove(chosen.size() - 1);
        }
    }

    private static List<Integer> masks(AffinityGrouping.Result r, List<String> tasks) {
        List<Integer> out = new ArrayList<>();
        for (List<String> g : r.groups()) {
            int m = 0;
            for (String t : g) {
                m |= 1 << tasks.indexOf(t);
            }
            out.add(m);
        }
        return out;
    }

    @Test
    void handMadeClustersAreFound() {
        List<String> tasks = List.of("a", "b", "c", "d");
        AffinityMatrix m = AffinityMatrix.of(tasks, CLUSTERS);
        AffinityGrouping.Result two = AffinityGrouping.select(m, 2);
        assertEquals("ab+cd", two.label());
        // a receives 0.04 from b, b 0.05 from a, c 0.05 from d, d 0.06 from c
        assertEquals(0.04 + 0.05 + 0.05 + 0.06, two.total(), 1e-12);
        assertEquals(0.04, two.received().get("a"), 1e-12);
        assertEquals("cd", two.assignment().get("d"));
        // one group: everything together, each task receives the mean over the other three
        AffinityGrouping.Result one = AffinityGrouping.select(m, 1);
        assertEquals("abcd", one.label());
        double expected = (0.04 - 0.03 + 0.01) / 3 + (0.05 - 0.02 - 0.04) / 3 + (-0.02 - 0.01 + 0.05) / 3
                + (-0.03 - 0.02 + 0.06) / 3;
        assertEquals(expected, one.total(), 1e-12);
        for (int n = 1; n <= 4; n++) {
            AffinityGrouping.Result r = AffinityGrouping.select(m, n);
            assertEquals(exhaustive(CLUSTERS, n, 0), r.total(), 1e-12, "N = " + n);
            assertEquals(r.total(), total(CLUSTERS, masks(r, tasks), 0), 1e-12);
        }
    }

    @Test
    void randomMatricesMatchTheExhaustiveOptimum() {
        Random rnd = new Random(2021);
        for (int trial = 0; trial < 12; trial++) {
            int n = 3 + trial % 3; // 3, 4 or 5 tasks
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                tasks.add(String.valueOf((char) ('a' + i)));
            }
            double[][] z = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    z[i][j] = rnd.nextGaussian() * 0.05;
                }
            }
            double singleton = trial % 4 == 3 ? AffinityGrouping.TAG_SINGLETON_PENALTY : 0;
            int maxGroups = 1 + trial % 3;
            AffinityGrouping.Result r = AffinityGrouping.select(AffinityMatrix.of(tasks, z), maxGroups, singleton,
                    Groupings.exact());
            double brute = exhaustive(z, maxGroups, singleton);
            assertEquals(brute, r.total(), 1e-9 * Math.max(1, Math.abs(brute)), "trial " + trial);
            assertEquals(r.total(), total(z, masks(r, tasks), singleton), 1e-9 * Math.max(1, Math.abs(brute)));
            assertTrue(r.groups().size() <= maxGroups);
            Set<String> covered = new HashSet<>();
            r.groups().forEach(covered::addAll);
            assertEquals(new HashSet<>(tasks), covered, "every task is in a chosen group");
            AffinityGrouping.Result reference = AffinityGrouping.select(AffinityMatrix.of(tasks, z), maxGroups,
                    singleton, Groupings.exhaustive());
            assertEquals(reference.label(), r.label(), "same tie-breaking as the library's exhaustive solver");
        }
    }

    @Test
    void csvRoundTripAndBadInput(@TempDir Path dir) throws Exception {
        AffinityMatrix m = AffinityMatrix.of(List.of("s", "d", "n", "k"), CLUSTERS);
        Path f = dir.resolve("affinity.csv");
        Files.writeString(f, m.toCsv());
        AffinityMatrix back = AffinityMatrix.read(f);
        assertEquals(m.tasks(), back.tasks());
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                assertEquals(CLUSTERS[i][j], back.z()[i][j]);
            }
        }
        assertEquals(0.06, back.get("n", "k"));
        Files.writeString(f, "source,a,b\na,0.1,x\nb,0,0\n");
        String msg = assertThrows(IllegalArgumentException.class, () -> AffinityMatrix.read(f)).getMessage();
        assertTrue(msg.contains("Z(a→b)") && msg.contains("'x'"), msg);
        assertThrows(IllegalArgumentException.class, () -> AffinityGrouping.select(m, 0));
        double[][] nan = {{0.1, Double.NaN}, {0.0, 0.1}};
        String missing = assertThrows(IllegalArgumentException.class,
                () -> AffinityGrouping.select(AffinityMatrix.of(List.of("a", "b"), nan), 1)).getMessage();
        assertTrue(missing.contains("Z(a→b)"), missing);
    }
}
