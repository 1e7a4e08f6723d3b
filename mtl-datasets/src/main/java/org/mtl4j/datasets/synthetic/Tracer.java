package org.mtl4j.datasets.synthetic;

/**
 * Renders every output of a {@link SceneSample} for one {@link Scene}: casts one ray per pixel ({@link RayCaster}),
 * reads the surface attributes at the hit ({@link SurfaceAttributes}), shades the RGB image and derives the edge
 * ({@link EdgeLabels}) and keypoint ({@link KeypointLabels}) labels. Not thread-safe (its parts have scratch fields);
 * {@link SceneRenderer} creates one per call, so rendering shares no mutable state. Only correctly rounded arithmetic
 * and {@link StrictMath} are used, so results are bit-identical on every JVM and thread.
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

  private static final double SHADOW_EPS = 1e-5;

  private final Scene scene;
  private final CameraFrame cam;
  private final RayCaster rays;
  private final SurfaceAttributes surface;
  private final double lx;
  private final double ly;
  private final double lz;

  Tracer(Scene scene) {
    this.scene = scene;
    cam = new CameraFrame(scene.camera());
    rays = new RayCaster(scene);
    surface = new SurfaceAttributes(rays);
    lx = scene.lightPosition().x();
    ly = scene.lightPosition().y();
    lz = scene.lightPosition().z();
  }

  /** @return the image and every label of the scene */
  SceneSample render() {
    final int h = cam.height;
    final int w = cam.width;
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
      double sy = (1.0 - 2.0 * (i + 0.5) / h) * cam.tanY;
      for (int j = 0; j < w; j++) {
        double sx = (2.0 * (j + 0.5) / w - 1.0) * cam.tanX;
        // unnormalised ray direction with unit forward component: the ray parameter is the z-depth
        double dx = cam.fx + sx * cam.rx + sy * cam.ux;
        double dy = cam.fy + sx * cam.ry + sy * cam.uy;
        double dz = cam.fz + sx * cam.rz + sy * cam.uz;
        double t = rays.trace(cam.ox, cam.oy, cam.oz, dx, dy, dz);
        double px = cam.ox + t * dx;
        double py = cam.oy + t * dy;
        double pz = cam.oz + t * dz;
        surface.set(px, py, pz);
        double nX = surface.nX;
        double nY = surface.nY;
        double nZ = surface.nZ;
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
        semantic[p] = surface.cls;
        depth[p] = (float) t;
        surfaceId[p] = rays.hitObject() + 1;
        normals[p] = (float) (nX * cam.rx + nY * cam.ry + nZ * cam.rz);
        normals[n + p] = (float) (nX * cam.ux + nY * cam.uy + nZ * cam.uz);
        normals[2 * n + p] = (float) -(nX * cam.fx + nY * cam.fy + nZ * cam.fz);
        curvature[p] = (float) surface.k1;
        curvature[n + p] = (float) surface.k2;
        albedo[p] = (float) surface.albR;
        albedo[n + p] = (float) surface.albG;
        albedo[2 * n + p] = (float) surface.albB;
        double nv = nX * vx + nY * vy + nZ * vz;
        reshading[p] = (float) SceneMath.clamp01(nv);

        // ---- RGB shading ----
        double sox = px + SHADOW_EPS * nX;
        double soy = py + SHADOW_EPS * nY;
        double soz = pz + SHADOW_EPS * nZ;
        double light = AMBIENT + HEAD * Math.max(0, nv);
        double keyCos = nX * KEY_X + nY * KEY_Y + nZ * KEY_Z;
        if (keyCos > 0 && !rays.blocked(sox, soy, soz, KEY_X, KEY_Y, KEY_Z, Double.POSITIVE_INFINITY)) {
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
        if (pointCos > 0 && !rays.blocked(sox, soy, soz, ldx, ldy, ldz, dist)) {
          double falloff = 1.0 / (1.0 + POINT_FALLOFF * dist2);
          light += POINT * pointCos * falloff;
          if (rays.hitObject() >= 0) { // Blinn-Phong highlight on objects, exponent 32
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
        rgb[p] = (float) Math.sqrt(SceneMath.clamp01(surface.albR * light + spec));
        rgb[n + p] = (float) Math.sqrt(SceneMath.clamp01(surface.albG * light + spec));
        rgb[2 * n + p] = (float) Math.sqrt(SceneMath.clamp01(surface.albB * light + spec));
      }
    }
    float[] textureEdges = EdgeLabels.sobel(albedo, h, w);
    float[] occlusionEdges = EdgeLabels.occlusion(surfaceId, depth, h, w);
    float[] keypoints = new KeypointLabels(cam, rays).render();
    return new SceneSample(scene, h, w, rgb, semantic, depth, normals, keypoints, textureEdges, occlusionEdges,
        reshading, curvature);
  }
}
