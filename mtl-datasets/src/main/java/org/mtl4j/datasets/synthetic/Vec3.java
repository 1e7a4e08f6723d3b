package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * An immutable 3-vector of finite doubles, used for points, directions and linear RGB colours of the synthetic scenes.
 *
 * <p>World coordinates of a scene are in metres, right-handed, with {@code +y} up: the floor is the plane
 * {@code y = 0}. See {@link Room}.
 *
 * @param x first component
 * @param y second component
 * @param z third component
 */
public record Vec3(double x, double y, double z) {

  /** The zero vector. */
  public static final Vec3 ZERO = new Vec3(0, 0, 0);
  /** The world up direction {@code (0, 1, 0)}. */
  public static final Vec3 UP = new Vec3(0, 1, 0);

  /**
   * Creates a vector.
   *
   * @throws IllegalArgumentException if a component is NaN or infinite
   */
  public Vec3 {
    checkArgument(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z),
        "vector components must be finite, got (%s, %s, %s)", x, y, z);
  }

  /** Returns {@code (x, y, z)}; shorthand for the constructor. */
  public static Vec3 of(double x, double y, double z) {
    return new Vec3(x, y, z);
  }

  /** Returns {@code this + o}. */
  public Vec3 plus(Vec3 o) {
    return new Vec3(x + o.x, y + o.y, z + o.z);
  }

  /** Returns {@code this - o}. */
  public Vec3 minus(Vec3 o) {
    return new Vec3(x - o.x, y - o.y, z - o.z);
  }

  /** Returns {@code s * this}. */
  public Vec3 times(double s) {
    return new Vec3(x * s, y * s, z * s);
  }

  /** Returns the dot product. */
  public double dot(Vec3 o) {
    return x * o.x + y * o.y + z * o.z;
  }

  /** Returns the cross product {@code this × o} (right-handed). */
  public Vec3 cross(Vec3 o) {
    return new Vec3(y * o.z - z * o.y, z * o.x - x * o.z, x * o.y - y * o.x);
  }

  /** Returns the Euclidean length. */
  public double length() {
    return Math.sqrt(x * x + y * y + z * z);
  }

  /**
   * Returns the unit vector with the direction of this one.
   *
   * @throws IllegalArgumentException if this vector has zero length
   */
  public Vec3 normalized() {
    double len = length();
    checkArgument(len > 0, "cannot normalise the zero-length vector %s", this);
    return new Vec3(x / len, y / len, z / len);
  }

  /** Returns a new array {@code {x, y, z}}. */
  public double[] toArray() {
    return new double[] {x, y, z};
  }
}
