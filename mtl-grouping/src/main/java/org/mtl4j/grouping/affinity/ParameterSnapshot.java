package org.mtl4j.grouping.affinity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;

/**
 * The values and gradients of every parameter of a network, copied into a manager before lookahead steps move the
 * shared parameters, and put back after each step ({@link #restore(List)}) and at the end ({@link #restoreAll()}), so
 * that the training step the measurement runs inside sees the network exactly as it was. Used by TAG's
 * {@link LookaheadAffinity} and the optimiser-aware {@link OptimizerLookahead}.
 */
final class ParameterSnapshot {

    private final List<Parameter> all = new ArrayList<>();
    private final List<NDArray> values = new ArrayList<>();
    private final List<NDArray> grads = new ArrayList<>();

    /**
     * Copies every parameter's value and gradient.
     *
     * @param network the network
     * @param m the manager the copies belong to
     */
    ParameterSnapshot(MultiTaskBlock network, NDManager m) {
        for (Pair<String, Parameter> p : network.getParameters()) {
            Parameter parameter = p.getValue();
            all.add(parameter);
            values.add(copy(parameter.getArray(), m));
            if (parameter.requiresGradient()) {
                try (NDArray g = parameter.getArray().getGradient()) {
                    grads.add(copy(g, m));
                }
            } else {
                grads.add(null);
            }
        }
    }

    /**
     * Puts back the values of some parameters (no gradients), after one lookahead step.
     *
     * @param parameters parameters of the network, such as its shared ones
     */
    void restore(List<Parameter> parameters) {
        for (Parameter p : parameters) {
            assign(p.getArray(), values.get(all.indexOf(p)));
        }
    }

    /** Puts back every value (outside autograd) and every gradient. */
    void restoreAll() {
        JniUtils.setGradMode(false);
        for (int p = 0; p < all.size(); p++) {
            assign(all.get(p).getArray(), values.get(p));
        }
        JniUtils.setGradMode(true);
        for (int p = 0; p < all.size(); p++) {
            if (grads.get(p) != null) {
                try (NDArray g = all.get(p).getArray().getGradient()) {
                    assign(g, grads.get(p));
                }
            }
        }
    }

    /**
     * Each task's loss on a batch.
     *
     * @param tasks the tasks
     * @param outputs the network's predictions
     * @param labels the task labels (and the presence mask after them)
     * @param presence the presence mask
     * @return one scalar loss per task
     */
    static NDList losses(List<Task> tasks, NDList outputs, NDList labels, NDArray presence) {
        NDList out = new NDList(tasks.size());
        for (int t = 0; t < tasks.size(); t++) {
            out.add(tasks.get(t).loss().compute(outputs.get(t), labels.get(t), presence.get(":, " + t)));
        }
        return out;
    }

    /**
     * Overwrites an array in place.
     *
     * @param target the array to overwrite
     * @param value its new value
     */
    static void assign(NDArray target, NDArray value) {
        target.set(new NDIndex("..."), value);
    }

    private static NDArray copy(NDArray a, NDManager m) {
        NDArray c = a.duplicate();
        c.attach(m);
        return c;
    }
}
