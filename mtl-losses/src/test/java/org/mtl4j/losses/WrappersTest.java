package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.EngineArrays;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.WeightingContext;

/** The EMA wrapper and per-group aggregation, on values worked by hand. */
class WrappersTest {

    private static final ImmutableList<String> AB = ImmutableList.of("a", "b");

    private static WeightingContext context(long step, ImmutableList<Integer> counts,
            ImmutableList<GradientSegment> segments) {
        return new WeightingContext(step, 0, AB, ImmutableList.of(), 5, GradientMode.PARAMETERS, counts,
                ImmutableList.of(), segments);
    }

    private static ImmutableList<GradientSegment> segments(long... sizes) {
        ImmutableList.Builder<GradientSegment> b = ImmutableList.builder();
        long offset = 0;
        for (int i = 0; i < sizes.length; i++) {
            b.add(new GradientSegment("p" + i, offset, sizes[i], new Shape(sizes[i])));
            offset += sizes[i];
        }
        return b.build();
    }

    private static NDArray matrix(NDManager m, float[][] g) {
        float[] flat = new float[g.length * g[0].length];
        for (int i = 0; i < g.length; i++) {
            System.arraycopy(g[i], 0, flat, i * g[0].length, g[0].length);
        }
        return EngineArrays.create(m, flat, new Shape(g.length, g[0].length));
    }

    @Test
    void emaAveragesTheWeightsAndKeepsAnAbsentTasksAverage() {
        EmaWeights ema = new EmaWeights((GradientBasedWeighting) Weightings.pcGrad(), 0.5);
        boolean[] both = {true, true};
        assertArrayEquals(new double[] {1, 3}, ema.update(new double[] {1, 3}, both), 0); // λ_0 = λ̂_0
        assertArrayEquals(new double[] {2, 2}, ema.update(new double[] {3, 1}, both), 1e-12); // ½(1,3) + ½(3,1)
        // b absent: weight 0 now, its average 2 stays; a: ½·2 + ½·5 = 3.5
        assertArrayEquals(new double[] {3.5, 0}, ema.update(new double[] {5, 0}, new boolean[] {true, false}), 1e-12);
        assertArrayEquals(new double[] {2.75, 1.5}, ema.update(new double[] {2, 1}, both), 1e-12);
        EmaWeights restored = new EmaWeights((GradientBasedWeighting) Weightings.pcGrad(), 0.5);
        restored.restoreState(ema.state());
        assertArrayEquals(ema.update(new double[] {1, 1}, both), restored.update(new double[] {1, 1}, both), 0);
    }

    @Test
    void emaOfConflictingGradientsThroughTheHook() {
        try (NDManager m = NDManager.newBaseManager()) {
            // g_a = (1, 0), g_b = (−1, 1): PCGrad's weights are (2, 1.5) (GradientFunctionsTest); with β = 0.5 the
            // first step applies them, and a second identical step keeps them
            NDArray g = matrix(m, new float[][] {{1, 0}, {-1, 1}});
            GradientBasedWeighting ema = (GradientBasedWeighting) Weightings.ema(Weightings.pcGrad(), 0.5);
            for (int step = 0; step < 2; step++) {
                CombinedGradient c = ema.combineGradients(g, new NDList(), new NDList(),
                        context(step, ImmutableList.of(), segments(2)));
                assertArrayEquals(new double[] {2, 1.5}, c.weights(), 1e-6);
                assertArrayEquals(new float[] {0.5f, 1.5f}, c.gradient().toFloatArray(), 1e-6f);
            }
            GradientBasedWeighting twice = (GradientBasedWeighting) Weightings.ema(Weightings.mgda(), 0.5);
            // MGDA on (1,0), (0,2): min-norm point α = (0.8, 0.2); opposite gradients (1,0), (−1,0): α = (½, ½)
            CombinedGradient first = twice.combineGradients(matrix(m, new float[][] {{1, 0}, {0, 2}}), new NDList(),
                    new NDList(), context(0, ImmutableList.of(), segments(2)));
            assertArrayEquals(new double[] {0.8, 0.2}, first.weights(), 1e-6);
            CombinedGradient second = twice.combineGradients(matrix(m, new float[][] {{1, 0}, {-1, 0}}),
                    new NDList(), new NDList(), context(1, ImmutableList.of(), segments(2)));
            assertArrayEquals(new double[] {0.65, 0.35}, second.weights(), 1e-6); // ½(0.8,0.2) + ½(½,½)
            assertArrayEquals(new float[] {0.3f, 0}, second.gradient().toFloatArray(), 1e-6f); // 0.65 − 0.35
        }
        assertThrows(IllegalArgumentException.class, () -> Weightings.ema(Weightings.gradDrop(), 0.5));
        assertThrows(IllegalArgumentException.class, () -> Weightings.ema(Weightings.uncertainty(), 0.5));
        IllegalArgumentException beta = assertThrows(IllegalArgumentException.class,
                () -> Weightings.ema(Weightings.pcGrad(), 1));
        assertTrue(beta.getMessage().contains("beta"), beta.getMessage());
    }

