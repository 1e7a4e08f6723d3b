package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.model.Architecture;

/**
 * DSelect-k: the smooth-step function and the binary-coded selectors at hand values, the gate and the forward value
 * at hand-set logits, exact sparsity once the selectors saturate, the paper's initialisation ranges and the
 * selectors' penalty.
 */
class DSelectKBlockTest {

    /** Selector logits of one sample: selector 0 reads (0.25, −0.6), selector 1 reads (0, 0.1). */
    private static final float[] Z = {0.25f, -0.6f, 0f, 0.1f};
    /** S(Z) with γ = 1. */
    private static final double[] S = {0.84375, 0, 0.5, 0.648};

    private static DSelectKBlock block(NDManager m, Architecture arch) {
        return (DSelectKBlock) Fixtures.create(arch, Encoders.resNet(4), m);
    }

    @Test
    void smoothStepAtHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] t = {-0.6f, -0.5f, -0.25f, 0f, 0.1f, 0.25f, 0.5f, 2f};
            double[] expected = {0, 0, 0.15625, 0.5, 0.648, 0.84375, 1, 1};
            NDArray x = EngineArrays.create(m, t);
            x.setRequiresGradient(true);
            float[] s;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = DSelectKBlock.smoothStep(x, 1f);
                s = y.toFloatArray();
                gc.backward(y.sum());
            }
            for (int i = 0; i < t.length; i++) {
                assertEquals(expected[i], s[i], 1e-7, "S(" + t[i] + ")");
            }
            assertEquals(0f, s[0]);
            assertEquals(1f, s[6], "exactly 1 at γ/2");
            // S'(t) = −6t²/γ³ + 3/(2γ) inside, 0 outside
            float[] grad = x.getGradient().toFloatArray();
            double[] slope = {0, 0, 1.125, 1.5, 1.44, 1.125, 0, 0};
            for (int i = 0; i < t.length; i++) {
                assertEquals(slope[i], grad[i], 1e-6, "S'(" + t[i] + ")");
            }
            float[] wide = DSelectKBlock.smoothStep(EngineArrays.create(m, new float[] {-1f, 0.5f, 1f, 1.5f}), 2f)
                    .toFloatArray();
            assertEquals(0, wide[0], 0);
            assertEquals(0.84375, wide[1], 1e-7);
            assertEquals(1, wide[2], 0);
            assertEquals(1, wide[3], 0);
        }
    }

    @Test
    void binaryDigitsAreTheCeilingOfLogTwo() {
        int[] experts = {2, 3, 4, 5, 8, 9, 16};
        int[] digits = {1, 2, 2, 3, 3, 4, 4};
        for (int i = 0; i < experts.length; i++) {
            assertEquals(digits[i], DSelectKBlock.binaryDigits(experts[i]), "E = " + experts[i]);
        }
    }

    /** Expert e's code, most significant bit first: r_e = Π_j (c_j ? S_j : 1 − S_j). */
    @Test
    void selectorsAtHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = EngineArrays.create(m, Z, new Shape(1, 4));
            double s0 = S[0];
            double s1 = S[1];
            double s2 = S[2];
            double s3 = S[3];
            // four experts, codes 00, 01, 10, 11
            double[] four = {(1 - s0) * (1 - s1), (1 - s0) * s1, s0 * (1 - s1), s0 * s1,
                (1 - s2) * (1 - s3), (1 - s2) * s3, s2 * (1 - s3), s2 * s3};
            assertClose(four, DSelectKBlock.selectors(z, 2, 4, 1f), 1e-6);
            assertClose(new double[] {0.15625, 0, 0.84375, 0, 0.176, 0.324, 0.176, 0.324}, DSelectKBlock.selectors(z,
                    2, 4, 1f), 1e-6);
            // three experts: code 11 unused, so selector 1's weights sum to 0.676
            assertClose(new double[] {0.15625, 0, 0.84375, 0.176, 0.324, 0.176}, DSelectKBlock.selectors(z, 2, 3, 1f),
                    1e-6);
            // two experts, one digit each: four selectors
            assertClose(new double[] {1 - s0, s0, 1 - s1, s1, 1 - s2, s2, 1 - s3, s3}, DSelectKBlock.selectors(z, 4, 2,
                    1f), 1e-6);
            assertEquals(new Shape(1, 2, 3), DSelectKBlock.selectors(z, 2, 3, 1f).getShape());
        }
    }

    /**
     * Logits fixed to Z and to selector-weight logits (1, 0): the gate is softmax(1, 0) · (r_0, r_1) and the task's
     * features the hand-weighted sum of the four experts.
     */
    @Test
    void gateAndForwardValueAtHandSetLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock block = block(m, ExpertArchitectures.dselectK(4, 2, 1.0, 0, 8));
            for (int k = 0; k < 3; k++) {
                ExpertFixtures.fixGate(block.selectorLogitsBlock(k), Z);
                ExpertFixtures.fixGate(block.selectorWeightLogitsBlock(k), 1f, 0f);
            }
            double[] p = ExpertFixtures.softmax(1f, 0f);
            double[] r = {0.15625, 0, 0.84375, 0, 0.176, 0.324, 0.176, 0.324};
            double[] w = new double[4];
            for (int e = 0; e < 4; e++) {
                w[e] = p[0] * r[e] + p[1] * r[4 + e];
            }
            ParameterStore ps = new ParameterStore(m, false);
            NDList x = new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2)));
            NDList z = block.encode(ps, x, false, null);
            for (int k = 0; k < 3; k++) {
                float[] g = block.gate(ps, x, k, false).toFloatArray();
                for (int n = 0; n < 2; n++) {
                    for (int e = 0; e < 4; e++) {
                        assertEquals(w[e], g[n * 4 + e], 1e-6, "sample " + n + ", expert " + e);
                    }
                }
                double[] expected = ExpertFixtures.mix(w, z.get(0).toFloatArray(), z.get(1).toFloatArray(),
                        z.get(2).toFloatArray(), z.get(3).toFloatArray());
                float[] actual = block.taskFeatures(ps, z, x, k).toFloatArray();
                for (int i = 0; i < actual.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5, "task " + k + ", value " + i);
                }
            }
        }
    }

    /** Saturated selectors pick one expert each: exactly k non-zero weights, the others exactly 0. */
    @Test
    void saturatedSelectorsGiveExactZeros() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock block = block(m, ExpertArchitectures.dselectK(8, 2, 1.0, 0, 8));
            // selector 0: S = (1, 0, 1) → code 101 = expert 5; selector 1: S = (0, 1, 1) → code 011 = expert 3
            ExpertFixtures.fixGate(block.selectorLogitsBlock(0), 0.7f, -3f, 0.5f, -0.5f, 1f, 9f);
            ExpertFixtures.fixGate(block.selectorWeightLogitsBlock(0), 0f, 0f);
            float[] g = block.gate(new ParameterStore(m, false), new NDList(m.randomNormal(Stages.batched(
                    Fixtures.INPUT, 1))), 0, false).toFloatArray();
            assertEquals(8, g.length);
            for (int e = 0; e < 8; e++) {
                assertEquals(e == 5 || e == 3 ? 0.5f : 0f, g[e], 0f, "expert " + e);
            }
        }
    }

    /** As the paper's code: selector logits uniform in ±γ/100, selector-weight logits in ±0.05. */
    @Test
    void initialisationFollowsThePaper() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock block = block(m, ExpertArchitectures.dselectK(4, 2, 0.5, 0, 8));
            assertWithin(block.selectorLogitsBlock(1).getParameters().values(), 0.005);
            assertWithin(block.selectorWeightLogitsBlock(1).getParameters().values(), 0.05);
        }
    }

    private static void assertWithin(List<Parameter> params, double bound) {
        double max = 0;
        for (Parameter p : params) {
            for (float v : p.getArray().toFloatArray()) {
                assertTrue(Math.abs(v) <= bound, p.getName() + ": " + v);
                max = Math.max(max, Math.abs(v));
            }
        }
        assertTrue(max > 0.5 * bound, "not spread over ±" + bound + ": max " + max);
    }

    /** λ Σ −r log(r + 10⁻⁶) per gate, summed over samples, selectors and tasks. */
    @Test
    void entropyPenaltyAtHandValues() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock block = block(m, ExpertArchitectures.dselectK(4, 2, 1.0, 0.5, 8));
            for (int k = 0; k < 3; k++) {
                ExpertFixtures.fixGate(block.selectorLogitsBlock(k), Z);
            }
            ParameterStore ps = new ParameterStore(m, false);
            assertFalse(block.regularization(ps, true).isPresent(), "no training pass yet");
            block.forward(ps, new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), true);
            assertFalse(block.regularization(ps, false).isPresent(), "not outside training");
            double entropy = 0;
            for (double r : new double[] {0.15625, 0, 0.84375, 0, 0.176, 0.324, 0.176, 0.324}) {
                entropy -= r * Math.log(r + 1e-6);
            }
            double expected = 0.5 * entropy * 2 * 3; // 2 samples, 3 tasks
            block.forward(ps, new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), true);
            Optional<NDArray> reg = block.regularization(ps, true);
            assertEquals(expected, reg.orElseThrow().getFloat(), 1e-5 * expected);
            assertFalse(block.regularization(ps, true).isPresent(), "one penalty per training pass");
        }
    }

    /** With E not a power of two, Σ 1/Σ_e r_e keeps the selectors on the reachable codes; without entropy, no term. */
    @Test
    void unreachableCodePenaltyOnlyWhenExpertsAreNotAPowerOfTwo() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock three = block(m, ExpertArchitectures.dselectK(3, 2, 1.0, 0, 8));
            for (int k = 0; k < 3; k++) {
                ExpertFixtures.fixGate(three.selectorLogitsBlock(k), Z);
            }
            ParameterStore ps = new ParameterStore(m, false);
            three.forward(ps, new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), true);
            double expected = (1 / 1.0 + 1 / 0.676) * 2 * 3;
            assertEquals(expected, three.regularization(ps, true).orElseThrow().getFloat(), 1e-5 * expected);

            DSelectKBlock four = block(m, ExpertArchitectures.dselectK(4, 2, 1.0, 0, 8));
            four.forward(ps, new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), true);
            assertFalse(four.regularization(ps, true).isPresent());
        }
    }

    /** The penalty's gradient reaches the selector logits only, and its graph is its own (built after the forward). */
    @Test
    void penaltyGradientReachesOnlyTheSelectorLogits() {
        try (NDManager m = NDManager.newBaseManager()) {
            DSelectKBlock block = block(m, ExpertArchitectures.dselectK(3, 2, 1.0, 1e-2, 8));
            List<Parameter> selectors = new java.util.ArrayList<>();
            for (int k = 0; k < 3; k++) {
                selectors.addAll(block.selectorLogitsBlock(k).getParameters().values());
            }
            try (NDManager sub = m.newSubManager()) {
                ParameterStore ps = new ParameterStore(sub, false);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDList preds = block.forward(ps, new NDList(sub.randomNormal(Stages.batched(Fixtures.INPUT, 2))),
                            true);
                    // free the forward graph first, as the last per-task backward of the gradient modes does
                    gc.backward(preds.get(0).sum());
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        if (p.getValue().requiresGradient()) {
                            ai.djl.pytorch.jni.JniUtils.zeroGrad(
                                    (ai.djl.pytorch.engine.PtNDArray) p.getValue().getArray());
                        }
                    }
                    gc.backward(block.regularization(ps, true).orElseThrow());
                }
                for (Pair<String, Parameter> p : block.getParameters()) {
                    if (!p.getValue().requiresGradient()) {
                        continue;
                    }
                    float norm = p.getValue().getArray().getGradient().abs().sum().getFloat();
                    boolean selector = selectors.contains(p.getValue());
                    assertTrue(Float.isFinite(norm), p.getKey());
                    assertEquals(selector, norm > 0, p.getKey() + ": " + norm);
                }
            }
        }
    }

    private static void assertClose(double[] expected, NDArray actual, double tolerance) {
        float[] a = actual.toFloatArray();
        assertEquals(expected.length, a.length);
        for (int i = 0; i < a.length; i++) {
            assertEquals(expected[i], a[i], tolerance, "value " + i);
        }
    }
}
