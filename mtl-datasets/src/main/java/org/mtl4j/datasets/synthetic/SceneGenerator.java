package org.mtl4j.datasets.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws the random {@link Scene} of sample {@code (seed, index)}. A pure function: all randomness comes from one
 * {@link SplittableRandom} seeded with {@link #mix(long, long)}, consumed in a fixed order, and only
 * {@link StrictMath} is used for transcendental functions.
 */
final class SceneGenerator {

  /** Vertical field of view of generated cameras: 60 degrees (fixed, so perspective cues are consistent). */
  static final double FOV = Math.PI / 3;
  /** Minimum horizontal distance from the camera to the wall it faces, metres. */
  static final double MIN_VIEW_DISTANCE = 3.0;

  private SceneGenerator() {}

  /** Mixes seed and index into the seed of the per-sample generator (SplitMix64 finaliser). */
  static long mix(long seed, long index) {
    return SceneMath.mix64(SceneMath.mix64(seed) + 0x9E3779B97F4A7C15L * (index + 1));
  }

  static Scene generate(long seed, long index, int height, int width) {
    SplittableRandom rng = new SplittableRandom(mix(seed, index));

    // ---- room ----
    double roomW = uniform(rng, 6.5, 9.5);
    double roomH = uniform(rng, 2.7, 3.3);
    double roomD = uniform(rng, 6.5, 9.5);
    double floorPick = rng.nextDouble();
    Texture floorTexture = floorPick < 0.4 ? Texture.CHECKER : (floorPick < 0.8 ? Texture.STRIPES : Texture.NOISE);
    Vec3 floorColour = hsv(uniform(rng, 20, 45), uniform(rng, 0.1, 0.45), uniform(rng, 0.35, 0.65));
    double tile = uniform(rng, 0.35, 0.9);
    double wallPick = rng.nextDouble();
    Texture wallTexture = wallPick < 0.45 ? Texture.PLAIN : (wallPick < 0.85 ? Texture.NOISE : Texture.STRIPES);
    Vec3 wallColour = hsv(uniform(rng, 0, 360), uniform(rng, 0.05, 0.25), uniform(rng, 0.65, 0.85));
    Vec3 ceilingColour = hsv(uniform(rng, 30, 60), uniform(rng, 0, 0.05), uniform(rng, 0.85, 0.95));
    Room room = new Room(roomW, roomH, roomD, floorColour, floorTexture, tile, wallColour, wallTexture,
        ceilingColour);

    // ---- camera ----
    double camX = uniform(rng, -roomW / 2 + 1.0, roomW / 2 - 1.0);
    double camZ = uniform(rng, -roomD / 2 + 1.0, roomD / 2 - 1.0);
    double camY = uniform(rng, 1.2, 1.8);
    // any yaw whose central line of sight runs at least 3 m before reaching a wall; else face the room centre
    double yaw = StrictMath.atan2(camX, camZ);
    for (int attempt = 0; attempt < 20; attempt++) {
      double candidate = uniform(rng, 0, 2 * Math.PI);
      if (distanceToWall(camX, camZ, -StrictMath.sin(candidate), -StrictMath.cos(candidate), roomW, roomD)
          >= MIN_VIEW_DISTANCE) {
        yaw = candidate;
        break;
      }
    }
    double pitch = uniform(rng, -0.40, 0.05);
    Camera camera = Camera.of(new Vec3(camX, camY, camZ), yaw, pitch, FOV, height, width);

    Vec3 light = new Vec3(uniform(rng, -roomW / 2 + 1, roomW / 2 - 1), roomH - 0.05,
        uniform(rng, -roomD / 2 + 1, roomD / 2 - 1));

    // ---- objects ----
    int wanted = 3 + rng.nextInt(5);
    List<SceneObject> objects = new ArrayList<>(wanted);
    double[] fxs = new double[wanted];
    double[] fzs = new double[wanted];
    double[] frs = new double[wanted];
    for (int o = 0; o < wanted; o++) {
      SceneObject.Kind kind = SceneObject.Kind.values()[rng.nextInt(3)];
      double hxv;
      double hyv;
      double hzv;
      double footprint;
      switch (kind) {
        case BOX -> {
          hxv = uniform(rng, 0.15, 0.6);
          hyv = uniform(rng, 0.15, 0.6);
          hzv = uniform(rng, 0.15, 0.6);
          footprint = Math.hypot(hxv, hzv);
        }
        case SPHERE -> {
          hxv = uniform(rng, 0.2, 0.6);
          hyv = hxv;
          hzv = hxv;
          footprint = hxv;
        }
        default -> {
          hxv = uniform(rng, 0.15, 0.45);
          hyv = uniform(rng, 0.2, 0.7);
          hzv = hxv;
          footprint = hxv;
        }
      }
      double objYaw = kind == SceneObject.Kind.BOX ? uniform(rng, 0, Math.PI / 2) : 0;
      Vec3 colour = switch (kind) {
        case BOX -> hsv(uniform(rng, -15, 25), uniform(rng, 0.65, 0.95), uniform(rng, 0.55, 0.9));
        case SPHERE -> hsv(uniform(rng, 195, 250), uniform(rng, 0.5, 0.9), uniform(rng, 0.5, 0.9));
        default -> hsv(uniform(rng, 85, 150), uniform(rng, 0.5, 0.9), uniform(rng, 0.45, 0.85));
      };
      boolean patterned = rng.nextDouble() < 0.5;
      Texture tex = switch (kind) {
        case BOX -> patterned ? Texture.CHECKER : Texture.PLAIN;
        case SPHERE -> patterned ? Texture.NOISE : Texture.PLAIN;
        default -> patterned ? Texture.STRIPES : Texture.PLAIN;
      };
      // placement: mostly within the horizontal field of view, on the floor, apart from camera, walls, others
      for (int attempt = 0; attempt < 40; attempt++) {
        double x;
        double z;
        if (rng.nextDouble() < 0.75) {
          double dist = uniform(rng, 1.3, 5.5);
          double angle = yaw + uniform(rng, -0.55, 0.55);
          x = camX - StrictMath.sin(angle) * dist;
          z = camZ - StrictMath.cos(angle) * dist;
        } else {
          x = uniform(rng, -roomW / 2, roomW / 2);
          z = uniform(rng, -roomD / 2, roomD / 2);
        }
        if (!placeable(x, z, footprint, roomW, roomD, camX, camZ, fxs, fzs, frs, objects.size())) {
          continue;
        }
        Vec3 centre = new Vec3(x, hyv, z);
        objects.add(new SceneObject(kind, centre, new Vec3(hxv, hyv, hzv), objYaw, colour, tex));
        int m = objects.size() - 1;
        fxs[m] = x;
        fzs[m] = z;
        frs[m] = footprint;
        break;
      }
    }
    return new Scene(camera, room, objects, light);
  }

  /** Horizontal distance from (x, z) along unit direction (dx, dz) to the nearest wall. */
  private static double distanceToWall(double x, double z, double dx, double dz, double roomW, double roomD) {
    double tx = dx > 0 ? (roomW / 2 - x) / dx : (dx < 0 ? (-roomW / 2 - x) / dx : Double.POSITIVE_INFINITY);
    double tz = dz > 0 ? (roomD / 2 - z) / dz : (dz < 0 ? (-roomD / 2 - z) / dz : Double.POSITIVE_INFINITY);
    return Math.min(tx, tz);
  }

  private static boolean placeable(double x, double z, double footprint, double roomW, double roomD, double camX,
      double camZ, double[] fxs, double[] fzs, double[] frs, int placed) {
    if (Math.abs(x) > roomW / 2 - footprint - 0.05 || Math.abs(z) > roomD / 2 - footprint - 0.05) {
      return false;
    }
    if (Math.hypot(x - camX, z - camZ) < footprint + 0.7) {
      return false;
    }
    for (int m = 0; m < placed; m++) {
      if (Math.hypot(x - fxs[m], z - fzs[m]) < footprint + frs[m] + 0.05) {
        return false;
      }
    }
    return true;
  }

  private static double uniform(SplittableRandom rng, double lo, double hi) {
    return lo + (hi - lo) * rng.nextDouble();
  }

  /** HSV (hue in degrees, any real; s, v in [0, 1]) to linear RGB in [0, 1]. */
  static Vec3 hsv(double hueDegrees, double s, double v) {
    double h = hueDegrees % 360;
    if (h < 0) {
      h += 360;
    }
    double c = v * s;
    double hp = h / 60;
    double x = c * (1 - Math.abs(hp % 2 - 1));
    double r;
    double g;
    double b;
    if (hp < 1) {
      r = c; g = x; b = 0;
    } else if (hp < 2) {
      r = x; g = c; b = 0;
    } else if (hp < 3) {
      r = 0; g = c; b = x;
    } else if (hp < 4) {
      r = 0; g = x; b = c;
    } else if (hp < 5) {
      r = x; g = 0; b = c;
    } else {
      r = c; g = 0; b = x;
    }
    double m = v - c;
    return new Vec3(SceneMath.clamp01(r + m), SceneMath.clamp01(g + m), SceneMath.clamp01(b + m));
  }
}
