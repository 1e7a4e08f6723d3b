package org.mtl4j.core.gradient;

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
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.RepresentationTap;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;

/** Per-task gradients in both modes against the gradient of each task's loss computed alone. */
class TaskGradientsTest {

    private NDManager manager;
    private TinyMultiTaskBlock block;
    private List<Task> tasks;
    private NDArray x;
    private NDList labels;
    private NDArray present;

    @BeforeEach
    void setUp() {
        Engine.getInstance().setRandomSeed(7);
        manager = NDManager.newBaseManager();
        tasks = TestData.tasks();
        block = new TinyMultiTaskBlock(tasks);
        block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 6, 6));
        var ds = TestData.dataset(2, 6, 3, 0);
        NDList xs = new NDList();
        labels = new NDList();
        for (int i = 0; i < 2; i++) {
            var r = ds.get(manager, i);
            xs.add(r.getData().head());
        }
        x = ai.djl.ndarray.NDArrays.stack(xs);
        for (int k = 0; k < 3; k++) {
            NDList per = new NDList();
            for (int i = 0; i < 2; i++) {
                per.add(ds.get(manager, i).getLabels().get(k));
            }
            labels.add(ai.djl.ndarray.NDArrays.stack(per));
        }
        present = manager.ones(new Shape(2));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDList losses(NDList preds) {
        NDList out = new NDList();
        for (int k = 0; k < tasks.size(); k++) {
            out.add(tasks.get(k).loss().compute(preds.get(k), labels.get(k), present));
        }
        return out;
    }

    /** The shared-parameter gradient of task k's loss alone, from its own forward and backward pass. */
    private float[] aloneGradient(int k, NDManager sub) {
        List<Parameter> shared = block.sharedParameters();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList preds = block.forward(new ParameterStore(sub, false), new NDList(x), true);
            gc.backward(losses(preds).get(k));
        }
        float[] g = TaskGradients.flattenGradients(shared, sub).toFloatArray();
        TaskGradients.zeroGradients(allParameters());
        return g;
    }

    private List<Parameter> allParameters() {
        return block.getParameters().values();
    }

    @Test
    void parameterModeMatchesEachTaskAlone() {
        try (NDManager sub = manager.newSubManager()) {
            float[][] alone = new float[3][];
            for (int k = 0; k < 3; k++) {
                alone[k] = aloneGradient(k, sub);
            }
            float[][] rows;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDList preds = block.forward(new ParameterStore(sub, false), new NDList(x), true);
                NDArray g = TaskGradients.ofSharedParameters(losses(preds), block.sharedParameters(), sub);
                assertEquals(3, g.getShape().get(0));
                rows = new float[3][];
                for (int k = 0; k < 3; k++) {
                    rows[k] = g.get(k).toFloatArray();
                }
            }
            for (int k = 0; k < 3; k++) {
                assertClose(alone[k], rows[k], "task " + k);
            }
            TaskGradients.zeroGradients(allParameters());
        }
    }

    @Test
    void representationModePushesEachTaskGradientThroughTheEncoder() {
        try (NDManager sub = manager.newSubManager()) {
            for (int k = 0; k < 3; k++) {
                float[] alone = aloneGradient(k, sub);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    RepresentationTap tap = new RepresentationTap();
                    block.tapRepresentationOnce(tap);
                    NDList preds = block.forward(new ParameterStore(sub, false), new NDList(x), true);
                    assertTrue(tap.captured());
                    NDArray g = TaskGradients.ofRepresentation(losses(preds), tap, sub);
                    assertEquals(8 * 2 * 6 * 6, g.getShape().get(1));
                    assertTrue(g.get(k).abs().sum().getFloat() > 0, "representation gradient must not be zero");
                    TaskGradients.zeroGradients(allParameters());
                    TaskGradients.backwardThroughEncoder(tap, g.get(k));
                }
                float[] viaRepresentation = TaskGradients.flattenGradients(block.sharedParameters(), sub).toFloatArray();
                assertClose(alone, viaRepresentation, "task " + k);
                TaskGradients.zeroGradients(allParameters());
            }
        }
    }

    @Test
    void setSharedGradientsWritesTheCombinedVectorBack() {
        try (NDManager sub = manager.newSubManager()) {
            List<Parameter> shared = block.sharedParameters();
            aloneGradient(0, sub); // gradients exist only after a backward pass
            long d = shared.stream().mapToLong(p -> p.getArray().size()).sum();
            NDArray v = sub.arange((float) d).div(1000f);
            TaskGradients.setSharedGradients(shared, v);
            assertClose(v.toFloatArray(), TaskGradients.flattenGradients(shared, sub).toFloatArray(), "write-back");
            TaskGradients.zeroGradients(allParameters());
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double maxAbs = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i] - actual[i]));
            norm += expected[i] * expected[i];
        }
        assertTrue(norm > 0, what + ": gradient is zero");
        assertTrue(maxAbs <= 1e-5, what + ": max |diff| " + maxAbs);
    }
}
