package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One rendered synthetic sample: the RGB input image and exact per-pixel labels for the Taskonomy / Standley
 * tasks, all sampled at pixel centres (no antialiasing).
 *
 * <p><b>Layout.</b> Every array is row-major: the value of pixel (row {@code i}, column {@code j}) is at
 * {@code i * width + j}; multi-channel arrays are channel-major (CHW), channel {@code c} at offset
 * {@code c * height * width}. Row 0 is the top of the image.
 *
 * <p><b>Ownership.</b> For speed, the accessors return the sample's own arrays, not copies. Callers must not
 * modify them (copy first if needed); the sample is otherwise immutable and safe to share between threads once
 * published.
 *
 * <table>
 *   <caption>Outputs</caption>
 *   <tr><th>accessor</th><th>task</th><th>shape</th><th>meaning</th></tr>
 *   <tr><td>{@link #rgb()}</td><td>input</td><td>3×H×W</td><td>shaded, textured colour, in [0, 1]
 *       (gamma 2)</td></tr>
 *   <tr><td>{@link #semantic()}</td><td>s</td><td>H×W</td><td>{@link SceneClass} ids in [0, 6)</td></tr>
 *   <tr><td>{@link #depth()}</td><td>d (depth_zbuffer)</td><td>H×W</td><td>z-depth in metres: distance along the
 *       camera's forward axis, &gt; 0</td></tr>
 *   <tr><td>{@link #normals()}</td><td>n</td><td>3×H×W</td><td>unit surface normal in camera coordinates (x right,
 *       y up, z towards the viewer), facing the camera (z &gt;= 0 up to the pixel's obliquity), each in
 *       [-1, 1]</td></tr>
 *   <tr><td>{@link #keypoints()}</td><td>k (keypoints2d)</td><td>H×W</td><td>heat map in [0, 1]: maximum of
 *       Gaussian blobs at the projections of visible box corners, cylinder rim silhouette points and room
 *       corners</td></tr>
 *   <tr><td>{@link #textureEdges()}</td><td>t (edge_texture)</td><td>H×W</td><td>Sobel magnitude of the albedo
 *       (max over channels, divided by 4, clipped), in [0, 1]</td></tr>
 *   <tr><td>{@link #occlusionEdges()}</td><td>e (edge_occlusion)</td><td>H×W</td><td>1 on the occluding side of
 *       depth discontinuities (object silhouettes), else 0</td></tr>
 *   <tr><td>{@link #reshading()}</td><td>r (reshading)</td><td>H×W</td><td>white Lambertian shading under a point
 *       light at the camera centre, no falloff or shadows, in [0, 1]</td></tr>
 *   <tr><td>{@link #curvature()}</td><td>c (principal_curvature)</td><td>2×H×W</td><td>principal curvatures
 *       {@code k1 >= k2} in 1/m, positive for convex objects: 0 on planes, 1/r twice on spheres, (1/r, 0) on
 *       cylinder sides</td></tr>
 * </table>
 */
public final class SceneSample {

  private final Scene scene;
  private final int height;
  private final int width;
  private final float[] rgb;
  private final int[] semantic;
  private final float[] depth;
  private final float[] normals;
  private final float[] keypoints;
  private final float[] textureEdges;
  private final float[] occlusionEdges;
  private final float[] reshading;
  private final float[] curvature;

  SceneSample(Scene scene, int height, int width, float[] rgb, int[] semantic, float[] depth, float[] normals,
      float[] keypoints, float[] textureEdges, float[] occlusionEdges, float[] reshading, float[] curvature) {
    this.scene = checkNotNull(scene, "scene");
    int n = height * width;
    this.height = height;
    this.width = width;
    this.rgb = checkLength(rgb, 3 * n, "rgb");
    checkArgument(semantic.length == n, "semantic must have %s entries, got %s", n, semantic.length);
    this.semantic = semantic;
    this.depth = checkLength(depth, n, "depth");
    this.normals = checkLength(normals, 3 * n, "normals");
    this.keypoints = checkLength(keypoints, n, "keypoints");
    this.textureEdges = checkLength(textureEdges, n, "textureEdges");
    this.occlusionEdges = checkLength(occlusionEdges, n, "occlusionEdges");
    this.reshading = checkLength(reshading, n, "reshading");
    this.curvature = checkLength(curvature, 2 * n, "curvature");
  }

  private static float[] checkLength(float[] a, int expected, String name) {
    checkArgument(a.length == expected, "%s must have %s entries, got %s", name, expected, a.length);
    return a;
  }

  /** Returns the scene that was rendered. */
  public Scene scene() {
    return scene;
  }

  /** Returns the image height H in pixels. */
  public int height() {
    return height;
  }

  /** Returns the image width W in pixels. */
  public int width() {
    return width;
  }

  /** Returns the RGB image, 3×H×W channel-major, values in [0, 1]. Do not modify. */
  public float[] rgb() {
    return rgb;
  }

  /** Returns the semantic labels (task s), H×W {@link SceneClass} ids. Do not modify. */
  public int[] semantic() {
    return semantic;
  }

  /** Returns the z-buffer depth (task d) in metres, H×W, every value &gt; 0. Do not modify. */
  public float[] depth() {
    return depth;
  }

  /** Returns the unit camera-frame surface normals (task n), 3×H×W (x, y, z planes). Do not modify. */
  public float[] normals() {
    return normals;
  }

  /** Returns the 2-D keypoint heat map (task k), H×W in [0, 1]. Do not modify. */
  public float[] keypoints() {
    return keypoints;
  }

  /** Returns the albedo (texture) edges (task t), H×W in [0, 1]. Do not modify. */
  public float[] textureEdges() {
    return textureEdges;
  }

  /** Returns the occlusion edges (task e), H×W in {0, 1}. Do not modify. */
  public float[] occlusionEdges() {
    return occlusionEdges;
  }

  /** Returns the reshading image (task r), H×W in [0, 1]. Do not modify. */
  public float[] reshading() {
    return reshading;
  }

  /** Returns the principal curvatures (task c) in 1/m, 2×H×W (plane 0: k1, plane 1: k2 &lt;= k1). Do not modify. */
  public float[] curvature() {
    return curvature;
  }

  /** Returns the index of pixel (row, col) in the H×W planes. */
  public int index(int row, int col) {
    checkArgument(row >= 0 && row < height, "row must be in [0, %s), got %s", height, row);
    checkArgument(col >= 0 && col < width, "col must be in [0, %s), got %s", width, col);
    return row * width + col;
  }
}
