package org.mtl4j.core.engine;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;

/**
 * Checks that the engine computes float32 convolution gradients correctly on this machine: each case runs one
 * convolution forward and backward in float32 (twice) and in float64, and compares the input and weight gradients.
 *
 * <p>float64 convolutions never take oneDNN's kernels, so they are an independent reference for the float32 ones. A
 * case passes when both float32 gradients agree with float64 to {@value #TOLERANCE} of the reference's largest
 * absolute value, are finite, and are bit-identical between the two float32 runs.
 *
 * <p>Use it through {@code mtl check-natives} on a new machine or with other natives; {@link EngineNumerics} runs
 * {@link #quickPanel()} where it cannot switch oneDNN off.
 */
public final class ConvolutionGradientCheck {

    /** Largest accepted error, relative to the largest absolute reference gradient. */
    public static final double TOLERANCE = 1e-4;

    private ConvolutionGradientCheck() {}

    /**
     * One convolution to check: NCHW input {@code (batch, in, size, size)}, square kernel, padding {@code kernel/2}.
     *
     * @param in input channels
     * @param out output channels
     * @param kernel kernel size
     * @param stride stride
     * @param batch batch size
     * @param size input height and width
     */
    public record Case(int in, int out, int kernel, int stride, int batch, int size) {
        /** Validates the case. */
        public Case {
            checkArgument(in > 0 && out > 0 && kernel > 0 && stride > 0 && batch > 0 && size >= kernel,
                    "invalid convolution case in=%s out=%s kernel=%s stride=%s batch=%s size=%s", in, out, kernel,
                    stride, batch, size);
        }

        @Override
        public String toString() {
            return String.format("%dx%d conv %d->%d stride %d, batch %d, %dx%d", kernel, kernel, in, out, stride,
                    batch, size, size);
        }
    }

    /**
     * The outcome of one case.
     *
     * @param convolution the case
     * @param inputError relative error of the input gradient (NaN when it holds a non-finite value)
     * @param weightError relative error of the weight gradient (NaN when it holds a non-finite value)
     * @param repeatable whether two float32 runs gave bit-identical gradients
     */
    public record Result(Case convolution, double inputError, double weightError, boolean repeatable) {
        /** @return whether both errors are within {@link #TOLERANCE} and the runs agree */
        public boolean passed() {
            return inputError <= TOLERANCE && weightError <= TOLERANCE && repeatable;
        }

        @Override
        public String toString() {
            return String.format("%s: input gradient error %.1e, weight gradient error %.1e, %s -> %s", convolution,
                    inputError, weightError, repeatable ? "repeatable" : "differs between runs",
                    passed() ? "ok" : "WRONG");
        }
    }

    /**
     * All results of a run.
     *
     * @param results one per case, in order
     */
    public record Report(ImmutableList<Result> results) {
        /** @return whether every case passed */
        public boolean passed() {
            return results.stream().allMatch(Result::passed);
        }

        /** @return the failing results */
        public ImmutableList<Result> failures() {
            return results.stream().filter(r -> !r.passed()).collect(ImmutableList.toImmutableList());
        }

        /** @return the worst result, as text */
        public String worst() {
            return results.stream()
                    .max(Comparator.comparingDouble(r -> r.passed() ? Math.max(r.inputError(), r.weightError())
                            : Double.POSITIVE_INFINITY))
                    .map(Result::toString).orElse("no case");
        }
    }

    /** @return a few cases that failed on libtorch 2.7.1's oneDNN kernels (under a second in all) */
    public static ImmutableList<Case> quickPanel() {
        return ImmutableList.of(new Case(11, 11, 3, 1, 16, 16), new Case(22, 22, 3, 1, 2, 16),
                new Case(4, 4, 3, 1, 2, 16), new Case(16, 11, 3, 1, 16, 16), new Case(3, 11, 7, 2, 64, 16));
    }