    @Test
    void groupsCutTheTensorsIntoConsecutiveRunsOfAboutEqualSize() {
        List<int[]> perTensor = GroupedWeighting.groups(segments(4, 4, 4), 0);
        assertEquals(3, perTensor.size());
        // sizes 1, 1, 6, 2 (10 columns) in 2 groups: the first reaches column 5 within tensor 2
        List<int[]> two = GroupedWeighting.groups(segments(1, 1, 6, 2), 2);
        assertArrayEquals(new int[] {0, 2}, two.get(0));
        assertArrayEquals(new int[] {3, 3}, two.get(1));
        // every group keeps at least one tensor even when the first is huge
        List<int[]> three = GroupedWeighting.groups(segments(100, 1, 1), 3);
        assertEquals(3, three.size());
        assertArrayEquals(new int[] {0, 0}, three.get(0));
        assertArrayEquals(new int[] {2, 2}, three.get(2));
    }

    @Test
    void pcgradPerGroupProjectsOnlyWhereTheConflictIs() {
        try (NDManager m = NDManager.newBaseManager()) {
            // tensor 0 (columns 0–1): a = (1, 0), b = (−1, 1) conflict; tensor 1 (column 2): a = 2, b = 3 agree
            NDArray g = matrix(m, new float[][] {{1, 0, 2}, {-1, 1, 3}});
            GradientBasedWeighting grouped = (GradientBasedWeighting) Weightings.perGroup(Weightings::pcGrad, 0);
            CombinedGradient c = grouped.combineGradients(g, new NDList(), new NDList(),
                    context(0, ImmutableList.of(), segments(2, 1)));
            // group 0: PCGrad gives (½, 3/2) with weights (2, 1.5); group 1: plain sum 5 with weights (1, 1)
            assertArrayEquals(new float[] {0.5f, 1.5f, 5f}, c.gradient().toFloatArray(), 1e-6f);
            // reported weights: column-weighted, (2·2 + 1·1)/3 and (1.5·2 + 1·1)/3
            assertArrayEquals(new double[] {5.0 / 3, 4.0 / 3}, c.weights(), 1e-9);
            // whole-model PCGrad sees g_a·g_b = −1 + 6 = 5 > 0, no conflict: the first layer's stays hidden
            CombinedGradient whole = ((GradientBasedWeighting) Weightings.pcGrad()).combineGradients(g,
                    new NDList(), new NDList(), context(0, ImmutableList.of(), segments(2, 1)));
            assertArrayEquals(new float[] {0f, 1f, 5f}, whole.gradient().toFloatArray(), 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> Weightings.perGroup(Weightings::imtl, 0));
        assertThrows(IllegalArgumentException.class, () -> Weightings.perGroup(Weightings::famo, 2));
    }

    @Test
    void wrappersParseFromTheCommandLine() {
        assertEquals("ema(pcgrad,0.9)", Weightings.byName("ema(pcgrad,0.9)", 2).name());
        assertEquals("groups(cagrad,3)", Weightings.byName("groups(cagrad:0.4,3)", 2).name());
        assertEquals("groups(ema(mgda,0.5))", Weightings.byName("groups(ema(mgda,0.5))", 2).name());
        for (String bad : List.of("ema(pcgrad)", "ema(pcgrad,x)", "groups(pcgrad,0)", "groups(uw)", "ema(,0.5)")) {
            assertThrows(IllegalArgumentException.class, () -> Weightings.byName(bad, 2), bad);
        }
    }
}
