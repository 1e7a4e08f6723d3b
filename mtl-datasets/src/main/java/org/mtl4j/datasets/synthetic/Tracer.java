package org.mtl4j.datasets.synthetic;

import java.util.List;

/**
 * Ray caster for one {@link Scene}: flattens the scene into primitive arrays and renders every output of a
 * {@link SceneSample}. Not thread-safe (it has scratch fields); {@link SceneRenderer} creates one per call, so
 * rendering shares no mutable state. Only correctly rounded arithmetic and {@link StrictMath} are used, so results
 * are bit-identical on every JVM and thread.
 */
final class Tracer {

  // ---- lighting of the RGB image (world space) ----
  static final double AMBIENT = 0.20;
  static final double KEY = 0.35;
  static final double KEY_X;
  static final double KEY_Y;
  static final double KEY_Z;
  static final double POINT = 1.0;
  static final double POINT_FALLOFF = 0.05;
  static final double HEAD = 0.18;
  static final double SPECULAR = 0.35;

  static {
    double x = 0.35;
    double y = 1.0;
    double z = 0.25;
    double len = Math.sqrt(x * x + y * y + z * z);
    KEY_X = x / len;
    KEY_Y = y / len;
    KEY_Z = z / len;
  }

  static final int BOX = 0;
  static final int SPHERE = 1;
  static final int CYLINDER = 2;

  // room faces (hitObject == -1)
  static final int FLOOR = 0;
  static final int CEILING = 1;
  static final int WALL_POS_X = 2;
  static final int WALL_NEG_X = 3;
  static final int WALL_POS_Z = 4;
  static final int WALL_NEG_Z = 5;

  private static final double SHADOW_EPS = 1e-5;
  private static final double OBJECT_CHECKER = 0.12;
  private static final double OBJECT_STRIPES = 0.08;
  private static final double OBJECT_NOISE = 0.2;
  private static final double SKIRTING = 0.08;

  private final Scene scene;
  private final int height;
  private final int width;
  private final double ox;
  private final double oy;
  private final double oz;
  private final double fx;
  private final double fy;
  private final double fz;
  private final double rx;
  private final double ry;
  private final double rz;
  private final double ux;
  private final double uy;
  private final double uz;
  private final double tanX;
  private final double tanY;
  private final double halfW;
  private final double roomH;
  private final double halfD;
  private final double lx;
  private final double ly;
  private final double lz;
  private final Room room;

  private final int count;
  private final int[] kind;
  private final double[] cx;
  private final double[] cy;
  private final double[] cz;
  private final double[] hx;
  private final double[] hy;
  private final double[] hz;
  private final double[] cosYaw;
  private final double[] sinYaw;
  private final double[] colR;
  private final double[] colG;
  private final double[] colB;
  private final Texture[] texture;

  // ---- scratch, written by trace()/surface() ----
  private int hitObject;
  private int hitFace;
  private int lastFace;
  private double nX;
  private double nY;
  private double nZ;
  private double k1;
  private double k2;
  private double albR;
  private double albG;
  private double albB;
  private int cls;

