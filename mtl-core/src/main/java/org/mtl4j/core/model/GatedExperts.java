package org.mtl4j.core.model;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.primitives.ImmutableDoubleArray;

/**
 * A network whose tasks read a gated mixture of experts (MMoE, CGC, PLE, DSelect-k), and which reports how much each
 * gate used each expert: the first thing to look at when a mixture-of-experts model trains badly (a gate that
 * collapsed onto one expert, or tasks that never share).
 *
 * <p>Usage is accumulated on the host during training forward passes only (inference and evaluation passes do not
 * count), as the mean over the samples seen of each gate's weights: for a softmax gate every array sums to 1.
 */
public interface GatedExperts {

    /**
     * Returns, per gate, the mean weight it gave each expert over the training forward passes since the last call,
     * and starts a new count.
     *
     * <p>The keys are task names (the gate that feeds the task's head); networks with more gates document their
     * other keys (PLE: {@code task@level} for lower levels). Each array has one entry per {@link #expertNames()}
     * entry, in that order; an expert the gate cannot select has weight 0.
     *
     * @return the mean gate weights per gate, or an empty map when no training forward pass ran since the last call
     */
    ImmutableMap<String, ImmutableDoubleArray> drainGateUsage();

    /**
     * Returns the names of the experts, in the order of the arrays of {@link #drainGateUsage()}: {@code (shared)/e}
     * for the e-th expert shared by all tasks and {@code task/e} for the e-th expert of a task.
     *
     * @return the expert names
     */
    ImmutableList<String> expertNames();
}
