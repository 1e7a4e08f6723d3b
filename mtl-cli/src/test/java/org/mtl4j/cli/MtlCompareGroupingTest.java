package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mtl compare-grouping} on tiny synthetic scenes: every method has a row, the full study's optimum has regret
 * 0, no regret is negative, and comparison.csv reads back.
 */
class MtlCompareGroupingTest {

    @Test
    void everyMethodIsScoredOnTheFullStudy(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("compare");
        CliCapture c = CliCapture.run("compare-grouping", "--tasks", "s,d,n", "--size", "16", "--train-samples",
                "16", "--val-samples", "8", "--test-samples", "8", "--epochs", "1", "--width", "2", "--batch-size",
                "8", "--subset-size", "2", "--subsets", "2", "--projection-dim", "8", "--max-samples", "8",
                "--every", "1", "--out", out.toString(), "--no-progress", "--threads", "2");
        assertEquals(0, c.status, c.both());
        System.out.println(c.out());

        List<String> lines = Files.readAllLines(out.resolve(CompareGroupingRun.COMPARISON_FILE));
        assertEquals(CompareGroupingRun.CSV_HEADER, lines.get(0));
        List<String> header = List.of(lines.get(0).split(","));
        Set<String> methods = new LinkedHashSet<>();
        Map<String, Integer> budgetsPerMethod = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",");
            assertEquals(header.size(), f.length, line);
            String method = f[header.indexOf("method")];
            methods.add(method);
            budgetsPerMethod.merge(method, 1, Integer::sum);
            int budget = Integer.parseInt(f[header.indexOf("budget")]);
            double cost = Double.parseDouble(f[header.indexOf("cost")]);
            double total = Double.parseDouble(f[header.indexOf("test_total")]);
            double optimum = Double.parseDouble(f[header.indexOf("optimal_test_total")]);
            double regret = Double.parseDouble(f[header.indexOf("regret")]);
            double percent = Double.parseDouble(f[header.indexOf("regret_percent")]);
            assertTrue(cost <= budget, line);
            assertEquals(total - optimum, regret, 1e-12, line);
            assertEquals(100 * regret / optimum, percent, 1e-9, line);
            assertTrue(regret >= -1e-12, "a choice beats the optimum of its budget: " + line);
            assertTrue(Integer.parseInt(f[header.indexOf("networks")]) >= 1, line);
            if (method.equals("full")) {
                assertEquals(0, regret, 0, line);
            }
        }
        assertEquals(List.of("full", "full-val", "hoa", "esa", "tag", "sampled", "grad-tae", "transfer", "meta"),
                List.copyOf(methods), String.join("\n", lines));
        for (String m : List.of("full", "full-val", "hoa", "esa", "sampled", "grad-tae", "tag")) {
            assertEquals(3, budgetsPerMethod.get(m), m + " has a choice for every budget 1 … 3");
        }
        for (String m : methods) {
            assertTrue(c.out().contains("| " + m + " |"), m + " in the printed table: " + c.out());
        }
        // the full study trains 3 · 2 + 3 = 10 networks (7 subsets, 3 halves); HOA reuses its singles and pairs
        assertTrue(lines.get(1).startsWith("full,10,10,"), lines.get(1));
        assertTrue(c.err().contains("candidates: 0 to train"), "HOA's networks are reused: " + c.err());
    }
}
