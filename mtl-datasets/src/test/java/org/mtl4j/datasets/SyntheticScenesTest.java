package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Record;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.datasets.synthetic.SceneRenderer;
import org.mtl4j.datasets.synthetic.SceneSample;

/** The synthetic scenes as a multi-task data set. */
class SyntheticScenesTest {

    @Test
    void parsesLettersAndNamesTheCulprit() {
        assertEquals(List.of("s", "d", "n", "k", "e"), SyntheticScenes.parseLetters("s, d,n,k,e"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SyntheticScenes.parseLetters("s,x"));
        assertTrue(unknown.getMessage().contains("'x'"), unknown.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> SyntheticScenes.parseLetters("s,d,s"));
        assertTrue(twice.getMessage().contains("'s' is listed twice"), twice.getMessage());
    }

    @Test
    void recordsCarryTheRendererLabelsInTaskOrder() throws Exception {
        List<String> letters = SyntheticScenes.parseLetters("s,d,n,c");
        InMemoryMultiTaskDataset ds = SyntheticScenes.render(letters, 16, 7, 100, 3, 2);
        assertEquals(3, ds.size());
        SceneSample direct = new SceneRenderer(16, 16).render(7, 101);
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = ds.get(m, 1);
            assertEquals(new Shape(3, 16, 16), r.getData().head().getShape());
            assertArrayEquals(direct.rgb(), r.getData().head().toFloatArray());
            assertEquals(5, r.getLabels().size());
            assertEquals(new Shape(16, 16), r.getLabels().get(0).getShape());
            assertEquals(new Shape(1, 16, 16), r.getLabels().get(1).getShape());
            assertEquals(new Shape(3, 16, 16), r.getLabels().get(2).getShape());
            assertEquals(new Shape(2, 16, 16), r.getLabels().get(3).getShape());
            assertArrayEquals(direct.depth(), r.getLabels().get(1).toFloatArray());
            float[] s = r.getLabels().get(0).toFloatArray();
            for (int i = 0; i < s.length; i++) {
                assertEquals(direct.semantic()[i], (int) s[i]);
            }
            assertArrayEquals(new float[] {1, 1, 1, 1}, r.getLabels().get(4).toFloatArray());
        }
    }
}
