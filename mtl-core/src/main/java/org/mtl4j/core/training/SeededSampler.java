package org.mtl4j.core.training;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * A shuffling sampler whose order is a pure function of (seed, epoch): DJL's own {@code RandomSampler} draws from a
 * global random source, which would make runs unrepeatable.
 */
public final class SeededSampler implements Sampler.SubSampler {

    private final long seed;
    private final int epoch;

    /**
     * Creates the sampler.
     *
     * @param seed the run seed
     * @param epoch the epoch, which selects the permutation
     */
    public SeededSampler(long seed, int epoch) {
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public Iterator<Long> sample(RandomAccessDataset dataset) {
        return Arrays.stream(permutation(dataset.size(), seed * 0x9E3779B97F4A7C15L + epoch)).iterator();
    }

    /**
     * A Fisher–Yates permutation of {@code 0 … n−1}.
     *
     * @param n the length
     * @param randomSeed the seed of the {@link SplittableRandom} that draws it
     * @return the permutation
     */
    static long[] permutation(long n, long randomSeed) {
        long[] order = new long[Math.toIntExact(n)];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(randomSeed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
