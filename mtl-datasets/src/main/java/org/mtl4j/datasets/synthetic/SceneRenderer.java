package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * The embedded synthetic data set of mtl4j: a deterministic ray caster of closed rooms holding random boxes,
 * spheres and cylinders, seen by a random camera, producing an RGB image and exact per-pixel labels for the
 * Taskonomy / Standley tasks (see {@link SceneSample} for outputs, task letters, layouts and units).
 *
 * <p><b>Determinism.</b> {@link #render(long, long)} is a pure function of {@code (seed, index, height, width)}:
 * the scene is drawn from a {@link java.util.SplittableRandom} seeded by a SplitMix64 mix of seed and index, and
 * rendering uses only correctly rounded arithmetic and {@link StrictMath}, with no shared mutable state. The same
 * inputs give bit-identical arrays on any thread or JVM. Instances are immutable and thread-safe.
 *
 * <p><b>Random scenes.</b> A room of 6.5–9.5 × 2.7–3.3 × 6.5–9.5 m (x × y × z) with a checker, plank or noise
 * floor, plain, noise or striped walls with a dark skirting board and a plain ceiling; a camera 1 m or more from
 * the walls at eye height 1.2–1.8 m, a yaw with at least 3 m of room in front, pitch −23°…+3°, no roll, fixed 60° vertical field of view; 3–7
 * objects (up to 40 placement tries each, so occasionally fewer) standing on the floor, mostly in view, not
 * overlapping each other, the walls or the camera. Object colours come from one hue family per class (boxes red /
 * orange with checker or plain albedo, spheres blue with noise or plain, cylinders green with ring stripes or
 * plain), with random saturation and value, so the class is learnable from shape, colour and texture.
 *
 * <p><b>Lighting of the RGB image.</b> {@code albedo × (0.2 ambient + 0.35 key + 1.0 point + 0.18 head)} plus a
 * white Blinn-Phong highlight (exponent 32) on objects; the key light is directional, from world direction
 * {@code (0.35, 1, 0.25)} normalised; the point light sits at {@link Scene#lightPosition()} with falloff
 * {@code 1 / (1 + 0.05 d²)}; both cast shadows of objects; the head light at the camera casts none. Values are
 * clipped to [0, 1] and encoded with gamma 2 ({@code sqrt}).
 */
public final class SceneRenderer {

  /** Default image height and width: 64. */
  public static final int DEFAULT_SIZE = 64;
  /** Smallest allowed height or width. */
  public static final int MIN_SIZE = 8;
  /** Largest allowed height or width. */
  public static final int MAX_SIZE = 1024;

  private final int height;
  private final int width;

  /** Creates a renderer of {@value #DEFAULT_SIZE}×{@value #DEFAULT_SIZE} images. */
  public SceneRenderer() {
    this(DEFAULT_SIZE, DEFAULT_SIZE);
  }

  /**
   * Creates a renderer of {@code height × width} images.
   *
   * @throws IllegalArgumentException if a size is not in [{@value #MIN_SIZE}, {@value #MAX_SIZE}]
   */
  public SceneRenderer(int height, int width) {
    checkArgument(height >= MIN_SIZE && height <= MAX_SIZE, "height must be in [%s, %s], got %s", MIN_SIZE,
        MAX_SIZE, height);
    checkArgument(width >= MIN_SIZE && width <= MAX_SIZE, "width must be in [%s, %s], got %s", MIN_SIZE, MAX_SIZE,
        width);
    this.height = height;
    this.width = width;
  }

  /** Returns the image height in pixels. */
  public int height() {
    return height;
  }

  /** Returns the image width in pixels. */
  public int width() {
    return width;
  }

  /** Returns the random scene of sample {@code (seed, index)}: the scene that {@link #render(long, long)} draws. */
  public Scene scene(long seed, long index) {
    return SceneGenerator.generate(seed, index, height, width);
  }

  /** Renders sample {@code (seed, index)}; equivalent to {@code render(scene(seed, index))}. */
  public SceneSample render(long seed, long index) {
    return render(scene(seed, index));
  }

  /**
   * Renders a given scene, e.g. a custom one built with {@link Scene#of}.
   *
   * @throws IllegalArgumentException if the camera's image size differs from this renderer's
   */
  public SceneSample render(Scene scene) {
    checkNotNull(scene, "scene");
    Camera camera = scene.camera();
    checkArgument(camera.height() == height && camera.width() == width,
        "scene camera image size %sx%s must equal the renderer's %sx%s", camera.height(), camera.width(), height,
        width);
    return new Tracer(scene).render();
  }

  /**
   * Renders samples {@code fromIndex .. fromIndex + count - 1} of {@code seed} on {@code threads} threads; same as
   * {@code new SceneBatchRenderer(this).renderAll(seed, fromIndex, count, threads)}.
   */
  public List<SceneSample> renderAll(long seed, long fromIndex, int count, int threads) {
    return new SceneBatchRenderer(this).renderAll(seed, fromIndex, count, threads);
  }
}
