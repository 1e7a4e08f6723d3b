package org.mtl4j.architectures;

import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * The search state of a {@link LearningToBranchBlock}, apart from its parameters: the seed, the counters of training
 * forwards and epoch boundaries, the temperature schedule, the Gumbel draws and the parents they select, the fixed
 * tree, and their saved form (the block's class description gives the rules). Plain numbers: the logits come in as
 * {@code double[]} in their {@code (S, K, K)} layout.
 */
final class BranchingSchedule {

    private final int stages;
    private final int k;
    private final double tau;
    private final int searchEpochs;

    private long seed;
    private long forwards;
    private int epochs;
    private long epochLength;
    private boolean observed;
    private Integer engineSeed;
    private int[][] fixed;
    private long fixedAt = -1;
    private int[][] lastSampled;

    /**
     * A schedule before the first forward.
     *
     * @param stages the decisions S (encoder stages)
     * @param k the nodes per stage and the children per decision K
     * @param tau the initial temperature
     * @param searchEpochs the epochs of the search, 0 to never fix the tree
     * @param seed the seed of the Gumbel draws
     */
    BranchingSchedule(int stages, int k, double tau, int searchEpochs, long seed) {
        this.stages = stages;
        this.k = k;
        this.tau = tau;
        this.searchEpochs = searchEpochs;
        this.seed = seed;
    }

    int searchEpochs() {
        return searchEpochs;
    }

    long forwards() {
        return forwards;
    }

    int epochs() {
        return epochs;
    }

    long fixedAt() {
        return fixedAt;
    }

    /** @return the fixed tree (not a copy), or null while searching */
    int[][] fixed() {
        return fixed;
    }

    /** @return the parents the last searching forward drew (not a copy), or null */
    int[][] lastSampled() {
        return lastSampled;
    }

    /** @return the temperature of the next searching forward */
    double temperature() {
        return temperature(forwards);
    }

    /**
     * @param forward the index of a training forward
     * @return {@code τ_0/√(1 + t/L)}, or {@code τ_0} before the epoch length {@code L} is known
     */
    double temperature(long forward) {
        return epochLength > 0 ? tau / Math.sqrt(1 + (double) forward / epochLength) : tau;
    }

    /**
     * Fixes the tree to the argmax parents of the logits, unless it is fixed already.
     *
     * @param theta the current logits
     */
    void fix(Supplier<double[]> theta) {
        if (fixed == null) {
            fixed = argmax(theta.get(), null);
            fixedAt = forwards;
        }
    }

    /**
     * Counts a training forward and returns its index; notes epoch boundaries and ends the search when due.
     *
     * @param theta the current logits, read only when the search ends here
     * @return the index of the forward
     */
    long observeTrainingForward(Supplier<double[]> theta) {
        Integer now = Engine.getInstance().getSeed();
        if (observed && !Objects.equals(now, engineSeed)) {
            epochs++;
            if (epochLength == 0) {
                epochLength = forwards;
            }
        }
        observed = true;
        engineSeed = now;
        if (fixed == null && searchEpochs > 0 && epochs >= searchEpochs) {
            fix(theta);
        }
        return forwards++;
    }

    /**
     * Per decision and child: the parent of the largest {@code θ + g}, ties to the child's own index.
     *
     * @param theta the logits
     * @param noise the Gumbel noise, or null for the argmax of the logits
     * @return {@code parents[d][k]}
     */
    int[][] argmax(double[] theta, double[] noise) {
        int[][] out = new int[stages][k];
        for (int d = 0; d < stages; d++) {
            for (int c = 0; c < k; c++) {
                int base = (d * k + c) * k;
                int best = c;
                double top = theta[base + c] + (noise == null ? 0 : noise[base + c]);
                for (int i = 0; i < k; i++) {
                    double v = theta[base + i] + (noise == null ? 0 : noise[base + i]);
                    if (v > top) {
                        top = v;
                        best = i;
                    }
                }
                out[d][c] = best;
            }
        }
        return out;
    }

    /**
     * Draws the parents of a searching forward and remembers them as the last sampled.
     *
     * @param theta the logits
     * @param noise the forward's Gumbel noise
     * @return {@code parents[d][k]}
     */
    int[][] sample(double[] theta, double[] noise) {
        lastSampled = argmax(theta, noise);
        return lastSampled;
    }

    /**
     * The Gumbel noise of a training forward, {@code g = −log(−log u)} with {@code u ∈ (0, 1)} from a
     * {@link SplittableRandom} seeded by the block's seed and the forward's index.
     *
     * @param forward the index of the training forward
     * @return {@code S·K·K} values in the layout of the logits
     */
    double[] gumbel(long forward) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + forward * 0xC2B2AE3D27D4EB4FL);
        double[] g = new double[stages * k * k];
        for (int i = 0; i < g.length; i++) {
            double u = ((random.nextLong() >>> 11) + 0.5) * 0x1.0p-53;
            g[i] = -Math.log(-Math.log(u));
        }
        return g;
    }

    /** Writes the seed, the counters and the fixed tree. */
    void save(DataOutputStream os) throws IOException {
        os.writeLong(seed);
        os.writeLong(forwards);
        os.writeInt(epochs);
        os.writeLong(epochLength);
        os.writeBoolean(observed);
        os.writeBoolean(engineSeed != null);
        os.writeInt(engineSeed == null ? 0 : engineSeed);
        os.writeLong(fixedAt);
        os.writeBoolean(fixed != null);
        if (fixed != null) {
            for (int[] row : fixed) {
                for (int p : row) {
                    os.writeInt(p);
                }
            }
        }
    }

    /** Reads what {@link #save} wrote; forgets the last sampled parents. */
    void load(DataInputStream is) throws IOException, MalformedModelException {
        seed = is.readLong();
        forwards = is.readLong();
        epochs = is.readInt();
        epochLength = is.readLong();
        observed = is.readBoolean();
        boolean hasSeed = is.readBoolean();
        int engine = is.readInt();
        engineSeed = hasSeed ? engine : null;
        fixedAt = is.readLong();
        if (is.readBoolean()) {
            int[][] tree = new int[stages][k];
            for (int[] row : tree) {
                for (int c = 0; c < k; c++) {
                    row[c] = is.readInt();
                    if (row[c] < 0 || row[c] >= k) {
                        throw new MalformedModelException("LTB tree names parent " + row[c] + " of " + k);
                    }
                }
            }
            fixed = tree;
        } else {
            fixed = null;
        }
        lastSampled = null;
    }
}
