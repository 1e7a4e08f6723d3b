package org.mtl4j.datasets.synthetic;

/**
 * The surface attributes at the last hit of a {@link RayCaster}: the world-space unit normal, the two principal
 * curvatures, the textured albedo and the semantic class. Scratch fields, rewritten by every {@link #set}.
 */
final class SurfaceAttributes {

  private static final double SKIRTING = 0.08;

  private final RayCaster rays;

  double nX;
  double nY;
  double nZ;
  double k1;
  double k2;
  double albR;
  double albG;
  double albB;
  int cls;

  SurfaceAttributes(RayCaster rays) {
    this.rays = rays;
  }

  /** Sets normal (world, unit), curvature, albedo and class of the last traced hit at point p. */
  void set(double px, double py, double pz) {
    if (rays.hitObject() < 0) {
      roomSurface(px, py, pz);
      return;
    }
    int k = rays.hitObject();
    int hitFace = rays.hitFace();
    double qx = px - rays.cx[k];
    double qy = py - rays.cy[k];
    double qz = pz - rays.cz[k];
    double localX;
    double localZ;
    switch (rays.kind[k]) {
      case RayCaster.SPHERE: {
        double r = rays.hx[k];
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
      case RayCaster.BOX: {
        double cs = rays.cosYaw[k];
        double sn = rays.sinYaw[k];
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
          k1 = 1.0 / rays.hx[k];
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
    double f = ProceduralTextures.objectTexture(rays.texture[k], localX, qy, localZ, k);
    albR = rays.colR[k] * f;
    albG = rays.colG[k] * f;
    albB = rays.colB[k] * f;
  }

  private void roomSurface(double px, double py, double pz) {
    k1 = 0;
    k2 = 0;
    nX = 0;
    nY = 0;
    nZ = 0;
    Room room = rays.room;
    int face = rays.hitFace();
    Vec3 colour;
    double f;
    switch (face) {
      case RayCaster.FLOOR -> {
        nY = 1;
        cls = SceneClass.FLOOR.id();
        colour = room.floorColour();
        f = ProceduralTextures.floorTexture(room.floorTexture(), px, pz, room.floorTileSize());
      }
      case RayCaster.CEILING -> {
        nY = -1;
        cls = SceneClass.CEILING.id();
        colour = room.ceilingColour();
        f = 1.0;
      }
      default -> {
        cls = SceneClass.WALL.id();
        colour = room.wallColour();
        double u;
        switch (face) {
          case RayCaster.WALL_POS_X -> {
            nX = -1;
            u = pz;
          }
          case RayCaster.WALL_NEG_X -> {
            nX = 1;
            u = pz + 101.0;
          }
          case RayCaster.WALL_POS_Z -> {
            nZ = -1;
            u = px + 203.0;
          }
          default -> {
            nZ = 1;
            u = px + 307.0;
          }
        }
        f = py < SKIRTING ? 0.4 : ProceduralTextures.wallTexture(room.wallTexture(), u, py);
      }
    }
    albR = colour.x() * f;
    albG = colour.y() * f;
    albB = colour.z() * f;
  }
}