  Tracer(Scene scene) {
    this.scene = scene;
    Camera cam = scene.camera();
    height = cam.height();
    width = cam.width();
    ox = cam.position().x();
    oy = cam.position().y();
    oz = cam.position().z();
    fx = cam.forward().x();
    fy = cam.forward().y();
    fz = cam.forward().z();
    rx = cam.right().x();
    ry = cam.right().y();
    rz = cam.right().z();
    ux = cam.up().x();
    uy = cam.up().y();
    uz = cam.up().z();
    tanY = cam.tanHalfFovY();
    tanX = cam.tanHalfFovX();
    room = scene.room();
    halfW = room.width() / 2;
    roomH = room.height();
    halfD = room.depth() / 2;
    lx = scene.lightPosition().x();
    ly = scene.lightPosition().y();
    lz = scene.lightPosition().z();
    List<SceneObject> objects = scene.objects();
    count = objects.size();
    kind = new int[count];
    cx = new double[count];
    cy = new double[count];
    cz = new double[count];
    hx = new double[count];
    hy = new double[count];
    hz = new double[count];
    cosYaw = new double[count];
    sinYaw = new double[count];
    colR = new double[count];
    colG = new double[count];
    colB = new double[count];
    texture = new Texture[count];
    for (int k = 0; k < count; k++) {
      SceneObject o = objects.get(k);
      kind[k] = switch (o.kind()) {
        case BOX -> BOX;
        case SPHERE -> SPHERE;
        case CYLINDER -> CYLINDER;
      };
      cx[k] = o.centre().x();
      cy[k] = o.centre().y();
      cz[k] = o.centre().z();
      hx[k] = o.halfExtents().x();
      hy[k] = o.halfExtents().y();
      hz[k] = o.halfExtents().z();
      cosYaw[k] = o.yaw() == 0 ? 1.0 : StrictMath.cos(o.yaw());
      sinYaw[k] = o.yaw() == 0 ? 0.0 : StrictMath.sin(o.yaw());
      colR[k] = o.colour().x();
      colG[k] = o.colour().y();
      colB[k] = o.colour().z();
      texture[k] = o.texture();
    }
  }

  SceneSample render() {
    final int h = height;
    final int w = width;
    final int n = h * w;
    float[] rgb = new float[3 * n];
    int[] semantic = new int[n];
    float[] depth = new float[n];
    float[] normals = new float[3 * n];
    float[] reshading = new float[n];
    float[] curvature = new float[2 * n];
    float[] albedo = new float[3 * n];
    int[] surfaceId = new int[n];

    for (int i = 0; i < h; i++) {
      double sy = (1.0 - 2.0 * (i + 0.5) / h) * tanY;
      for (int j = 0; j < w; j++) {
        double sx = (2.0 * (j + 0.5) / w - 1.0) * tanX;
        // unnormalised ray direction with unit forward component: the ray parameter is the z-depth
        double dx = fx + sx * rx + sy * ux;
        double dy = fy + sx * ry + sy * uy;
        double dz = fz + sx * rz + sy * uz;
        double t = trace(ox, oy, oz, dx, dy, dz);
        double px = ox + t * dx;
        double py = oy + t * dy;
        double pz = oz + t * dz;
        surface(px, py, pz);
        double dLen = Math.sqrt(dx * dx + dy * dy + dz * dz);
        double vx = -dx / dLen;
        double vy = -dy / dLen;
        double vz = -dz / dLen;
        if (nX * vx + nY * vy + nZ * vz < 0) { // seen from behind (camera inside a custom object): face the camera
          nX = -nX;
          nY = -nY;
          nZ = -nZ;
        }
        int p = i * w + j;
        semantic[p] = cls;
        depth[p] = (float) t;
        surfaceId[p] = hitObject + 1;
        normals[p] = (float) (nX * rx + nY * ry + nZ * rz);
        normals[n + p] = (float) (nX * ux + nY * uy + nZ * uz);
        normals[2 * n + p] = (float) -(nX * fx + nY * fy + nZ * fz);
        curvature[p] = (float) k1;
        curvature[n + p] = (float) k2;
        albedo[p] = (float) albR;
        albedo[n + p] = (float) albG;
        albedo[2 * n + p] = (float) albB;
        double nv = nX * vx + nY * vy + nZ * vz;
        reshading[p] = (float) clamp01(nv);

        // ---- RGB shading ----
        double sox = px + SHADOW_EPS * nX;
        double soy = py + SHADOW_EPS * nY;
        double soz = pz + SHADOW_EPS * nZ;
        double light = AMBIENT + HEAD * Math.max(0, nv);
        double keyCos = nX * KEY_X + nY * KEY_Y + nZ * KEY_Z;
        if (keyCos > 0 && !blocked(sox, soy, soz, KEY_X, KEY_Y, KEY_Z, Double.POSITIVE_INFINITY)) {
          light += KEY * keyCos;
        }
        double spec = 0;
        double ldx = lx - px;
        double ldy = ly - py;
        double ldz = lz - pz;
        double dist2 = ldx * ldx + ldy * ldy + ldz * ldz;
        double dist = Math.sqrt(dist2);
        ldx /= dist;
        ldy /= dist;
        ldz /= dist;
        double pointCos = nX * ldx + nY * ldy + nZ * ldz;
        if (pointCos > 0 && !blocked(sox, soy, soz, ldx, ldy, ldz, dist)) {
          double falloff = 1.0 / (1.0 + POINT_FALLOFF * dist2);
          light += POINT * pointCos * falloff;
          if (hitObject >= 0) { // Blinn-Phong highlight on objects, exponent 32
            double hxv = ldx + vx;
            double hyv = ldy + vy;
            double hzv = ldz + vz;
            double hl = Math.sqrt(hxv * hxv + hyv * hyv + hzv * hzv);
            double c = Math.max(0, (nX * hxv + nY * hyv + nZ * hzv) / hl);
            c *= c; // ^2
            c *= c; // ^4
            c *= c; // ^8
            c *= c; // ^16
            c *= c; // ^32
            spec = SPECULAR * c * falloff * 2;
          }
        }
        rgb[p] = (float) Math.sqrt(clamp01(albR * light + spec));
        rgb[n + p] = (float) Math.sqrt(clamp01(albG * light + spec));
        rgb[2 * n + p] = (float) Math.sqrt(clamp01(albB * light + spec));
      }
    }
    float[] textureEdges = sobel(albedo, h, w);
    float[] occlusionEdges = occlusion(surfaceId, depth, h, w);
    float[] keypoints = keypoints();
    return new SceneSample(scene, h, w, rgb, semantic, depth, normals, keypoints, textureEdges, occlusionEdges,
        reshading, curvature);
  }

