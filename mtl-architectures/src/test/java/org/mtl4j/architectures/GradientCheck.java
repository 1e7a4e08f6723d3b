package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;

/**
 * The float64 gradient check of {@link NetworkGradientCheckTest} and {@link ExpertArchitecturesTest}: a network's
 * float32 parameter gradients against a float64 run of the same network with the same values (float64 takes other
 * convolution kernels, so it is an independent reference), and two float32 runs bit-identical. The loss is a fixed
 * random linear function of all outputs, so that the check is about the network's gradients and nothing else.
 */
final class GradientCheck {

    private GradientCheck() {}

    /**
     * Checks an architecture on {@link TestData#tasks()} with a ResNet encoder.
     *
     * @param arch the architecture
     * @param width the encoder width
     * @param channels the input channels
     * @param size the input height and width
     * @param batch the batch size
     * @param tolerance the largest relative L2 error of a parameter's gradient
     */
    static void assertFloat32MatchesFloat64(Architecture arch, int width, int channels, int size, int batch,
            double tolerance) {
        Shape input = new Shape(channels, size, size);
        ImmutableList<Task> tasks = ImmutableList.copyOf(TestData.tasks());
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock single = build(arch, input, tasks, width, batch, DataType.FLOAT32, m);
            MultiTaskBlock twice = build(arch, input, tasks, width, batch, DataType.FLOAT32, m);
            MultiTaskBlock reference = build(arch, input, tasks, width, batch, DataType.FLOAT64, m);
            copyParameters(single, reference);
            Random random = new Random(width * 31L + batch);
            NDArray x = gaussian(m, random, new Shape(batch, channels, size, size));
            List<NDArray> g32 = gradients(single, x, m, DataType.FLOAT32);
            List<NDArray> again = gradients(twice, x, m, DataType.FLOAT32);
            List<NDArray> g64 = gradients(reference, x.toType(DataType.FLOAT64, true), m, DataType.FLOAT64);
            List<String> names = single.getParameters().stream().filter(p -> p.getValue().requiresGradient())
                    .map(Pair::getKey).toList();
            assertEquals(g64.size(), g32.size());
            double networkNorm = 0;
            for (NDArray g : g64) {
                networkNorm = Math.max(networkNorm, g.norm().getDouble());
            }
            double worst = 0;
            String worstName = "";
            for (int i = 0; i < g32.size(); i++) {
                assertTrue(g32.get(i).contentEquals(again.get(i)), names.get(i) + ": two runs differ");
                // relative L2 error; a parameter whose gradient is negligible in the network is measured against
                // the network's largest gradient, since float32 cancellation leaves it an absolute error only
                double norm = Math.max(g64.get(i).norm().getDouble(), 1e-4 * networkNorm);
                double error = g32.get(i).sub(g64.get(i)).norm().getDouble() / norm;
                if (!(error <= worst)) {
                    worst = error;
                    worstName = names.get(i);
                }
            }
            assertTrue(worst <= tolerance, String.format("%s: float32 gradient off by %.3g of its norm", worstName,
                    worst));
        }
    }

    private static MultiTaskBlock build(Architecture arch, Shape input, ImmutableList<Task> tasks, int width,
            int batch, DataType type, NDManager m) {
        Engine.getInstance().setRandomSeed(7);
        MultiTaskBlock block = arch.create(input, tasks, Encoders.resNet(width));
        block.initialize(m, type, Stages.batched(input, batch));
        return block;
    }

    /** Copies the float32 values into the float64 block, parameter by parameter (same design, same order). */
    private static void copyParameters(MultiTaskBlock from, MultiTaskBlock to) {
        List<Pair<String, Parameter>> a = from.getParameters().stream().toList();
        List<Pair<String, Parameter>> b = to.getParameters().stream().toList();
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getKey(), b.get(i).getKey());
            NDArray target = b.get(i).getValue().getArray();
            try (NDArray source = a.get(i).getValue().getArray().toType(DataType.FLOAT64, true)) {
                target.muli(0).addi(source); // in place, outside grad mode: the parameter keeps its tensor
            }
        }
    }

    /** Gradients of a fixed random linear function of every output, one array per trainable parameter. */
    private static List<NDArray> gradients(MultiTaskBlock block, NDArray x, NDManager m, DataType type) {
        List<NDArray> out = new ArrayList<>();
        try (NDManager sub = m.newSubManager()) {
            NDArray xs = x.duplicate();
            xs.attach(sub);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList preds = block.forward(new ParameterStore(sub, false), new NDList(xs), true);
                NDArray total = null;
                Random random = new Random(99);
                for (NDArray p : preds) {
                    NDArray r = gaussian(sub, random, p.getShape()).toType(type, false);
                    NDArray term = p.mul(r).sum();
                    total = total == null ? term : total.add(term);
                }
                gc.backward(total);
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    // duplicate(): a same-type toType shares the tensor, which zeroGrad below would clear
                    NDArray g = p.getValue().getArray().getGradient().toType(DataType.FLOAT64, false).duplicate();
                    g.attach(m);
                    out.add(g);
                    ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) p.getValue().getArray());
                }
            }
        }
        return out;
    }

    private static NDArray gaussian(NDManager m, Random random, Shape shape) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return m.create(v, shape);
    }
}
