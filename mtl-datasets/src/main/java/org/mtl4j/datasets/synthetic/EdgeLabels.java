package org.mtl4j.datasets.synthetic;

/** The two edge labels derived from a rendered image's per-pixel buffers: texture edges and occlusion edges. */
final class EdgeLabels {

  private EdgeLabels() {}

  /** Max-over-channels Sobel magnitude of the albedo, divided by 4 (a unit step) and clipped to [0, 1]. */
  static float[] sobel(float[] albedo, int h, int w) {
    int n = h * w;
    float[] out = new float[n];
    for (int i = 0; i < h; i++) {
      int im = Math.max(i - 1, 0) * w;
      int i0 = i * w;
      int ip = Math.min(i + 1, h - 1) * w;
      for (int j = 0; j < w; j++) {
        int jm = Math.max(j - 1, 0);
        int jp = Math.min(j + 1, w - 1);
        double best = 0;
        for (int c = 0; c < 3; c++) {
          int o = c * n;
          double gx = (albedo[o + im + jp] + 2.0 * albedo[o + i0 + jp] + albedo[o + ip + jp])
              - (albedo[o + im + jm] + 2.0 * albedo[o + i0 + jm] + albedo[o + ip + jm]);
          double gy = (albedo[o + ip + jm] + 2.0 * albedo[o + ip + j] + albedo[o + ip + jp])
              - (albedo[o + im + jm] + 2.0 * albedo[o + im + j] + albedo[o + im + jp]);
          double m = gx * gx + gy * gy;
          if (m > best) {
            best = m;
          }
        }
        out[i0 + j] = (float) SceneMath.clamp01(Math.sqrt(best) / 4.0);
      }
    }
    return out;
  }

  /**
   * 1 where a 4-neighbour belongs to a different surface (object or room) and lies farther by more than
   * {@code 0.03 m + 3%} of this pixel's depth: the occluding side of a depth discontinuity. The room is convex and
   * objects are convex, so such discontinuities only occur between different surfaces.
   */
  static float[] occlusion(int[] surfaceId, float[] depth, int h, int w) {
    float[] out = new float[h * w];
    for (int i = 0; i < h; i++) {
      for (int j = 0; j < w; j++) {
        int p = i * w + j;
        int id = surfaceId[p];
        double limit = depth[p] + 0.03 + 0.03 * depth[p];
        boolean edge = (i > 0 && surfaceId[p - w] != id && depth[p - w] > limit)
            || (i < h - 1 && surfaceId[p + w] != id && depth[p + w] > limit)
            || (j > 0 && surfaceId[p - 1] != id && depth[p - 1] > limit)
            || (j < w - 1 && surfaceId[p + 1] != id && depth[p + 1] > limit);
        out[p] = edge ? 1f : 0f;
      }
    }
    return out;
  }
}
