package org.mtl4j.datasets.synthetic;

/**
 * The keypoint label: a Gaussian blob, max-composited, at every visible corner of the room and the boxes and at the
 * points where a cylinder's silhouette meets its rims.
 */
final class KeypointLabels {

  private final CameraFrame cam;
  private final RayCaster rays;

  KeypointLabels(CameraFrame cam, RayCaster rays) {
    this.cam = cam;
    this.rays = rays;
  }

  /** Keypoint blob width in pixels for this resolution. */
  private double sigma() {
    return Math.max(0.75, 1.25 * Math.min(cam.height, cam.width) / 64.0);
  }

  /** @return the keypoint heat map, row-major {@code height × width} */
  float[] render() {
    float[] heat = new float[cam.height * cam.width];
    double sigma = sigma();
    // room corners
    for (int c = 0; c < 8; c++) {
      splat(heat, (c & 1) == 0 ? -rays.halfW : rays.halfW, (c & 2) == 0 ? 0 : rays.roomH,
          (c & 4) == 0 ? -rays.halfD : rays.halfD, sigma);
    }
    for (int k = 0; k < rays.count; k++) {
      if (rays.kind[k] == RayCaster.BOX) {
        for (int c = 0; c < 8; c++) {
          double lxc = (c & 1) == 0 ? -rays.hx[k] : rays.hx[k];
          double lyc = (c & 2) == 0 ? -rays.hy[k] : rays.hy[k];
          double lzc = (c & 4) == 0 ? -rays.hz[k] : rays.hz[k];
          splat(heat, rays.cx[k] + rays.cosYaw[k] * lxc + rays.sinYaw[k] * lzc, rays.cy[k] + lyc,
              rays.cz[k] - rays.sinYaw[k] * lxc + rays.cosYaw[k] * lzc, sigma);
        }
      } else if (rays.kind[k] == RayCaster.CYLINDER) {
        // the points where the silhouette (vertical tangent lines seen from the camera) meets the two rims
        double ex = rays.cx[k] - cam.ox;
        double ez = rays.cz[k] - cam.oz;
        double dist = Math.sqrt(ex * ex + ez * ez);
        double r = rays.hx[k];
        if (dist <= r) {
          continue;
        }
        ex /= dist;
        ez /= dist;
        double cosA = r / dist;
        double sinA = Math.sqrt(1 - cosA * cosA);
        for (int side = -1; side <= 1; side += 2) {
          // T = C + r (-cosA e + side sinA e_perp), e_perp = (-ez, ex)
          double tx = rays.cx[k] + r * (-cosA * ex + side * sinA * -ez);
          double tz = rays.cz[k] + r * (-cosA * ez + side * sinA * ex);
          splat(heat, tx, rays.cy[k] + rays.hy[k], tz, sigma);
          splat(heat, tx, rays.cy[k] - rays.hy[k], tz, sigma);
        }
      }
    }
    return heat;
  }

  /** Adds the Gaussian blob of world point q to the heat map (max-composited) if q is visible. */
  private void splat(float[] heat, double qx, double qy, double qz, double sigma) {
    double vx = qx - cam.ox;
    double vy = qy - cam.oy;
    double vz = qz - cam.oz;
    double z = vx * cam.fx + vy * cam.fy + vz * cam.fz;
    if (z < 0.05) {
      return;
    }
    double ppx = ((vx * cam.rx + vy * cam.ry + vz * cam.rz) / z / cam.tanX + 1.0) * cam.width / 2.0;
    double ppy = (1.0 - (vx * cam.ux + vy * cam.uy + vz * cam.uz) / z / cam.tanY) * cam.height / 2.0;
    double reach = 3 * sigma;
    if (ppx < -reach || ppx > cam.width + reach || ppy < -reach || ppy > cam.height + reach) {
      return;
    }
    // visible if nothing lies in front of it along the camera ray (q sits at t = 1)
    double t = rays.trace(cam.ox, cam.oy, cam.oz, vx, vy, vz);
    if (t < 1 - 1e-3) {
      return;
    }
    int i0 = Math.max(0, (int) Math.floor(ppy - reach));
    int i1 = Math.min(cam.height - 1, (int) Math.ceil(ppy + reach));
    int j0 = Math.max(0, (int) Math.floor(ppx - reach));
    int j1 = Math.min(cam.width - 1, (int) Math.ceil(ppx + reach));
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
        int p = i * cam.width + j;
        if (v > heat[p]) {
          heat[p] = v;
        }
      }
    }
  }
}
