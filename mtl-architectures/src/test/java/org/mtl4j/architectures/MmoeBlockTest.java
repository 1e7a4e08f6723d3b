package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.weighting.GradientMode;

/** MMoE: shapes, gates on the simplex, the mixture formula, gradients, counts, vector inputs, save/load, training. */
class MmoeBlockTest {

    private static final int E = 2;
    private static final Architecture ARCH = Architectures.mmoe(E, 8);

    private static MmoeBlock block(NDManager m) {
        return (MmoeBlock) Fixtures.create(ARCH, Encoders.resNet(4), m);
    }

    @Test
    void outputShapesAndExpertRepresentation() {
        try (NDManager m = NDManager.newBaseManager()) {
            MmoeBlock block = block(m);
            Fixtures.assertOutputShapes(block, m);
            assertTrue(block.hasSharedRepresentation());
            assertEquals(E, block.expertCount());
            NDList z = block.encode(new ParameterStore(m, false),
                    new NDList(m.zeros(Stages.batched(Fixtures.INPUT, 2))), false, null);
            assertEquals(List.of(new Shape(2, 8, 2, 2), new Shape(2, 8, 2, 2)), List.of(z.getShapes()));
        }
    }

    @Test
    void gatesAreOnTheSimplexAndMixTheExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            MmoeBlock block = block(m);
            ParameterStore ps = new ParameterStore(m, false);
            NDList x = new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2)));
            NDList experts = block.encode(ps, x, false, null);
            for (int k = 0; k < 3; k++) {
                NDArray g = block.gate(ps, x, k, false);
                assertEquals(new Shape(2, E), g.getShape());
                float[] gv = g.toFloatArray();
                for (int n = 0; n < 2; n++) {
                    double sum = 0;
                    for (int e = 0; e < E; e++) {
                        assertTrue(gv[n * E + e] > 0);
                        sum += gv[n * E + e];
                    }
                    assertEquals(1.0, sum, 1e-6);
                }
                float[] mixed = MmoeBlock.mix(block.stack(experts), g).toFloatArray();
                float[][] ev = {experts.get(0).toFloatArray(), experts.get(1).toFloatArray()};
                int perSample = ev[0].length / 2;
                for (int i = 0; i < mixed.length; i++) {
                    int n = i / perSample;
                    double expected = gv[n * E] * ev[0][i] + gv[n * E + 1] * ev[1][i];
                    assertEquals(expected, mixed[i], 1e-5);
                }
            }
        }
    }

    @Test
    void parameterCountMatchesTheClosedForm() {
        try (NDManager m = NDManager.newBaseManager()) {
            MmoeBlock block = block(m);
            long gateInputs = Fixtures.INPUT.size();
            long experts = E * Fixtures.resNetCount(3, 4);
            long expected = experts + 3 * (E * gateInputs + E) + Fixtures.headsCount(Fixtures.TASKS, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
            assertEquals(experts, block.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(3 * (E * gateInputs + E),
                    block.gateParameters().stream().mapToLong(p -> p.getArray().size()).sum());
        }
    }

    @Test
    void gradientsReachExpertsGatesAndHeads() {
        try (NDManager m = NDManager.newBaseManager()) {
            MmoeBlock block = block(m);
            Fixtures.Batch b = Fixtures.imageBatch(m);
            Map<Parameter, Double> norms = Fixtures.gradientNorms(block, m,
                    preds -> Fixtures.totalLoss(block, Fixtures.TASKS, preds, b), b.x());
            Fixtures.assertAllReceiveGradients(norms, Map.of("gates", block.gateParameters(),
                    "experts", block.sharedParameters()));
        }
    }

    @Test
    void vectorInputsWithMlpExperts() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImmutableList<Task> tasks = ImmutableList.of(Task.classification("a", 2), Task.regression("b", 3));
            MmoeBlock block = (MmoeBlock) Fixtures.create(Architectures.mmoe(4, 8), new Shape(10), tasks,
                    Encoders.mlp(16, 8), m);
            NDList out = block.forward(new ParameterStore(m, false), new NDList(m.ones(new Shape(2, 10))), false);
            assertEquals(List.of(new Shape(2, 2), new Shape(2, 3)), List.of(out.getShapes()));
            long expected = 4 * Fixtures.mlpCount(10, 16, 8) + 2 * (4 * 10 + 4) + Fixtures.headsCount(tasks, 8, 8);
            assertEquals(expected, Fixtures.trainableCount(block));
        }
    }

    @Test
    void saveLoadRoundTrip() throws Exception {
        Fixtures.assertSaveLoadRoundTrip(ARCH, Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
    }

    @Test
    void trainsInEveryGradientMode() {
        for (GradientMode mode : GradientMode.values()) {
            assertTrue(ARCH.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4)).supports(mode));
            Fixtures.assertTrainsThroughBuilder(ARCH, Encoders.resNet(4), mode);
        }
    }
}
