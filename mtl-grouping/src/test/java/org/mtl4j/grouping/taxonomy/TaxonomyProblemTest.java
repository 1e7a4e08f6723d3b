package org.mtl4j.grouping.taxonomy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exact source selection of the transfer taxonomy against exhaustive search. */
class TaxonomyProblemTest {

    /** Random per-sample losses for every target: itself, scratch, every source and (optionally) every pair. */
    private static TransferResults random(Random rnd, int n, int samples, boolean pairs) {
        List<String> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add("t" + i);
        }
        TransferResults.Builder b = TransferResults.builder(tasks);
        for (int t = 0; t < n; t++) {
            b.add(tasks.get(t), List.of(tasks.get(t)), losses(rnd, samples, 0.5));
            b.add(tasks.get(t), List.of(), losses(rnd, samples, 1.5));
            for (int s = 0; s < n; s++) {
                if (s != t) {
                    b.add(tasks.get(t), List.of(tasks.get(s)), losses(rnd, samples, 0.6 + rnd.nextDouble()));
                }
            }
            if (pairs) {
                for (int s = 0; s < n; s++) {
                    for (int r = s + 1; r < n; r++) {
                        if (s != t && r != t) {
                            b.add(tasks.get(t), List.of(tasks.get(s), tasks.get(r)),
                                    losses(rnd, samples, 0.5 + rnd.nextDouble()));
                        }
                    }
                }
            }
        }
        return b.build();
    }

    private static double[] losses(Random rnd, int samples, double scale) {
        double[] l = new double[samples];
        for (int x = 0; x < samples; x++) {
            l[x] = scale * (0.5 + rnd.nextDouble());
        }
        return l;
    }

    /** The best value over every subset of tasks within the budget, by enumeration. */
    private static double exhaustive(TaxonomyProblem p, double budget) {
        int n = p.tasks().size();
        double best = Double.NEGATIVE_INFINITY;
        for (int mask = 0; mask < 1 << n; mask++) {
            List<String> s = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if ((mask & (1 << i)) != 0) {
                    s.add(p.tasks().get(i));
                }
            }
            if (p.cost(s) <= budget + 1e-9) {
                best = Math.max(best, p.value(s));
            }
        }
        return best;
    }

    @Test
    void branchAndBoundEqualsExhaustiveSearchOnRandomMatrices() {
        Random rnd = new Random(2018);
        for (int trial = 0; trial < 16; trial++) {
            int n = 3 + trial % 4;
            boolean pairs = trial % 2 == 1;
            TransferResults r = random(rnd, n, 20, pairs);
            Map<String, Double> costs = new HashMap<>();
            if (trial % 3 == 0) {
                for (String t : r.tasks()) {
                    costs.put(t, 0.5 + rnd.nextInt(3) * 0.5);
                }
            }
            for (int order = 1; order <= (pairs ? 2 : 1); order++) {
                TaxonomyProblem p = TaxonomyProblem.of(r, order, costs, Map.of());
                for (double budget : new double[] {0, 1, 2, 2.5, n}) {
                    TaxonomySelection s = p.solve(budget);
                    double brute = exhaustive(p, budget);
                    assertEquals(brute, s.objective(), 1e-12, "trial " + trial + " order " + order + " budget "
                            + budget);
                    assertTrue(s.cost() <= budget + 1e-9, "within budget");
                    assertEquals(s.objective(), p.value(s.sources()), 1e-12);
                    double sum = 0;
                    for (String t : p.targets()) {
                        sum += s.quality().get(t);
                    }
                    assertEquals(s.objective(), sum, 1e-12, "unit importances: the objective sums the qualities");
                }
            }
        }
    }

    @Test
    void qualitiesArePerTargetDistributionsAndHigherOrderCanOnlyHelpWithSameSources() {
        TransferResults r = random(new Random(7), 4, 30, true);
        TaxonomyProblem first = TaxonomyProblem.of(r, 1);
        for (Map<String, Double> q : first.qualities().values()) {
            assertEquals(1.0, q.values().stream().mapToDouble(Double::doubleValue).sum(), 1e-12);
            assertTrue(q.keySet().stream().noneMatch(k -> k.contains("+")), "first order has no pairs: " + q.keySet());
        }
        TaxonomyProblem second = TaxonomyProblem.of(r, 2);
        assertTrue(second.qualities().get("t0").containsKey("t1+t2"));
        // budget 0: only scratch is available; with unit costs nothing is supervised
        TaxonomySelection none = first.solve(0);
        assertTrue(none.sources().isEmpty());
        for (String t : first.targets()) {
            assertEquals("scratch", none.transfer().get(t));
        }
        // everything supervised: every target takes its best contender
        TaxonomySelection all = first.solve(4);
        for (String t : first.targets()) {
            Map<String, Double> q = first.qualities().get(t);
            String best = q.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertEquals(best, all.transfer().get(t));
            assertEquals(q.get(best), all.quality().get(t), 0);
        }
    }

    @Test
    void handExampleOneSourceServesTwoTargets() {
        // a's readout from b beats scratch everywhere; c's too; b from a is worse than scratch
        TransferResults r = TransferResults.builder(List.of("a", "b", "c"))
                .add("a", List.of("a"), new double[] {0.1, 0.1, 0.1})
                .add("a", List.of(), new double[] {0.9, 0.9, 0.9})
                .add("a", List.of("b"), new double[] {0.2, 0.2, 0.2})
                .add("b", List.of("b"), new double[] {0.1, 0.1, 0.1})
                .add("b", List.of(), new double[] {0.5, 0.5, 0.5})
                .add("b", List.of("a"), new double[] {0.8, 0.8, 0.8})
                .add("c", List.of("c"), new double[] {0.1, 0.1, 0.1})
                .add("c", List.of(), new double[] {0.9, 0.9, 0.9})
                .add("c", List.of("b"), new double[] {0.3, 0.3, 0.3})
                .build();
        TaxonomySelection one = TaxonomyProblem.of(r, 1).solve(1);
        assertEquals(List.of("b"), one.sources());
        assertEquals("b", one.transfer().get("a"));
        assertEquals("b", one.transfer().get("b"));
        assertEquals("b", one.transfer().get("c"));
        TaxonomySelection costly = TaxonomyProblem.of(r, 1, Map.of("b", 2.0), Map.of()).solve(1);
        assertTrue(!costly.sources().contains("b"), "b no longer fits: " + costly.sources());
    }

    @Test
    void csvRoundTripAndBadInput(@TempDir Path dir) throws Exception {
        TransferResults r = random(new Random(3), 3, 5, true);
        Path f = dir.resolve("transfers.csv");
        Files.writeString(f, r.toCsv());
        TransferResults back = TransferResults.read(f);
        assertEquals(r.toCsv(), back.toCsv());
        TaxonomySelection a = TaxonomyProblem.of(r, 2).solve(1);
        TaxonomySelection b = TaxonomyProblem.of(back, 2).solve(1);
        assertEquals(a, b);
        Files.writeString(f, TransferResults.HEADER + "\na,b,0,0.1\na,b,2,0.1\n");
        String m = assertThrows(IllegalArgumentException.class, () -> TransferResults.read(f)).getMessage();
        assertTrue(m.contains("line 3") && m.contains("expected sample 1"), m);
        assertThrows(IllegalArgumentException.class, () -> TransferResults.builder(List.of("a"))
                .add("a", List.of(), new double[] {1, 2}).add("a", List.of("a"), new double[] {1}));
        String unknown = assertThrows(IllegalArgumentException.class, () -> TaxonomyProblem.of(r, 1,
                Map.of("zz", 1.0), Map.of())).getMessage();
        assertTrue(unknown.contains("zz"), unknown);
    }
}
