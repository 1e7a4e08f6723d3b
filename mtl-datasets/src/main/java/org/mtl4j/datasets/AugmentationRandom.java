package org.mtl4j.datasets;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * Random numbers for data augmentation that are a pure function of (seed, sample index, visit number): the
 * {@code v}-th visit of sample {@code i} always draws the same numbers, whatever order or thread the samples are
 * read in, so augmented training is reproducible.
 */
final class AugmentationRandom {

    private final long seed;
    private final AtomicIntegerArray visits;

    AugmentationRandom(long seed, int samples) {
        this.seed = seed;
        this.visits = new AtomicIntegerArray(Math.max(1, samples));
    }

    /**
     * Returns the generator of the next visit of a sample.
     *
     * @param index the sample
     * @return a generator seeded from (seed, index, visit)
     */
    SplittableRandom next(int index) {
        int visit = visits.getAndIncrement(index);
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 0xBF58476D1CE4E5B9L
                + visit * 0x94D049BB133111EBL);
    }
}
