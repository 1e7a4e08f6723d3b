package org.mtl4j.datasets.synthetic;

/**
 * The procedural textures of objects, floor and walls: brightness factors in (0, 1] from checkers, stripes, planks
 * and hashed value noise, functions of the surface point only.
 */
final class ProceduralTextures {

  private static final double OBJECT_CHECKER = 0.12;
  private static final double OBJECT_STRIPES = 0.08;
  private static final double OBJECT_NOISE = 0.2;

  private ProceduralTextures() {}

  /** The factor on an object at local point (x, y, z); {@code salt} (the object index) decorrelates the noise. */
  static double objectTexture(Texture t, double x, double y, double z, int salt) {
    switch (t) {
      case CHECKER: {
        long s = (long) Math.floor(x / OBJECT_CHECKER + 0.31) + (long) Math.floor(y / OBJECT_CHECKER + 0.31)
            + (long) Math.floor(z / OBJECT_CHECKER + 0.31);
        return (s & 1) == 0 ? 1.0 : 0.6;
      }
      case STRIPES:
        return (((long) Math.floor(y / OBJECT_STRIPES + 0.31)) & 1) == 0 ? 1.0 : 0.62;
      case NOISE:
        return 0.72 + 0.28 * valueNoise3(x / OBJECT_NOISE, y / OBJECT_NOISE, z / OBJECT_NOISE, 17 + salt);
      default:
        return 1.0;
    }
  }

  /** The factor on the floor at (x, z): checker tiles, staggered planks or noise. */
  static double floorTexture(Texture t, double x, double z, double tile) {
    switch (t) {
      case CHECKER: {
        long s = (long) Math.floor(x / tile) + (long) Math.floor(z / tile);
        return (s & 1) == 0 ? 1.0 : 0.55;
      }
      case STRIPES: { // planks along z, width 0.4 tile, length 3 tiles, staggered, with dark seams
        double pw = 0.4 * tile;
        double u = x / pw;
        long plank = (long) Math.floor(u);
        double shade = 0.8 + 0.2 * hash01(plank, 0, 0, 5);
        if (u - plank < 0.07) {
          return 0.45;
        }
        double len = 3 * tile;
        double v = z / len + hash01(plank, 1, 0, 6);
        if (v - Math.floor(v) < 0.02) {
          return 0.45;
        }
        return shade;
      }
      case NOISE:
        return 0.7 + 0.3 * valueNoise2(x / 0.3, z / 0.3, 3);
      default:
        return 1.0;
    }
  }

  /** The factor on a wall at unrolled position {@code u} and height {@code y}. */
  static double wallTexture(Texture t, double u, double y) {
    switch (t) {
      case CHECKER: {
        long s = (long) Math.floor(u / 0.3) + (long) Math.floor(y / 0.3);
        return (s & 1) == 0 ? 1.0 : 0.82;
      }
      case STRIPES:
        return (((long) Math.floor(u / 0.15)) & 1) == 0 ? 1.0 : 0.85;
      case NOISE:
        return 0.82 + 0.18 * valueNoise2(u / 0.5, y / 0.5, 11);
      default:
        return 1.0;
    }
  }

  private static double hash01(long a, long b, long c, long salt) {
    long hsh = SceneMath.mix64(a * 0x9E3779B97F4A7C15L
        + SceneMath.mix64(b * 0xC2B2AE3D27D4EB4FL + SceneMath.mix64(c + salt * 0x165667B19E3779F9L)));
    return (hsh >>> 11) * 0x1.0p-53;
  }

  private static double smooth(double t) {
    return t * t * (3 - 2 * t);
  }

  private static double valueNoise2(double x, double y, long salt) {
    double fx0 = Math.floor(x);
    double fy0 = Math.floor(y);
    long ix = (long) fx0;
    long iy = (long) fy0;
    double tx = smooth(x - fx0);
    double ty = smooth(y - fy0);
    double a = hash01(ix, iy, 0, salt);
    double b = hash01(ix + 1, iy, 0, salt);
    double c = hash01(ix, iy + 1, 0, salt);
    double d = hash01(ix + 1, iy + 1, 0, salt);
    double top = a + (b - a) * tx;
    double bottom = c + (d - c) * tx;
    return top + (bottom - top) * ty;
  }

  private static double valueNoise3(double x, double y, double z, long salt) {
    double fz0 = Math.floor(z);
    long iz = (long) fz0;
    double tz = smooth(z - fz0);
    double lo = valueNoise2(x, y, salt * 31 + iz);
    double hi = valueNoise2(x, y, salt * 31 + iz + 1);
    return lo + (hi - lo) * tz;
  }
}
