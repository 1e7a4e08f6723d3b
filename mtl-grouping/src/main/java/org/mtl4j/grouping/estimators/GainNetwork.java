package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.mtl4j.core.data.EngineArrays;

/**
 * MTG-Net's meta-learner (Song et al., NeurIPS 2022): a transformer over learned task embeddings whose attention is
 * restricted to the members of a task subset, and whose output at each member is that task's predicted gain in the
 * subset. Holds the parameters as plain float arrays, so that training ({@link GainPredictor}) can keep exact
 * snapshots and update them outside autograd, and builds the forward pass on engine arrays for one batch of masks.
 *
 * <p>For a batch of membership masks {@code m ∈ {0,1}^{N×K}}, with {@code x⁰ = E} (the {@code K×h} embeddings) for
 * every row, each of the {@code L} layers computes (single head, as the reference code's {@code num_heads=1})
 * <pre>
 *   A = softmax_j( (x W_q + b_q)(x W_k + b_k)ᵀ · h^{-1/2} / 0.2 + M ),  M_ij = 0 if i, j ∈ S else −10⁹
 *   y = LN₁( x + (A (x W_v + b_v)) W_o + b_o )
 *   x = LN₂( y + relu(y W₁ + b₁) W₂ + b₂ )
 * </pre>
 * and the gain of task {@code t} is {@code x_t w + b}. {@code LN} is layer normalisation over the {@code h} features
 * with learned scale and shift (ε = 1e-5). The temperature 0.2 and the scale are the reference's.
 */
final class GainNetwork {

    static final float TEMPERATURE = 0.2f;
    static final float MASKED = -1e9f;
    static final float LN_EPS = 1e-5f;
    /** Tensors per layer: W_q b_q W_k b_k W_v b_v W_o b_o g₁ β₁ W₁ b₁ W₂ b₂ g₂ β₂. */
    static final int PER_LAYER = 16;

    final int tasks;
    final int hidden;
    final int layers;
    /** The parameter values; index 0 the embeddings, then {@link #PER_LAYER} per layer, then the output w, b. */
    final float[][] values;
    final Shape[] shapes;

    GainNetwork(int tasks, int hidden, int layers, float[][] values) {
        checkArgument(tasks >= 1 && hidden >= 1 && layers >= 1, "tasks, hidden and layers must be positive, got "
                + "%s, %s, %s", tasks, hidden, layers);
        this.tasks = tasks;
        this.hidden = hidden;
        this.layers = layers;
        this.shapes = shapes(tasks, hidden, layers);
        checkArgument(values.length == shapes.length, "expected %s parameter tensors, got %s", shapes.length,
                values.length);
        for (int i = 0; i < values.length; i++) {
            checkArgument(values[i].length == shapes[i].size(), "parameter %s: expected %s values, got %s", i,
                    shapes[i].size(), values[i].length);
        }
        this.values = values;
    }

    /**
     * PyTorch's default initialisation: embeddings N(0, 1), linear weights and biases U(±1/√fan_in), layer norms
     * scale 1 and shift 0.
     */
    static GainNetwork initial(int tasks, int hidden, int layers, long seed) {
        Shape[] shapes = shapes(tasks, hidden, layers);
        Random r = new Random(seed);
        float[][] v = new float[shapes.length][];
        for (int i = 0; i < shapes.length; i++) {
            v[i] = new float[(int) shapes[i].size()];
            int inLayer = i == 0 || i > layers * PER_LAYER ? -1 : (i - 1) % PER_LAYER;
            if (i == 0) {
                for (int j = 0; j < v[i].length; j++) {
                    v[i][j] = (float) r.nextGaussian();
                }
            } else if (inLayer == 8 || inLayer == 14) {
                Arrays.fill(v[i], 1f);
            } else if (inLayer != 9 && inLayer != 15) {
                double bound = 1 / Math.sqrt(hidden);
                for (int j = 0; j < v[i].length; j++) {
                    v[i][j] = (float) ((2 * r.nextDouble() - 1) * bound);
                }
            }
        }
        return new GainNetwork(tasks, hidden, layers, v);
    }

