package org.mtl4j.datasets.synthetic;

import java.util.List;

/**
 * The scene's geometry flattened into primitive arrays (the room's six faces and one entry per object), and the ray
 * queries on it: the nearest hit and whether a segment is blocked. The arrays are read by the surface attributes and
 * the keypoints; the nearest hit's object and face are scratch state of the last {@link #trace} (not thread-safe).
 */
final class RayCaster {

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

  final Room room;
  final double halfW;
  final double roomH;
  final double halfD;

  final int count;
  final int[] kind;
  final double[] cx;
  final double[] cy;
  final double[] cz;
  final double[] hx;
  final double[] hy;
  final double[] hz;
  final double[] cosYaw;
  final double[] sinYaw;
  final double[] colR;
  final double[] colG;
  final double[] colB;
  final Texture[] texture;

  // ---- scratch, written by trace()/intersect() ----
  private int hitObject;
  private int hitFace;
  private int lastFace;

  RayCaster(Scene scene) {
    room = scene.room();
    halfW = room.width() / 2;
    roomH = room.height();
    halfD = room.depth() / 2;
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

  /** @return the object index of the last {@link #trace}'s hit, or -1 for the room */
  int hitObject() {
    return hitObject;
  }

  /**
   * @return the face of the last {@link #trace}'s hit: a room face ({@link #FLOOR} …) when {@link #hitObject} is -1,
   *     else the object's face as {@link #intersect} numbers it
   */
  int hitFace() {
    return hitFace;
  }

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
  boolean blocked(double px, double py, double pz, double dx, double dy, double dz, double tMax) {
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
}
