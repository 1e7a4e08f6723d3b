package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableDoubleArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The host-side tally behind {@link org.mtl4j.core.model.GatedExperts#drainGateUsage()}: per gate, the sum over the
 * samples of its expert weights and the number of samples. A forward pass {@link #add adds} its gates (each reduced
 * over the batch on the device, detached from the graph) and {@link #flush flushes} them with a single
 * {@code toFloatArray} of all the gates' sums together.
 */
final class GateUsage {

    /** The owner part of a shared expert's name; parentheses cannot occur in task names. */
    static final String SHARED = "(shared)";

    private final int experts;
    private final Map<String, double[]> sums = new LinkedHashMap<>();
    private final Map<String, Long> samples = new LinkedHashMap<>();
    private final List<String> pendingKeys = new ArrayList<>();
    private final List<int[]> pendingPositions = new ArrayList<>();
    private final List<Long> pendingBatches = new ArrayList<>();
    private final NDList pending = new NDList();

    /**
     * Creates an empty tally.
     *
     * @param experts the number of experts, the length of every usage array
     */
    GateUsage(int experts) {
        checkArgument(experts > 0, "a gate needs experts, got %s", experts);
        this.experts = experts;
    }

    /**
     * Adds one gate of the current forward pass.
     *
     * @param key the gate's key in the usage map
     * @param gate the gate's weights, {@code (N, e)}
     * @param positions for each of the gate's {@code e} columns, the expert index it weighs
     */
    void add(String key, NDArray gate, int[] positions) {
        checkArgument(gate.getShape().dimension() == 2 && gate.getShape().get(1) == positions.length,
                "gate %s has shape %s for %s experts", key, gate.getShape(), positions.length);
        NDArray summed;
        try (NDArray detached = gate.stopGradient()) {
            summed = detached.sum(new int[] {0});
        }
        pendingKeys.add(key);
        pendingPositions.add(positions);
        pendingBatches.add(gate.getShape().get(0));
        pending.add(summed);
    }

    /** Forgets the gates added since the last {@link #flush()} (the start of a forward pass calls it). */
    void discardPending() {
        pendingKeys.clear();
        pendingPositions.clear();
        pendingBatches.clear();
        pending.clear(); // the arrays belong to the forward pass's manager, which closes them
    }

    /** Reads the gates added since the last flush into the tally, with one device-to-host copy. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        float[] values;
        try (NDArray all = pending.size() == 1 ? pending.head().duplicate() : NDArrays.concat(pending)) {
            if (all.getDataType() == DataType.FLOAT32) {
                values = all.toFloatArray();
            } else {
                try (NDArray asFloat = all.toType(DataType.FLOAT32, true)) { // float64 networks
                    values = asFloat.toFloatArray();
                }
            }
        }
        for (NDArray a : pending) {
            a.close();
        }
        int offset = 0;
        for (int g = 0; g < pendingKeys.size(); g++) {
            double[] s = sums.computeIfAbsent(pendingKeys.get(g), k -> new double[experts]);
            int[] positions = pendingPositions.get(g);
            for (int i = 0; i < positions.length; i++) {
                s[positions[i]] += values[offset + i];
            }
            offset += positions.length;
            samples.merge(pendingKeys.get(g), pendingBatches.get(g), Long::sum);
        }
        discardPending();
    }

    /**
     * Returns the mean weights per gate since the last drain and resets the tally.
     *
     * @return per key, the mean weight of every expert; empty when nothing was added
     */
    ImmutableMap<String, ImmutableDoubleArray> drain() {
        ImmutableMap.Builder<String, ImmutableDoubleArray> out = ImmutableMap.builder();
        for (Map.Entry<String, double[]> e : sums.entrySet()) {
            double n = samples.get(e.getKey());
            double[] mean = new double[experts];
            for (int i = 0; i < experts; i++) {
                mean[i] = e.getValue()[i] / n;
            }
            out.put(e.getKey(), ImmutableDoubleArray.copyOf(mean));
        }
        sums.clear();
        samples.clear();
        return out.build();
    }

    /**
     * The names of the experts shared by all tasks.
     *
     * @param count how many
     * @return {@code (shared)/0 … (shared)/(count − 1)}
     */
    static ImmutableList<String> sharedNames(int count) {
        return names(SHARED, count);
    }

    /**
     * Names experts {@code owner/0 … owner/(count − 1)}.
     *
     * @param owner a task name, or {@link #SHARED}
     * @param count how many
     * @return the names
     */
    static ImmutableList<String> names(String owner, int count) {
        ImmutableList.Builder<String> out = ImmutableList.builder();
        for (int e = 0; e < count; e++) {
            out.add(owner + "/" + e);
        }
        return out.build();
    }

    /**
     * The positions {@code from, from + 1, …, from + count − 1}.
     *
     * @param from the first
     * @param count how many
     * @return the positions
     */
    static int[] range(int from, int count) {
        int[] out = new int[count];
        for (int i = 0; i < count; i++) {
            out[i] = from + i;
        }
        return out;
    }

    /**
     * Concatenates position arrays.
     *
     * @param parts the parts
     * @return their concatenation
     */
    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