    static Shape[] shapes(int tasks, int hidden, int layers) {
        List<Shape> s = new ArrayList<>();
        s.add(new Shape(tasks, hidden));
        for (int l = 0; l < layers; l++) {
            for (int k = 0; k < 4; k++) {
                s.add(new Shape(hidden, hidden));
                s.add(new Shape(hidden));
            }
            s.add(new Shape(hidden));
            s.add(new Shape(hidden));
            for (int k = 0; k < 2; k++) {
                s.add(new Shape(hidden, hidden));
                s.add(new Shape(hidden));
            }
            s.add(new Shape(hidden));
            s.add(new Shape(hidden));
        }
        s.add(new Shape(hidden, 1));
        s.add(new Shape(1));
        return s.toArray(Shape[]::new);
    }

    GainNetwork copy() {
        float[][] v = new float[values.length][];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i].clone();
        }
        return new GainNetwork(tasks, hidden, layers, v);
    }

    /**
     * The parameters as engine arrays of {@code manager}.
     *
     * @param manager the owner
     * @param gradients whether each array collects a gradient
     */
    List<NDArray> arrays(NDManager manager, boolean gradients) {
        List<NDArray> out = new ArrayList<>(values.length);
        for (int i = 0; i < values.length; i++) {
            NDArray a = EngineArrays.create(manager, values[i], shapes[i]);
            if (gradients) {
                a.setRequiresGradient(true);
            }
            out.add(a);
        }
        return out;
    }

    /**
     * The predicted gains {@code [N, K]} for masks {@code [N, K]} (1 for a member); non-members are set to 0.
     *
     * @param p the parameters from {@link #arrays}
     * @param masks the membership masks
     */
    NDArray forward(List<NDArray> p, NDArray masks) {
        NDManager m = masks.getManager();
        long n = masks.getShape().get(0);
        NDArray x = p.get(0).broadcast(new Shape(n, tasks, hidden));
        NDArray pair = masks.expandDims(2).mul(masks.expandDims(1));
        // 0 where both are members, −1e9 elsewhere: a constant of the data
        NDArray bias = pair.sub(EngineArrays.scalar(m, 1f)).mul(EngineArrays.scalar(m, -MASKED));
        NDArray scale = EngineArrays.scalar(m, (float) (1 / Math.sqrt(hidden) / TEMPERATURE));
        for (int l = 0; l < layers; l++) {
            int o = 1 + l * PER_LAYER;
            NDArray q = linear(x, p, o);
            NDArray k = linear(x, p, o + 2);
            NDArray v = linear(x, p, o + 4);
            NDArray att = q.matMul(k.transpose(0, 2, 1)).mul(scale).add(bias).softmax(2);
            NDArray y = layerNorm(x.add(linear(att.matMul(v), p, o + 6)), p, o + 8, m);
            NDArray f = linear(Activation.relu(linear(y, p, o + 10)), p, o + 12);
            x = layerNorm(y.add(f), p, o + 14, m);
        }
        int last = 1 + layers * PER_LAYER;
        return linear(x, p, last).squeeze(2).mul(masks);
    }

    private static NDArray linear(NDArray x, List<NDArray> p, int at) {
        return x.matMul(p.get(at)).add(p.get(at + 1));
    }

    private static NDArray layerNorm(NDArray x, List<NDArray> p, int at, NDManager m) {
        NDArray centred = x.sub(x.mean(new int[] {2}, true));
        NDArray sd = centred.square().mean(new int[] {2}, true).add(EngineArrays.scalar(m, LN_EPS)).sqrt();
        return centred.div(sd).mul(p.get(at)).add(p.get(at + 1));
    }
}
