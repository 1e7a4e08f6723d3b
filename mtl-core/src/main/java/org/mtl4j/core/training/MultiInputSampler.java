package org.mtl4j.core.training;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The batches one task draws in one epoch of multi-input training: {@code steps} batches of {@code batchSize}
 * samples, read from an endless sequence of seeded permutations of the task's data set (a fresh permutation after
 * every pass). The position in that sequence is a function of the epoch alone, so a run resumed at an epoch boundary
 * draws exactly what the uninterrupted run drew.
 */
final class MultiInputSampler implements Sampler {

    private final long seed;
    private final long steps;
    private final int batchSize;
    private final long start;

    /**
     * @param seed the run seed
     * @param task the task's index (each task has its own permutations)
     * @param epoch the epoch
     * @param steps the steps of an epoch
     * @param batchSize the task's samples per step
     */
    MultiInputSampler(long seed, int task, int epoch, long steps, int batchSize) {
        this.seed = (seed * 0x9E3779B97F4A7C15L) ^ ((task + 1) * 0xC2B2AE3D27D4EB4FL);
        this.steps = steps;
        this.batchSize = batchSize;
        this.start = epoch * steps * batchSize;
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        long n = dataset.size();
        return new Iterator<>() {
            private long step;
            private long pass = -1;
            private long[] order;

            @Override
            public boolean hasNext() {
                return step < steps;
            }

            @Override
            public List<Long> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Long> batch = new ArrayList<>(batchSize);
                for (int j = 0; j < batchSize; j++) {
                    long c = start + step * batchSize + j;
                    if (c / n != pass) {
                        pass = c / n;
                        order = SeededSampler.permutation(n, seed + pass);
                    }
                    batch.add(order[(int) (c % n)]);
                }
                step++;
                return batch;
            }
        };
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }
}
