package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.mtl4j.architectures.BranchedTrees.Budget;
import org.mtl4j.architectures.BranchedTrees.ColumnCost;
import org.mtl4j.architectures.BranchedTrees.Plan;

/**
 * The exact search of {@link BranchedTrees#best}: dynamic programming over the stages on all nested partitions of the
 * tasks ({@link Partitions}), keeping for each partition the Pareto front of (parameters, multiply-adds, score) of the
 * trees that end in it within the budget.
 */
final class BranchedTreeSearch {

    private static final double TIE = 1e-12;

    private BranchedTreeSearch() {}

    /**
     * Finds the tree of lowest dissimilarity score within a budget, by exact search (see {@link BranchedTrees}).
     *
     * @param dissimilarity the dissimilarities; their task order is the tree's
     * @param column the cost of one encoder, one entry per stage
     * @param budget the budget
     * @return the plan
     * @throws IllegalArgumentException for more than {@value BranchedTrees#MAX_TASKS} tasks, or a budget below the
     *     fully shared encoder
     */
    static Plan best(TaskDissimilarity dissimilarity, ColumnCost column, Budget budget) {
        List<String> tasks = dissimilarity.tasks();
        int k = tasks.size();
        int stages = column.parameters().length;
        checkArgument(k <= BranchedTrees.MAX_TASKS, "the branched-tree search is exact and takes at most %s tasks, "
                + "got %s; give the tree by hand (branched:tree=...)", BranchedTrees.MAX_TASKS, k);
        List<double[][]> d = dissimilarity.forStages(stages);
        double maxParams = budget.parameters().resolve(column.totalParameters());
        double maxMacs = budget.multiplyAdds().resolve(column.totalMultiplyAdds());
        checkArgument(column.totalParameters() <= maxParams * (1 + TIE) && column.totalMultiplyAdds()
                <= maxMacs * (1 + TIE), "budget %s is below the cost of the fully shared encoder (%s parameters, "
                + "%s multiply-adds per sample): no tree fits", budget,
                String.format(Locale.ROOT, "%,d", column.totalParameters()),
                NetworkCost.human(column.totalMultiplyAdds()));

        Partitions partitions = new Partitions(k);
        int n = partitions.size();
        // the score of every partition at every stage
        double[][] score = new double[stages][n];
        for (int j = 0; j < stages; j++) {
            for (int p = 0; p < n; p++) {
                score[j][p] = partitions.score(p, d.get(j));
            }
        }
        List<List<Entry>> fronts = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            List<Entry> front = new ArrayList<>();
            long params = partitions.blocks(p) * column.parameters()[0];
            long macs = partitions.blocks(p) * column.multiplyAdds()[0];
            if (fits(params, macs, maxParams, maxMacs)) {
                front.add(new Entry(score[0][p], params, macs, new int[] {p}));
            }
            fronts.add(front);
        }
        long[] count = new long[n];
        Arrays.fill(count, 1);
        for (int j = 1; j < stages; j++) {
            List<List<Entry>> next = new ArrayList<>();
            long[] nextCount = new long[n];
            for (int p = 0; p < n; p++) {
                List<Entry> front = new ArrayList<>();
                long stageParams = partitions.blocks(p) * column.parameters()[j];
                long stageMacs = partitions.blocks(p) * column.multiplyAdds()[j];
                for (int q : partitions.coarsenings(p)) {
                    nextCount[p] += count[q];
                    for (Entry e : fronts.get(q)) {
                        long params = e.params + stageParams;
                        long macs = e.macs + stageMacs;
                        if (fits(params, macs, maxParams, maxMacs)) {
                            int[] chain = Arrays.copyOf(e.chain, j + 1);
                            chain[j] = p;
                            add(front, new Entry(e.score + score[j][p], params, macs, chain));
                        }
                    }
                }
                next.add(front);
            }
            fronts = next;
            count = nextCount;
        }
        Entry best = null;
        for (List<Entry> front : fronts) {
            for (Entry e : front) {
                if (best == null || better(e, best)) {
                    best = e;
                }
            }
        }
        long trees = Arrays.stream(count).sum();
        // the fully shared tree always fits, so there is a best tree
        checkNotNull(best, "internal: no tree within the budget");
        List<int[]> labels = new ArrayList<>();
        for (int p : best.chain) {
            labels.add(partitions.labels(p));
        }
        BranchTree tree = BranchTree.of(tasks, labels);
        double[] stageScores = new double[stages];
        for (int j = 0; j < stages; j++) {
            stageScores[j] = score[j][best.chain[j]];
        }
        return new Plan(tree, best.score, stageScores, best.params, best.macs, column, budget, trees,
                dissimilarity.source());
    }

    private static boolean fits(long params, long macs, double maxParams, double maxMacs) {
        return params <= maxParams * (1 + TIE) && macs <= maxMacs * (1 + TIE);
    }

    /** A tree that ends in a partition: its score and cost so far, and its partitions stage by stage. */
    private record Entry(double score, long params, long macs, int[] chain) {}

    /** Lower score, then fewer parameters, then fewer multiply-adds, then the earlier chain. */
    private static boolean better(Entry a, Entry b) {
        if (Math.abs(a.score - b.score) > TIE) {
            return a.score < b.score;
        }
        if (a.params != b.params) {
            return a.params < b.params;
        }
        if (a.macs != b.macs) {
            return a.macs < b.macs;
        }
        return Arrays.compare(a.chain, b.chain) < 0;
    }

    /** Adds an entry to a Pareto front of (score, parameters, multiply-adds), dropping dominated entries. */
    private static void add(List<Entry> front, Entry e) {
        for (int i = 0; i < front.size(); i++) {
            Entry f = front.get(i);
            if (dominates(f, e)) {
                return;
            }
        }
        front.removeIf(f -> dominates(e, f));
        front.add(e);
    }

    private static boolean dominates(Entry a, Entry b) {
        boolean noWorse = a.score <= b.score + TIE && a.params <= b.params && a.macs <= b.macs;
        if (!noWorse) {
            return false;
        }
        boolean same = Math.abs(a.score - b.score) <= TIE && a.params == b.params && a.macs == b.macs;
        return !same || Arrays.compare(a.chain, b.chain) <= 0;
    }
}
