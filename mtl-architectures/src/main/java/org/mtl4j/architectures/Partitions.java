package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * All set partitions of {0 … K−1} as restricted growth strings ({@code labels[0] = 0},
 * {@code labels[i] ≤ 1 + max(labels[0..i−1])}), in lexicographic order, with their coarsenings.
 */
final class Partitions {

    private final int k;
    private final List<int[]> all = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<int[]> coarsenings = new ArrayList<>();

    Partitions(int k) {
        checkArgument(k >= 1, "at least one task");
        this.k = k;
        grow(new int[k], 0, -1);
        for (int p = 0; p < all.size(); p++) {
            index.put(Arrays.toString(all.get(p)), p);
        }
        List<List<int[]>> groupings = new ArrayList<>();
        for (int n = 0; n <= k; n++) {
            groupings.add(enumerate(n));
        }
        for (int[] p : all) {
            List<int[]> merges = groupings.get(blocks(p));
            int[] out = new int[merges.size()];
            for (int g = 0; g < out.length; g++) {
                int[] merged = new int[k];
                for (int i = 0; i < k; i++) {
                    merged[i] = merges.get(g)[p[i]];
                }
                out[g] = index.get(Arrays.toString(canonical(merged)));
            }
            coarsenings.add(out);
        }
    }

    private void grow(int[] labels, int i, int max) {
        if (i == labels.length) {
            all.add(labels.clone());
            return;
        }
        for (int l = 0; l <= max + 1; l++) {
            labels[i] = l;
            grow(labels, i + 1, Math.max(max, l));
        }
    }

    private static List<int[]> enumerate(int n) {
        List<int[]> out = new ArrayList<>();
        enumerate(new int[n], 0, -1, out);
        return out;
    }

    private static void enumerate(int[] labels, int i, int max, List<int[]> out) {
        if (i == labels.length) {
            out.add(labels.clone());
            return;
        }
        for (int l = 0; l <= max + 1; l++) {
            labels[i] = l;
            enumerate(labels, i + 1, Math.max(max, l), out);
        }
    }

    static int[] canonical(int[] labels) {
        int[] out = new int[labels.length];
        Map<Integer, Integer> renumber = new HashMap<>();
        for (int i = 0; i < labels.length; i++) {
            out[i] = renumber.computeIfAbsent(labels[i], x -> renumber.size());
        }
        return out;
    }

    private static int blocks(int[] labels) {
        int max = -1;
        for (int l : labels) {
            max = Math.max(max, l);
        }
        return max + 1;
    }

    int size() {
        return all.size();
    }

    int blocks(int p) {
        return blocks(all.get(p));
    }

    int[] labels(int p) {
        return all.get(p).clone();
    }

    /** @return the partitions that {@code p} refines (itself included) */
    int[] coarsenings(int p) {
        return coarsenings.get(p);
    }

    double score(int p, double[][] d) {
        int[] labels = all.get(p);
        int blocks = blocks(labels);
        double[] max = new double[blocks];
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                if (labels[a] == labels[b]) {
                    max[labels[a]] = Math.max(max[labels[a]], d[a][b]);
                }
            }
        }
        return Arrays.stream(max).sum() / blocks;
    }
}
