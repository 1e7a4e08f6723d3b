package org.mtl4j.grouping;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The cheapest set of candidates that serves every task (weighted set cover), by depth-first branch and bound: branch
 * on the uncovered task with the fewest serving candidates, cheapest candidates first, from a greedy incumbent; the
 * lower bound is the larger of the dearest "cheapest server" of an uncovered task and
 * {@code |uncovered| · min_c cost(c) / |served(c) ∩ uncovered|}.
 */
final class CoverCost {

    /** A cheapest cover: its cost and the chosen candidates' names in table order. */
    record Cover(double cost, ImmutableList<String> names) {}

    private final int n;
    private final int m;
    private final double[] cost;
    private final int[][] served;
    private final int[][] servers;
    private final double[] cheapestServer;
    private final int[] coverCount;
    private int uncovered;
    private double bestCost;
    private int[] bestSet;
    private final int[] stack;
    private int depth;

    private CoverCost(LossTable table) {
        n = table.tasks().size();
        m = table.candidates().size();
        cost = new double[m];
        served = new int[m][];
        int[] perTask = new int[n];
        for (int c = 0; c < m; c++) {
            Candidate cand = table.candidates().get(c);
            cost[c] = cand.cost();
            served[c] = cand.losses().keySet().stream().mapToInt(table::taskIndex).sorted().toArray();
            for (int t : served[c]) {
                perTask[t]++;
            }
        }
        // candidates by (cost, position), distributed to the tasks they serve in that order
        int[] byCost = IntStream.range(0, m).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> cost[c]).thenComparingInt(c -> c))
                .mapToInt(Integer::intValue).toArray();
        servers = new int[n][];
        for (int t = 0; t < n; t++) {
            servers[t] = new int[perTask[t]];
            perTask[t] = 0;
        }
        for (int c : byCost) {
            for (int t : served[c]) {
                servers[t][perTask[t]++] = c;
            }
        }
        cheapestServer = new double[n];
        for (int t = 0; t < n; t++) {
            cheapestServer[t] = cost[servers[t][0]];
        }
        coverCount = new int[n];
        uncovered = n;
        stack = new int[n];
    }

    static Cover cheapest(LossTable table) {
        CoverCost cc = new CoverCost(table);
        cc.greedy();
        cc.search();
        int[] set = cc.bestSet.clone();
        Arrays.sort(set);
        double total = 0;
        ImmutableList.Builder<String> names = ImmutableList.builder();
        for (int c : set) {
            total += cc.cost[c];
            names.add(table.candidates().get(c).name());
        }
        return new Cover(total, names.build());
    }

    private void greedy() {
        boolean[] covered = new boolean[n];
        int left = n;
        List<Integer> chosen = new ArrayList<>();
        double total = 0;
        while (left > 0) {
            int best = -1;
            double bestRatio = -1;
            for (int c = 0; c < m; c++) {
                int fresh = 0;
                for (int t : served[c]) {
                    if (!covered[t]) {
                        fresh++;
                    }
                }
                if (fresh == 0) {
                    continue;
                }
                double ratio = cost[c] == 0 ? Double.POSITIVE_INFINITY : fresh / cost[c];
                if (ratio > bestRatio) {
                    bestRatio = ratio;
                    best = c;
                }
            }
            chosen.add(best);
            total += cost[best];
            for (int t : served[best]) {
                if (!covered[t]) {
                    covered[t] = true;
                    left--;
                }
            }
        }
        bestCost = total;
        bestSet = chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private void search() {
        dfs(0);
    }

    private void dfs(double spent) {
        if (uncovered == 0) {
            if (spent < bestCost - slack(bestCost)) {
                bestCost = spent;
                bestSet = Arrays.copyOf(stack, depth);
            }
            return;
        }
        if (spent + lowerBound() >= bestCost - slack(bestCost)) {
            return;
        }
        int pick = -1;
        for (int t = 0; t < n; t++) {
            if (coverCount[t] == 0 && (pick < 0 || servers[t].length < servers[pick].length)) {
                pick = t;
            }
        }
        for (int c : servers[pick]) {
            if (spent + cost[c] >= bestCost - slack(bestCost)) {
                break;
            }
            apply(c, +1);
            stack[depth++] = c;
            dfs(spent + cost[c]);
            depth--;
            apply(c, -1);
        }
    }

    private double lowerBound() {
        double dearest = 0;
        for (int t = 0; t < n; t++) {
            if (coverCount[t] == 0) {
                dearest = Math.max(dearest, cheapestServer[t]);
            }
        }
        double perTask = Double.POSITIVE_INFINITY;
        for (int c = 0; c < m; c++) {
            int fresh = 0;
            for (int t : served[c]) {
                if (coverCount[t] == 0) {
                    fresh++;
                }
            }
            if (fresh > 0) {
                perTask = Math.min(perTask, cost[c] / fresh);
            }
        }
        return Math.max(dearest, uncovered * perTask);
    }

    private void apply(int c, int delta) {
        for (int t : served[c]) {
            if (delta > 0 && coverCount[t]++ == 0) {
                uncovered--;
            } else if (delta < 0 && --coverCount[t] == 0) {
                uncovered++;
            }
        }
    }

    private static double slack(double v) {
        return 1e-12 * Math.max(1, Math.abs(v));
    }
}
