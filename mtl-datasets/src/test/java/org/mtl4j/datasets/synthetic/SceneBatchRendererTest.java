package org.mtl4j.datasets.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Determinism of {@link SceneRenderer} and {@link SceneBatchRenderer}. */
class SceneBatchRendererTest {

  private final SceneRenderer renderer = new SceneRenderer(40, 40);

  static void assertSameSample(SceneSample a, SceneSample b) {
    assertEquals(a.scene(), b.scene());
    assertArrayEquals(a.rgb(), b.rgb());
    assertArrayEquals(a.semantic(), b.semantic());
    assertArrayEquals(a.depth(), b.depth());
    assertArrayEquals(a.normals(), b.normals());
    assertArrayEquals(a.keypoints(), b.keypoints());
    assertArrayEquals(a.textureEdges(), b.textureEdges());
    assertArrayEquals(a.occlusionEdges(), b.occlusionEdges());
    assertArrayEquals(a.reshading(), b.reshading());
    assertArrayEquals(a.curvature(), b.curvature());
  }

  @Test
  void sameSeedAndIndexGiveIdenticalSamples() {
    assertSameSample(renderer.render(42, 7), renderer.render(42, 7));
    assertSameSample(renderer.render(42, 7), new SceneRenderer(40, 40).render(42, 7));
  }

  @Test
  void differentIndexOrSeedGivesDifferentImages() {
    float[] base = renderer.render(42, 7).rgb();
    assertFalse(Arrays.equals(base, renderer.render(42, 8).rgb()));
    assertFalse(Arrays.equals(base, renderer.render(43, 7).rgb()));
  }

  @Test
  void parallelRenderingDoesNotDependOnThreadCount() {
    SceneBatchRenderer batch = new SceneBatchRenderer(renderer);
    List<SceneSample> one = batch.renderAll(9, 100, 7, 1);
    List<SceneSample> three = batch.renderAll(9, 100, 7, 3);
    List<SceneSample> many = renderer.renderAll(9, 100, 7, 16);
    assertEquals(7, one.size());
    assertEquals(7, three.size());
    for (int i = 0; i < 7; i++) {
      assertSameSample(one.get(i), three.get(i));
      assertSameSample(one.get(i), many.get(i));
    }
    assertSameSample(renderer.render(9, 104), three.get(4));
    assertThrows(UnsupportedOperationException.class, () -> three.set(0, null));
    assertTrue(batch.renderAll(9, 0, 0, 4).isEmpty());
  }

  @Test
  void validatesArguments() {
    SceneBatchRenderer batch = new SceneBatchRenderer(renderer);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> batch.renderAll(1, 0, 2, 0));
    assertTrue(e.getMessage().contains("0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> batch.renderAll(1, -5, 2, 1));
    assertTrue(e.getMessage().contains("-5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> batch.renderAll(1, 0, -3, 1));
    assertTrue(e.getMessage().contains("-3"), e.getMessage());
  }
}