  static double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }

  // ------------------------------------------------------------------------------------------------------------
  // ray casting

  /** Nearest hit of the ray {@code o + t d}, t > 0, against room and objects; sets hitObject and hitFace. */
  double trace(double px, double py, double pz, double dx, double dy, double dz) {
    double t = Double.POSITIVE_INFINITY;
    int face = -1;
    if (dy < 0) {
      t = -py / dy;
      face = FLOOR;
    } else if (dy > 0) {
      t = (roomH - py) / dy;
      face = CEILING;
    }
    if (dx > 0) {
      double tt = (halfW - px) / dx;
      if (tt < t) {
        t = tt;
        face = WALL_POS_X;
      }
    } else if (dx < 0) {
      double tt = (-halfW - px) / dx;
      if (tt < t) {
        t = tt;
        face = WALL_NEG_X;
      }
    }
    if (dz > 0) {
      double tt = (halfD - pz) / dz;
      if (tt < t) {
        t = tt;
        face = WALL_POS_Z;
      }
    } else if (dz < 0) {
      double tt = (-halfD - pz) / dz;
      if (tt < t) {
        t = tt;
        face = WALL_NEG_Z;
      }
    }
    hitObject = -1;
    hitFace = face;
    for (int k = 0; k < count; k++) {
      double tk = intersect(k, px, py, pz, dx, dy, dz, 0, t);
      if (tk < t) {
        t = tk;
        hitObject = k;
        hitFace = lastFace;
      }
    }
    return t;
  }

  /** Whether any object intersects the ray {@code o + t d} for t in (0, tMax). */
  private boolean blocked(double px, double py, double pz, double dx, double dy, double dz, double tMax) {
    for (int k = 0; k < count; k++) {
      if (intersect(k, px, py, pz, dx, dy, dz, 0, tMax) < tMax) {
        return true;
      }
    }
    return false;
  }

  /**
   * Smallest t in (tMin, tMax) where the ray hits object k, or +infinity; sets lastFace (box: 2*axis + (sign>0 ?
   * 0 : 1); cylinder: 0 side, 1 top, 2 bottom; sphere: 0).
   */
  private double intersect(int k, double px, double py, double pz, double dx, double dy, double dz, double tMin,
      double tMax) {
    double qx = px - cx[k];
    double qy = py - cy[k];
    double qz = pz - cz[k];
    switch (kind[k]) {
      case SPHERE: {
        double r = hx[k];
        double a = dx * dx + dy * dy + dz * dz;
        double b = qx * dx + qy * dy + qz * dz;
        double c = qx * qx + qy * qy + qz * qz - r * r;
        double disc = b * b - a * c;
        if (disc < 0) {
          return Double.POSITIVE_INFINITY;
        }
        double s = Math.sqrt(disc);
        double t = (-b - s) / a;
        if (t <= tMin) {
          t = (-b + s) / a;
        }
        lastFace = 0;
        return t > tMin && t < tMax ? t : Double.POSITIVE_INFINITY;
      }
      case BOX: {
        double cs = cosYaw[k];
        double sn = sinYaw[k];
        double lox = cs * qx - sn * qz;
        double loz = sn * qx + cs * qz;
        double ldx = cs * dx - sn * dz;
        double ldz = sn * dx + cs * dz;
        double tNear = Double.NEGATIVE_INFINITY;
        double tFar = Double.POSITIVE_INFINITY;
        int nearFace = -1;
        int farFace = -1;
        for (int axis = 0; axis < 3; axis++) {
          double o = axis == 0 ? lox : (axis == 1 ? qy : loz);
          double d = axis == 0 ? ldx : (axis == 1 ? dy : ldz);
          double e = axis == 0 ? hx[k] : (axis == 1 ? hy[k] : hz[k]);
          if (d == 0) {
            if (o < -e || o > e) {
              return Double.POSITIVE_INFINITY;
            }
            continue;
          }
          double t1 = (-e - o) / d;
          double t2 = (e - o) / d;
          // entering through the face whose outward normal opposes d
          int enterFace = 2 * axis + (d < 0 ? 0 : 1);
          int exitFace = 2 * axis + (d < 0 ? 1 : 0);
          double tIn = Math.min(t1, t2);
          double tOut = Math.max(t1, t2);
          if (tIn > tNear) {
            tNear = tIn;
            nearFace = enterFace;
          }
          if (tOut < tFar) {
            tFar = tOut;
            farFace = exitFace;
          }
        }
        if (tNear > tFar || tFar <= tMin) {
          return Double.POSITIVE_INFINITY;
        }
        double t;
        if (tNear > tMin) {
          t = tNear;
          lastFace = nearFace;
        } else {
          t = tFar;
          lastFace = farFace;
        }
        return t < tMax ? t : Double.POSITIVE_INFINITY;
      }
      default: { // CYLINDER
        double r = hx[k];
        double hh = hy[k];
        double best = Double.POSITIVE_INFINITY;
        int face = -1;
        double a = dx * dx + dz * dz;
        if (a > 0) {
          double b = qx * dx + qz * dz;
          double c = qx * qx + qz * qz - r * r;
          double disc = b * b - a * c;
          if (disc >= 0) {
            double s = Math.sqrt(disc);
            double t = (-b - s) / a;
            if (t <= tMin || Math.abs(qy + t * dy) > hh) {
              t = (-b + s) / a;
            }
            if (t > tMin && Math.abs(qy + t * dy) <= hh) {
              best = t;
              face = 0;
            }
          }
        }
        if (dy != 0) {
          for (int cap = 1; cap <= 2; cap++) {
            double yc = cap == 1 ? hh : -hh;
            double t = (yc - qy) / dy;
            if (t > tMin && t < best) {
              double x = qx + t * dx;
              double z = qz + t * dz;
              if (x * x + z * z <= r * r) {
                best = t;
                face = cap;
              }
            }
          }
        }
        lastFace = face;
        return best < tMax ? best : Double.POSITIVE_INFINITY;
      }
    }
  }

  // ------------------------------------------------------------------------------------------------------------
  // surface attributes

  /** Sets normal (world, unit), curvature, albedo and class of the last traced hit at point p. */
  private void surface(double px, double py, double pz) {
    if (hitObject < 0) {
      roomSurface(px, py, pz);
      return;
    }
    int k = hitObject;
    double qx = px - cx[k];
    double qy = py - cy[k];
    double qz = pz - cz[k];
    double localX;
    double localZ;
    switch (kind[k]) {
      case SPHERE: {
        double r = hx[k];
        double len = Math.sqrt(qx * qx + qy * qy + qz * qz);
        nX = qx / len;
        nY = qy / len;
        nZ = qz / len;
        k1 = 1.0 / r;
        k2 = 1.0 / r;
        cls = SceneClass.SPHERE.id();
        localX = qx;
        localZ = qz;
        break;
      }
      case BOX: {
        double cs = cosYaw[k];
        double sn = sinYaw[k];
        int axis = hitFace >> 1;
        double sign = (hitFace & 1) == 0 ? 1.0 : -1.0;
        double lnx = axis == 0 ? sign : 0;
        double lnz = axis == 2 ? sign : 0;
        nX = cs * lnx + sn * lnz;
        nY = axis == 1 ? sign : 0;
        nZ = -sn * lnx + cs * lnz;
        k1 = 0;
        k2 = 0;
        cls = SceneClass.BOX.id();
        localX = cs * qx - sn * qz;
        localZ = sn * qx + cs * qz;
        break;
      }
      default: { // CYLINDER
        if (hitFace == 0) {
          double len = Math.sqrt(qx * qx + qz * qz);
          nX = qx / len;
          nY = 0;
          nZ = qz / len;
          k1 = 1.0 / hx[k];
        } else {
          nX = 0;
          nY = hitFace == 1 ? 1 : -1;
          nZ = 0;
          k1 = 0;
        }
        k2 = 0;
        cls = SceneClass.CYLINDER.id();
        localX = qx;
        localZ = qz;
        break;
      }
    }
    double f = objectTexture(texture[k], localX, qy, localZ, k);
    albR = colR[k] * f;
    albG = colG[k] * f;
    albB = colB[k] * f;
  }

  private void roomSurface(double px, double py, double pz) {
    k1 = 0;
    k2 = 0;
    nX = 0;
    nY = 0;
    nZ = 0;
    Vec3 colour;
    double f;
    switch (hitFace) {
      case FLOOR -> {
        nY = 1;
        cls = SceneClass.FLOOR.id();
        colour = room.floorColour();
        f = floorTexture(room.floorTexture(), px, pz, room.floorTileSize());
      }
      case CEILING -> {
        nY = -1;
        cls = SceneClass.CEILING.id();
        colour = room.ceilingColour();
        f = 1.0;
      }
      default -> {
        cls = SceneClass.WALL.id();
        colour = room.wallColour();
        double u;
        switch (hitFace) {
          case WALL_POS_X -> {
            nX = -1;
            u = pz;
          }
          case WALL_NEG_X -> {
            nX = 1;
            u = pz + 101.0;
          }
          case WALL_POS_Z -> {
            nZ = -1;
            u = px + 203.0;
          }
          default -> {
            nZ = 1;
            u = px + 307.0;
          }
        }
        f = py < SKIRTING ? 0.4 : wallTexture(room.wallTexture(), u, py);
      }
    }
    albR = colour.x() * f;
    albG = colour.y() * f;
    albB = colour.z() * f;
  }

  // ------------------------------------------------------------------------------------------------------------
  // procedural textures: factors in (0, 1]

  private static double objectTexture(Texture t, double x, double y, double z, int salt) {
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

  private static double floorTexture(Texture t, double x, double z, double tile) {
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

  private static double wallTexture(Texture t, double u, double y) {
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

  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static double hash01(long a, long b, long c, long salt) {
    long hsh = mix64(a * 0x9E3779B97F4A7C15L + mix64(b * 0xC2B2AE3D27D4EB4FL + mix64(c + salt * 0x165667B19E3779F9L)));
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

  // ------------------------------------------------------------------------------------------------------------
  // derived labels

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
        out[i0 + j] = (float) clamp01(Math.sqrt(best) / 4.0);
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

  /** Keypoint blob width in pixels for this resolution. */
  double keypointSigma() {
    return Math.max(0.75, 1.25 * Math.min(height, width) / 64.0);
  }

  private float[] keypoints() {
    float[] heat = new float[height * width];
    double sigma = keypointSigma();
    // room corners
    for (int c = 0; c < 8; c++) {
      splat(heat, (c & 1) == 0 ? -halfW : halfW, (c & 2) == 0 ? 0 : roomH, (c & 4) == 0 ? -halfD : halfD, sigma);
    }
    for (int k = 0; k < count; k++) {
      if (kind[k] == BOX) {
        for (int c = 0; c < 8; c++) {
          double lxc = (c & 1) == 0 ? -hx[k] : hx[k];
          double lyc = (c & 2) == 0 ? -hy[k] : hy[k];
          double lzc = (c & 4) == 0 ? -hz[k] : hz[k];
          splat(heat, cx[k] + cosYaw[k] * lxc + sinYaw[k] * lzc, cy[k] + lyc,
              cz[k] - sinYaw[k] * lxc + cosYaw[k] * lzc, sigma);
        }
      } else if (kind[k] == CYLINDER) {
        // the points where the silhouette (vertical tangent lines seen from the camera) meets the two rims
        double ex = cx[k] - ox;
        double ez = cz[k] - oz;
        double dist = Math.sqrt(ex * ex + ez * ez);
        double r = hx[k];
        if (dist <= r) {
          continue;
        }
        ex /= dist;
        ez /= dist;
        double cosA = r / dist;
        double sinA = Math.sqrt(1 - cosA * cosA);
        for (int side = -1; side <= 1; side += 2) {
          // T = C + r (-cosA e + side sinA e_perp), e_perp = (-ez, ex)
          double tx = cx[k] + r * (-cosA * ex + side * sinA * -ez);
          double tz = cz[k] + r * (-cosA * ez + side * sinA * ex);
          splat(heat, tx, cy[k] + hy[k], tz, sigma);
          splat(heat, tx, cy[k] - hy[k], tz, sigma);
        }
      }
    }
    return heat;
  }

  /** Adds the Gaussian blob of world point q to the heat map (max-composited) if q is visible. */
  private void splat(float[] heat, double qx, double qy, double qz, double sigma) {
    double vx = qx - ox;
    double vy = qy - oy;
    double vz = qz - oz;
    double z = vx * fx + vy * fy + vz * fz;
    if (z < 0.05) {
      return;
    }
    double ppx = ((vx * rx + vy * ry + vz * rz) / z / tanX + 1.0) * width / 2.0;
    double ppy = (1.0 - (vx * ux + vy * uy + vz * uz) / z / tanY) * height / 2.0;
    double reach = 3 * sigma;
    if (ppx < -reach || ppx > width + reach || ppy < -reach || ppy > height + reach) {
      return;
    }
    // visible if nothing lies in front of it along the camera ray (q sits at t = 1)
    double t = trace(ox, oy, oz, vx, vy, vz);
    if (t < 1 - 1e-3) {
      return;
    }
    int i0 = Math.max(0, (int) Math.floor(ppy - reach));
    int i1 = Math.min(height - 1, (int) Math.ceil(ppy + reach));
    int j0 = Math.max(0, (int) Math.floor(ppx - reach));
    int j1 = Math.min(width - 1, (int) Math.ceil(ppx + reach));
    double inv = 1.0 / (2 * sigma * sigma);
    for (int i = i0; i <= i1; i++) {
      double di = i + 0.5 - ppy;
      for (int j = j0; j <= j1; j++) {
        double dj = j + 0.5 - ppx;
        double d2 = di * di + dj * dj;
        if (d2 > reach * reach) {
          continue;
        }
        float v = (float) StrictMath.exp(-d2 * inv);
        int p = i * width + j;
        if (v > heat[p]) {
          heat[p] = v;
        }
      }
    }
  }
}
