package org.mtl4j.architectures;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Random;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;

/** Fixtures of the mixture-of-experts tests: the architectures at small sizes, vector data, parameter surgery. */
final class ExpertFixtures {

    /** Two vector tasks. */
    static final ImmutableList<Task> VECTOR_TASKS = ImmutableList.of(Task.classification("c", 3),
            Task.regression("r", 2));
    /** Vector input features. */
    static final int FEATURES = 7;

    private ExpertFixtures() {}

    /** MMoE, CGC, PLE and DSelect-k at small sizes, by name. */
    static List<Architecture> all() {
        return List.of(Architectures.mmoe(2, 8), ExpertArchitectures.cgc(1, 1, 8), ExpertArchitectures.ple(1, 1, 8),
                ExpertArchitectures.dselectK(3, 2, 1.0, 1e-6, 8));
    }

    /** A regression-and-classification data set on vectors of {@link #FEATURES} features. */
    static InMemoryMultiTaskDataset vectors(int n, long seed) {
        Random r = new Random(seed);
        InMemoryMultiTaskDataset.Builder b = InMemoryMultiTaskDataset.builder(new Shape(FEATURES),
                List.of(new Shape(), new Shape(2)));
        for (int i = 0; i < n; i++) {
            float[] x = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                x[j] = (float) r.nextGaussian();
            }
            b.add(x, new float[] {x[0] > 0 ? 1 : x[1] > 0 ? 2 : 0}, new float[] {x[2], x[3] - x[4]});
        }
        return b.build();
    }

    /**
     * Overwrites a gate {@code flatten → Linear}: every weight 0 and the bias {@code bias}, so that the gate's logits
     * are {@code bias} whatever the input.
     */
    static void fixGate(Block gate, float... bias) {
        for (Pair<String, Parameter> p : gate.getParameters()) {
            NDArray a = p.getValue().getArray();
            if (p.getValue().getType() == Parameter.Type.BIAS) {
                overwrite(a, bias);
            } else {
                overwrite(a, new float[Math.toIntExact(a.size())]);
            }
        }
    }

    /** Overwrites an initialised parameter array in place (outside autograd). */
    static void overwrite(NDArray target, float[] values) {
        try (NDArray v = EngineArrays.create(target.getManager(), values, target.getShape())) {
            target.muli(0).addi(v.toType(target.getDataType(), false));
        }
    }

    /** {@code softmax(logits)} in double precision. */
    static double[] softmax(float... logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < logits.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    /** {@code Σ_e w_e · experts_e}, element-wise, in double precision. */
    static double[] mix(double[] weights, float[]... experts) {
        double[] out = new double[experts[0].length];
        for (int e = 0; e < experts.length; e++) {
            for (int i = 0; i < out.length; i++) {
                out[i] += weights[e] * experts[e][i];
            }
        }
        return out;
    }
}
