package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Semantic classes of the synthetic scenes, the labels of Taskonomy task {@code s} (semantic segmentation) in
 * {@link SceneSample#semantic()}. The id of each class is fixed and equals its ordinal: 0 floor, 1 wall,
 * 2 ceiling, 3 box, 4 sphere, 5 cylinder.
 */
public enum SceneClass {
  /** The floor plane {@code y = 0}; id 0. */
  FLOOR,
  /** Any of the four walls; id 1. */
  WALL,
  /** The ceiling; id 2. */
  CEILING,
  /** A box object; id 3. */
  BOX,
  /** A sphere object; id 4. */
  SPHERE,
  /** A cylinder object; id 5. */
  CYLINDER;

  /** The number of classes, 6; ids are {@code 0 .. COUNT - 1}. */
  public static final int COUNT = 6;

  private static final SceneClass[] VALUES = values();

  /** Returns the class id (the ordinal). */
  public int id() {
    return ordinal();
  }

  /**
   * Returns the class with the given id.
   *
   * @throws IllegalArgumentException if {@code id} is not in {@code 0 .. COUNT - 1}
   */
  public static SceneClass ofId(int id) {
    checkArgument(id >= 0 && id < COUNT, "class id must be in [0, %s), got %s", COUNT, id);
    return VALUES[id];
  }
}