    /**
     * Every channel count of the issue that found the fault, {1, 2, 3, 4, 8, 11, 16, 22, 24, 32}, as 3×3 and 1×1
     * convolutions at batch sizes {1, 2, 16, 64}, plus the encoders' stems (7×7 stride 2 and 3×3 from 1 and 3 input
     * channels) and stride-2 and channel-changing 3×3 convolutions.
     *
     * @return the cases
     */
    public static ImmutableList<Case> fullPanel() {
        List<Case> cases = new ArrayList<>();
        int[] channels = {1, 2, 3, 4, 8, 11, 16, 22, 24, 32};
        for (int c : channels) {
            for (int batch : new int[] {1, 2, 16, 64}) {
                cases.add(new Case(c, c, 3, 1, batch, batch == 64 ? 8 : 14));
            }
            cases.add(new Case(c, c, 1, 1, 16, 14));
            cases.add(new Case(1, c, 3, 1, 16, 28));
            cases.add(new Case(3, c, 7, 2, 16, 32));
            cases.add(new Case(c, 2 * c, 3, 2, 16, 14));
            cases.add(new Case(2 * c, c, 3, 1, 16, 8));
        }
        return ImmutableList.copyOf(cases);
    }

    /**
     * Runs the cases on the CPU.
     *
     * @param cases what to check
     * @return the report
     */
    public static Report run(List<Case> cases) {
        ImmutableList.Builder<Result> out = ImmutableList.builder();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            for (Case c : cases) {
                out.add(check(manager, c));
            }
        }
        return new Report(out.build());
    }

    private static Result check(NDManager manager, Case c) {
        try (NDManager m = manager.newSubManager()) {
            // fixed pseudo-random values from a Java generator: the check must not disturb the engine's seed
            java.util.Random random = new java.util.Random(31L * c.hashCode());
            int outSize = (c.size() + 2 * (c.kernel() / 2) - c.kernel()) / c.stride() + 1;
            NDArray x = gaussian(m, random, new Shape(c.batch(), c.in(), c.size(), c.size()), 1);
            NDArray w = gaussian(m, random, new Shape(c.out(), c.in(), c.kernel(), c.kernel()), 0.2);
            NDArray g = gaussian(m, random, new Shape(c.batch(), c.out(), outSize, outSize), 1);
            NDArray[] reference = gradients(m, c, x, w, g, DataType.FLOAT64);
            NDArray[] first = gradients(m, c, x, w, g, DataType.FLOAT32);
            NDArray[] second = gradients(m, c, x, w, g, DataType.FLOAT32);
            boolean repeatable = first[0].contentEquals(second[0]) && first[1].contentEquals(second[1]);
            return new Result(c, relativeError(first[0], reference[0]), relativeError(first[1], reference[1]),
                    repeatable);
        }
    }

    private static NDArray gaussian(NDManager m, java.util.Random random, Shape shape, double scale) {
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return EngineArrays.create(m, v, shape);
    }

    private static NDArray[] gradients(NDManager m, Case c, NDArray x, NDArray w, NDArray g, DataType type) {
        try (NDManager step = m.newSubManager()) {
            // duplicate(): a same-type toType may share the tensor, and its gradient would accumulate across runs
            NDArray xs = x.toType(type, true).duplicate();
            NDArray ws = w.toType(type, true).duplicate();
            NDArray gs = g.toType(type, true);
            xs.attach(step);
            ws.attach(step);
            gs.attach(step);
            xs.setRequiresGradient(true);
            ws.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = Conv2d.conv2d(xs, ws, null, new Shape(c.stride(), c.stride()),
                        new Shape(c.kernel() / 2, c.kernel() / 2), new Shape(1, 1), 1).singletonOrThrow();
                collector.backward(y.mul(gs).sum());
            }
            NDArray gx = xs.getGradient().toType(DataType.FLOAT64, false).duplicate();
            NDArray gw = ws.getGradient().toType(DataType.FLOAT64, false).duplicate();
            gx.attach(m);
            gw.attach(m);
            return new NDArray[] {gx, gw};
        }
    }

    private static double relativeError(NDArray actual, NDArray reference) {
        if (actual.isInfinite().logicalOr(actual.isNaN()).any().getBoolean()) {
            return Double.NaN;
        }
        double scale = reference.abs().max().getDouble();
        return actual.sub(reference).abs().max().getDouble() / Math.max(scale, 1e-12);
    }
}
