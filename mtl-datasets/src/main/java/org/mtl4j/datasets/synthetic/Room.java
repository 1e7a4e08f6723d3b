package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The closed, axis-aligned room that contains a scene: floor {@code y = 0}, ceiling {@code y = height}, walls
 * {@code x = ±width/2} and {@code z = ±depth/2} (world metres). Every camera ray inside the room hits it, so every
 * pixel of a rendering has a finite depth. Also holds the room's appearance (linear RGB colours in [0, 1]).
 *
 * @param width         extent along x, metres
 * @param height        ceiling height, metres
 * @param depth         extent along z, metres
 * @param floorColour   base albedo of the floor
 * @param floorTexture  floor pattern
 * @param floorTileSize tile size of the floor pattern, metres
 * @param wallColour    base albedo of the four walls (a dark skirting board runs along their bottom 8 cm)
 * @param wallTexture   wall pattern
 * @param ceilingColour albedo of the (plain) ceiling
 */
public record Room(double width, double height, double depth, Vec3 floorColour, Texture floorTexture,
    double floorTileSize, Vec3 wallColour, Texture wallTexture, Vec3 ceilingColour) {

  /**
   * Validates the room.
   *
   * @throws IllegalArgumentException if an extent is not in [1, 100] m, the tile size is not in [0.05, 10] m or a
   *     colour component is not in [0, 1]
   */
  public Room {
    checkArgument(width >= 1 && width <= 100, "room width must be in [1, 100] m, got %s", width);
    checkArgument(height >= 1 && height <= 100, "room height must be in [1, 100] m, got %s", height);
    checkArgument(depth >= 1 && depth <= 100, "room depth must be in [1, 100] m, got %s", depth);
    checkArgument(floorTileSize >= 0.05 && floorTileSize <= 10,
        "floorTileSize must be in [0.05, 10] m, got %s", floorTileSize);
    checkNotNull(floorTexture, "floorTexture");
    checkNotNull(wallTexture, "wallTexture");
    checkColour(floorColour, "floorColour");
    checkColour(wallColour, "wallColour");
    checkColour(ceilingColour, "ceilingColour");
  }

  /**
   * Returns a room of the given extents with a grey 0.5 m checker floor, plain beige walls and a white ceiling.
   */
  public static Room of(double width, double height, double depth) {
    return new Room(width, height, depth, new Vec3(0.55, 0.55, 0.55), Texture.CHECKER, 0.5,
        new Vec3(0.80, 0.77, 0.70), Texture.PLAIN, new Vec3(0.92, 0.92, 0.92));
  }

  /** Returns whether {@code p} lies strictly inside the room, at least {@code margin} metres from every face. */
  public boolean contains(Vec3 p, double margin) {
    return p.y() > margin && p.y() < height - margin
        && Math.abs(p.x()) < width / 2 - margin && Math.abs(p.z()) < depth / 2 - margin;
  }

  static void checkColour(Vec3 c, String name) {
    checkNotNull(c, name);
    checkArgument(c.x() >= 0 && c.x() <= 1 && c.y() >= 0 && c.y() <= 1 && c.z() >= 0 && c.z() <= 1,
        "%s components must be in [0, 1], got %s", name, c);
  }
}
