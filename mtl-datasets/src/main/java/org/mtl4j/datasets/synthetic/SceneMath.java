package org.mtl4j.datasets.synthetic;

/** The small numeric helpers that the generator, the tracer and the procedural textures share. */
final class SceneMath {

  private SceneMath() {}

  /** @return {@code v} clipped to [0, 1] */
  static double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }

  /** The SplitMix64 finaliser: a well-mixed 64-bit hash of {@code z}. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
