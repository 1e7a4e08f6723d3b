package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * An immutable solid in a scene: a box (rotated about the vertical axis), a sphere or a vertical cylinder.
 *
 * <p>Geometry is given by the centre and half-extents in the object's own frame: a box spans
 * {@code centre ± halfExtents} before its rotation by {@link #yaw()} about the vertical axis through its centre
 * (local x and z map to world {@code (cos yaw, 0, -sin yaw)} and {@code (sin yaw, 0, cos yaw)}); a sphere has
 * {@code halfExtents = (r, r, r)}; a cylinder has radius {@code halfExtents.x() == halfExtents.z()} and height
 * {@code 2 * halfExtents.y()}, its axis vertical. Spheres and cylinders are rotationally symmetric and have
 * {@code yaw == 0}. Use the factories {@link #box}, {@link #sphere} and {@link #cylinder}.
 *
 * @param kind        the shape
 * @param centre      centre of the solid, world metres
 * @param halfExtents half sizes along the local axes, metres, each in [0.01, 50]
 * @param yaw         rotation about the vertical axis, radians (0 for spheres and cylinders)
 * @param colour      base albedo, linear RGB in [0, 1]
 * @param texture     albedo pattern
 */
public record SceneObject(Kind kind, Vec3 centre, Vec3 halfExtents, double yaw, Vec3 colour, Texture texture) {

  /** Shape of a {@link SceneObject}. */
  public enum Kind {
    /** A rectangular box, rotated about the vertical axis. */
    BOX(SceneClass.BOX),
    /** A sphere. */
    SPHERE(SceneClass.SPHERE),
    /** A vertical cylinder with flat caps. */
    CYLINDER(SceneClass.CYLINDER);

    private final SceneClass semanticClass;

    Kind(SceneClass semanticClass) {
      this.semanticClass = semanticClass;
    }

    /** Returns the semantic class that pixels of this shape are labelled with. */
    public SceneClass semanticClass() {
      return semanticClass;
    }
  }

  /**
   * Validates the object.
   *
   * @throws IllegalArgumentException if a half-extent is outside [0.01, 50] m, a sphere is not round, a cylinder's
   *     x and z half-extents differ, a sphere or cylinder has non-zero yaw, yaw is not finite, or the colour is
   *     outside [0, 1]
   */
  public SceneObject {
    checkNotNull(kind, "kind");
    checkNotNull(centre, "centre");
    checkNotNull(halfExtents, "halfExtents");
    checkNotNull(texture, "texture");
    Room.checkColour(colour, "colour");
    checkArgument(inRange(halfExtents.x()) && inRange(halfExtents.y()) && inRange(halfExtents.z()),
        "half-extents must be in [0.01, 50] m, got %s", halfExtents);
    checkArgument(Double.isFinite(yaw), "yaw must be finite, got %s", yaw);
    if (kind == Kind.SPHERE) {
      checkArgument(halfExtents.x() == halfExtents.y() && halfExtents.y() == halfExtents.z(),
          "a sphere needs equal half-extents, got %s", halfExtents);
    }
    if (kind == Kind.CYLINDER) {
      checkArgument(halfExtents.x() == halfExtents.z(),
          "a cylinder needs equal x and z half-extents (its radius), got %s", halfExtents);
    }
    if (kind != Kind.BOX) {
      checkArgument(yaw == 0, "only boxes can be rotated, got yaw %s for a %s", yaw, kind);
    }
  }

  private static boolean inRange(double h) {
    return h >= 0.01 && h <= 50;
  }

  /**
   * Returns a box with full sizes {@code sizeX × sizeY × sizeZ} metres, rotated by {@code yaw} radians about the
   * vertical axis through {@code centre}.
   */
  public static SceneObject box(Vec3 centre, double sizeX, double sizeY, double sizeZ, double yaw, Vec3 colour,
      Texture texture) {
    return new SceneObject(Kind.BOX, centre, new Vec3(sizeX / 2, sizeY / 2, sizeZ / 2), yaw, colour, texture);
  }

  /** Returns a sphere of the given radius (metres). */
  public static SceneObject sphere(Vec3 centre, double radius, Vec3 colour, Texture texture) {
    return new SceneObject(Kind.SPHERE, centre, new Vec3(radius, radius, radius), 0, colour, texture);
  }

  /** Returns a vertical cylinder of the given radius and full height (metres) centred at {@code centre}. */
  public static SceneObject cylinder(Vec3 centre, double radius, double height, Vec3 colour, Texture texture) {
    return new SceneObject(Kind.CYLINDER, centre, new Vec3(radius, height / 2, radius), 0, colour, texture);
  }

  /** Returns the radius of a sphere or cylinder ({@code halfExtents().x()}; half the x size for a box). */
  public double radius() {
    return halfExtents.x();
  }

  /** Returns the full vertical size, {@code 2 * halfExtents().y()}. */
  public double height() {
    return 2 * halfExtents.y();
  }

  /** Returns the radius of a vertical cylinder around the centre that contains the object's footprint. */
  public double footprintRadius() {
    return kind == Kind.BOX ? Math.hypot(halfExtents.x(), halfExtents.z()) : halfExtents.x();
  }

  /** Returns the semantic class of this object's pixels. */
  public SceneClass semanticClass() {
    return kind.semanticClass();
  }
}
