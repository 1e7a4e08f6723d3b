package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * An immutable pinhole camera: position, orthonormal frame, vertical field of view and image size.
 *
 * <p><b>Camera frame.</b> The camera looks along {@link #forward()}; {@link #right()} and {@link #up()} span the
 * image plane. Camera coordinates follow the OpenGL convention: {@code x} = right, {@code y} = up, {@code z} =
 * towards the viewer ({@code -forward}); {@code right × up = -forward}.
 *
 * <p><b>Image coordinates.</b> Continuous image coordinates {@code (px, py)} have their origin at the top-left
 * corner of the image, {@code px} grows to the right (columns) and {@code py} downwards (rows); the pixel in row
 * {@code i}, column {@code j} covers {@code [j, j+1) × [i, i+1)} and is sampled at its centre
 * {@code (j + 0.5, i + 0.5)}. Square pixels: the horizontal field of view follows from the vertical one and the
 * aspect ratio {@code width / height}.
 *
 * @param position    centre of projection, world metres
 * @param forward     unit viewing direction
 * @param right       unit direction of increasing {@code px}
 * @param up          unit direction of decreasing {@code py}
 * @param verticalFov full vertical field of view in radians, in (0, π)
 * @param height      image height in pixels (rows)
 * @param width       image width in pixels (columns)
 */
public record Camera(Vec3 position, Vec3 forward, Vec3 right, Vec3 up, double verticalFov, int height, int width) {

  private static final double TOLERANCE = 1e-6;

  /**
   * Creates a camera, validating that {@code (right, up, -forward)} is a right-handed orthonormal frame.
   *
   * @throws IllegalArgumentException if the frame is not orthonormal and right-handed (tolerance 1e-6), the field
   *     of view is not in (0, π) or a size is not positive
   */
  public Camera {
    checkNotNull(position, "position");
    checkNotNull(forward, "forward");
    checkNotNull(right, "right");
    checkNotNull(up, "up");
    checkArgument(Math.abs(forward.length() - 1) < TOLERANCE, "forward must be a unit vector, got %s", forward);
    checkArgument(Math.abs(right.length() - 1) < TOLERANCE, "right must be a unit vector, got %s", right);
    checkArgument(Math.abs(up.length() - 1) < TOLERANCE, "up must be a unit vector, got %s", up);
    checkArgument(Math.abs(forward.dot(right)) < TOLERANCE && Math.abs(forward.dot(up)) < TOLERANCE
        && Math.abs(right.dot(up)) < TOLERANCE,
        "forward %s, right %s and up %s must be orthogonal", forward, right, up);
    checkArgument(right.cross(up).plus(forward).length() < 1e-5,
        "right × up must equal -forward (right-handed frame), got right %s, up %s, forward %s", right, up, forward);
    checkArgument(verticalFov > 0 && verticalFov < Math.PI,
        "verticalFov must be in (0, π) radians, got %s", verticalFov);
    checkArgument(height > 0, "height must be positive, got %s", height);
    checkArgument(width > 0, "width must be positive, got %s", width);
  }

  /**
   * Creates a level-horizon camera (no roll) from yaw and pitch angles.
   *
   * <p>Yaw 0 and pitch 0 look along world {@code -z}; positive yaw turns left (counter-clockwise seen from above,
   * a rotation about {@code +y}); positive pitch looks up. The forward direction is
   * {@code (-sin(yaw) cos(pitch), sin(pitch), -cos(yaw) cos(pitch))}.
   *
   * @param position    centre of projection, world metres
   * @param yaw         rotation about world {@code +y}, radians
   * @param pitch       elevation, radians, in (-π/2, π/2)
   * @param verticalFov full vertical field of view, radians, in (0, π)
   * @param height      image rows
   * @param width       image columns
   * @throws IllegalArgumentException if pitch is not in (-π/2, π/2) or any other argument is invalid
   */
  public static Camera of(Vec3 position, double yaw, double pitch, double verticalFov, int height, int width) {
    checkArgument(Double.isFinite(yaw), "yaw must be finite, got %s", yaw);
    checkArgument(pitch > -Math.PI / 2 && pitch < Math.PI / 2, "pitch must be in (-π/2, π/2), got %s", pitch);
    double cp = StrictMath.cos(pitch);
    Vec3 forward = new Vec3(-StrictMath.sin(yaw) * cp, StrictMath.sin(pitch), -StrictMath.cos(yaw) * cp);
    return fromForward(position, forward, verticalFov, height, width);
  }

  /**
   * Creates a level-horizon camera (no roll) at {@code position} looking at {@code target}.
   *
   * @throws IllegalArgumentException if {@code target} coincides with {@code position} or lies straight above or
   *     below it, or any other argument is invalid
   */
  public static Camera lookAt(Vec3 position, Vec3 target, double verticalFov, int height, int width) {
    checkNotNull(position, "position");
    checkNotNull(target, "target");
    Vec3 dir = target.minus(position);
    checkArgument(dir.length() > 1e-9, "target %s must differ from position %s", target, position);
    return fromForward(position, dir.normalized(), verticalFov, height, width);
  }

  private static Camera fromForward(Vec3 position, Vec3 forward, double verticalFov, int height, int width) {
    Vec3 side = forward.cross(Vec3.UP);
    checkArgument(side.length() > 1e-9, "forward %s must not be vertical", forward);
    Vec3 right = side.normalized();
    Vec3 up = right.cross(forward).normalized();
    return new Camera(position, forward, right, up, verticalFov, height, width);
  }

  /** Returns {@code tan(verticalFov / 2)}: half the image-plane height at unit distance. */
  public double tanHalfFovY() {
    return StrictMath.tan(verticalFov / 2);
  }

  /** Returns the half image-plane width at unit distance: {@code tanHalfFovY() * width / height}. */
  public double tanHalfFovX() {
    return tanHalfFovY() * width / height;
  }

  /**
   * Returns the unit world-space direction of the ray through continuous image point {@code (px, py)} (see the
   * class comment; the centre of pixel {@code (row i, col j)} is {@code (j + 0.5, i + 0.5)}). Points outside the
   * image are allowed.
   */
  public double[] rayDirection(double px, double py) {
    double sx = (2.0 * px / width - 1.0) * tanHalfFovX();
    double sy = (1.0 - 2.0 * py / height) * tanHalfFovY();
    double dx = forward.x() + sx * right.x() + sy * up.x();
    double dy = forward.y() + sx * right.y() + sy * up.y();
    double dz = forward.z() + sx * right.z() + sy * up.z();
    double len = Math.sqrt(dx * dx + dy * dy + dz * dz);
    return new double[] {dx / len, dy / len, dz / len};
  }

  /**
   * Projects a world point: returns {@code {px, py, zDepth}} where {@code zDepth} is the distance along
   * {@link #forward()} (positive in front of the camera). {@code px, py} are meaningless when {@code zDepth <= 0}.
   */
  public double[] project(Vec3 worldPoint) {
    Vec3 v = worldPoint.minus(position);
    double z = v.dot(forward);
    double px = (v.dot(right) / z / tanHalfFovX() + 1.0) * width / 2.0;
    double py = (1.0 - v.dot(up) / z / tanHalfFovY()) * height / 2.0;
    return new double[] {px, py, z};
  }

  /** Returns the z-depth (distance along {@link #forward()}) of a world point; negative behind the camera. */
  public double zDepth(Vec3 worldPoint) {
    return worldPoint.minus(position).dot(forward);
  }

  /**
   * Expresses a world direction (e.g. a surface normal) in camera coordinates:
   * {@code (d·right, d·up, -d·forward)}.
   */
  public Vec3 toCameraFrame(Vec3 worldDirection) {
    return new Vec3(worldDirection.dot(right), worldDirection.dot(up), -worldDirection.dot(forward));
  }
}
