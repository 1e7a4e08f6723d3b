package org.mtl4j.datasets.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact geometric checks of {@link SceneRenderer} on hand-built scenes, plus value ranges on random ones. */
class SceneRendererTest {

  /** Odd size, so the centre pixel's ray is exactly the camera's forward axis. */
  private static final int SIZE = 65;
  private static final int CENTRE = 32;
  private static final double FOV = Math.PI / 3;
  private static final Vec3 GREY = new Vec3(0.5, 0.5, 0.5);

  private final SceneRenderer renderer = new SceneRenderer(SIZE, SIZE);

  private static Camera levelCamera(Vec3 position, double yaw) {
    return Camera.of(position, yaw, 0, FOV, SIZE, SIZE);
  }

  private static Scene sceneWith(Camera camera, SceneObject... objects) {
    return Scene.of(camera, Room.of(8, 3, 8), List.of(objects));
  }

  private static void assertNormal(SceneSample s, int p, double x, double y, double z, double tol) {
    int n = s.height() * s.width();
    assertEquals(x, s.normals()[p], tol, "normal x");
    assertEquals(y, s.normals()[n + p], tol, "normal y");
    assertEquals(z, s.normals()[2 * n + p], tol, "normal z");
  }

  private static void assertCurvature(SceneSample s, int p, double k1, double k2) {
    int n = s.height() * s.width();
    assertEquals(k1, s.curvature()[p], 1e-5, "k1");
    assertEquals(k2, s.curvature()[n + p], 1e-5, "k2");
  }

  @Test
  void sphereStraightAheadHasExactDepthNormalCurvatureAndSilhouette() {
    double r = 0.5;
    double d = 4.0;
    Camera cam = levelCamera(new Vec3(0, 1.5, 2), 0); // looks along -z
    SceneSample s = renderer.render(sceneWith(cam, SceneObject.sphere(new Vec3(0, 1.5, 2 - d), r, GREY,
        Texture.PLAIN)));
    int p = s.index(CENTRE, CENTRE);
    assertEquals(d - r, s.depth()[p], 1e-3);
    assertEquals(SceneClass.SPHERE.id(), s.semantic()[p]);
    assertNormal(s, p, 0, 0, 1, 1e-6);
    assertCurvature(s, p, 1 / r, 1 / r);
    assertEquals(1.0, s.reshading()[p], 1e-6, "surface facing the camera light");
    assertEquals(0f, s.occlusionEdges()[p]);

    // angular radius asin(r/d): tan = r / sqrt(d² - r²) = 0.1260; pixel j is at tan (j + 0.5 - 32.5)/32.5 * tan 30°
    // so columns 25..39 of the centre row see the sphere (offset 7 px: 0.1243) and 24, 40 (0.1421) do not.
    for (int j = 0; j < SIZE; j++) {
      boolean inside = j >= 25 && j <= 39;
      assertEquals(inside ? SceneClass.SPHERE.id() : SceneClass.WALL.id(), s.semantic()[s.index(CENTRE, j)],
          "column " + j);
    }
    // occluding side of the silhouette is marked, the wall behind and the interior are not
    assertEquals(1f, s.occlusionEdges()[s.index(CENTRE, 25)]);
    assertEquals(1f, s.occlusionEdges()[s.index(CENTRE, 39)]);
    assertEquals(1f, s.occlusionEdges()[s.index(25, CENTRE)]);
    assertEquals(0f, s.occlusionEdges()[s.index(CENTRE, 24)]);
    assertEquals(0f, s.occlusionEdges()[s.index(CENTRE, 30)]);
    // the silhouette is a closed ring of occlusion edges around the disc, nothing elsewhere
    int edges = 0;
    for (int i = 0; i < SIZE; i++) {
      for (int j = 0; j < SIZE; j++) {
        int q = s.index(i, j);
        if (s.occlusionEdges()[q] > 0) {
          edges++;
          assertEquals(SceneClass.SPHERE.id(), s.semantic()[q], "edge pixel (" + i + "," + j + ")");
        }
      }
    }
    assertTrue(edges >= 40 && edges <= 70, "ring of about 2π·7 pixels, got " + edges);
    // albedo edge at the silhouette too (grey sphere against beige wall)
    assertTrue(s.textureEdges()[s.index(CENTRE, 25)] > 0.05f);
    assertEquals(0f, s.textureEdges()[p]);
  }

  @Test
  void cylinderSideHasCurvatureOneOverRadiusAndZero() {
    Camera cam = levelCamera(new Vec3(0, 1.5, 0), 0);
    SceneSample s = renderer.render(sceneWith(cam,
        SceneObject.cylinder(new Vec3(0, 1.5, -3), 0.4, 2.8, GREY, Texture.STRIPES)));
    int p = s.index(CENTRE, CENTRE);
    assertEquals(SceneClass.CYLINDER.id(), s.semantic()[p]);
    assertEquals(2.6, s.depth()[p], 1e-4);
    assertNormal(s, p, 0, 0, 1, 1e-6);
    assertCurvature(s, p, 1 / 0.4, 0);
  }

  @Test
  void rotatedBoxFaceHasPlaneNormalAndZeroCurvature() {
    double yaw = 0.3;
    double half = 0.5;
    Camera cam = levelCamera(new Vec3(0, 1.5, 0), 0);
    SceneSample s = renderer.render(sceneWith(cam,
        SceneObject.box(new Vec3(0, 1.5, -3), 2 * half, 2 * half, 2 * half, yaw, GREY, Texture.CHECKER)));
    int p = s.index(CENTRE, CENTRE);
    assertEquals(SceneClass.BOX.id(), s.semantic()[p]);
    // the local +z face has world normal (sin yaw, 0, cos yaw) and lies half away from the centre along it
    assertEquals(3 - half / Math.cos(yaw), s.depth()[p], 1e-5);
    assertNormal(s, p, Math.sin(yaw), 0, Math.cos(yaw), 1e-6);
    assertCurvature(s, p, 0, 0);
  }

  @Test
  void wallAndFloorPixelsMatchTheRoomGeometry() {
    double yaw = Math.PI / 6;
    double eye = 1.5;
    Camera cam = levelCamera(new Vec3(0, eye, 0), yaw);
    SceneSample s = renderer.render(sceneWith(cam));
    // centre ray heads (-sin 30°, 0, -cos 30°) and meets the wall z = -4 with normal (0, 0, 1)
    int p = s.index(CENTRE, CENTRE);
    assertEquals(SceneClass.WALL.id(), s.semantic()[p]);
    assertEquals(4 / Math.cos(yaw), s.depth()[p], 1e-4);
    assertNormal(s, p, -Math.sin(yaw), 0, Math.cos(yaw), 1e-6);
    Vec3 expected = cam.toCameraFrame(new Vec3(0, 0, 1));
    assertNormal(s, p, expected.x(), expected.y(), expected.z(), 1e-6);
    assertCurvature(s, p, 0, 0);

    // bottom row: ray slope sy = (1 - 2 * 64.5 / 65) tan 30°; the floor is eye / -sy ahead in z-depth
    int bottom = s.index(SIZE - 1, CENTRE);
    double sy = (1 - 2 * (SIZE - 0.5) / SIZE) * Math.tan(FOV / 2);
    assertEquals(SceneClass.FLOOR.id(), s.semantic()[bottom]);
    assertEquals(eye / -sy, s.depth()[bottom], 1e-4);
    assertNormal(s, bottom, 0, 1, 0, 1e-6);
    assertCurvature(s, bottom, 0, 0);
    // top row: ceiling 1.5 m above the eye
    int top = s.index(0, CENTRE);
    assertEquals(SceneClass.CEILING.id(), s.semantic()[top]);
    assertEquals((3 - eye) / -sy, s.depth()[top], 1e-4);
    assertNormal(s, top, 0, -1, 0, 1e-6);
    // an empty convex room has no occlusion edges
    for (float e : s.occlusionEdges()) {
      assertEquals(0f, e);
    }
  }

  @Test
  void visibleBoxCornerIsAKeypoint() {
    Camera cam = Camera.of(new Vec3(0.3, 1.5, 0), 0, -0.35, FOV, SIZE, SIZE);
    SceneSample s = renderer.render(sceneWith(cam,
        SceneObject.box(new Vec3(0, 0.4, -3), 0.8, 0.8, 0.8, 0, GREY, Texture.PLAIN)));
    double[] proj = cam.project(new Vec3(0.4, 0.8, -2.6)); // top front right corner, visible
    int i = (int) Math.floor(proj[1]);
    int j = (int) Math.floor(proj[0]);
    assertTrue(s.keypoints()[s.index(i, j)] > 0.6f, "heat at the corner: " + s.keypoints()[s.index(i, j)]);
    // far from any corner (centre of the front face) the heat map is zero
    double[] face = cam.project(new Vec3(0, 0.4, -2.6));
    assertEquals(0f, s.keypoints()[s.index((int) face[1], (int) face[0])]);
  }

  @Test
  void rayDirectionAndProjectionAgreeWithRenderedDepth() {
    SceneRenderer r = new SceneRenderer(48, 64);
    SceneSample s = r.render(11, 3);
    Scene scene = s.scene();
    Camera cam = scene.camera();
    Room room = scene.room();
    for (int i = 0; i < s.height(); i += 3) {
      for (int j = 0; j < s.width(); j += 3) {
        int p = s.index(i, j);
        double[] dir = cam.rayDirection(j + 0.5, i + 0.5);
        Vec3 d = new Vec3(dir[0], dir[1], dir[2]);
        double t = s.depth()[p] / d.dot(cam.forward());
        Vec3 hit = cam.position().plus(d.times(t));
        double[] back = cam.project(hit);
        assertEquals(j + 0.5, back[0], 1e-3);
        assertEquals(i + 0.5, back[1], 1e-3);
        assertEquals(s.depth()[p], back[2], 1e-4);
        double tol = 1e-3 * (1 + s.depth()[p]);
        switch (SceneClass.ofId(s.semantic()[p])) {
          case FLOOR -> assertEquals(0, hit.y(), tol);
          case CEILING -> assertEquals(room.height(), hit.y(), tol);
          case WALL -> assertTrue(Math.abs(Math.abs(hit.x()) - room.width() / 2) < tol
              || Math.abs(Math.abs(hit.z()) - room.depth() / 2) < tol, "wall point " + hit);
          default -> assertTrue(hit.y() > -tol && hit.y() < room.height(), "object point " + hit);
        }
      }
    }
  }

  @Test
  void randomSamplesHaveValidRanges() {
    SceneRenderer r = new SceneRenderer(32, 40);
    for (long index = 0; index < 12; index++) {
      SceneSample s = r.render(2024, index);
      int n = s.height() * s.width();
      assertEquals(32, s.height());
      assertEquals(40, s.width());
      assertEquals(3 * n, s.rgb().length);
      Scene scene = s.scene();
      assertTrue(scene.objects().size() >= 1 && scene.objects().size() <= 7);
      double diagonal = Math.sqrt(Math.pow(scene.room().width(), 2) + Math.pow(scene.room().height(), 2)
          + Math.pow(scene.room().depth(), 2));
      for (SceneObject o : scene.objects()) {
        assertEquals(o.halfExtents().y(), o.centre().y(), 1e-12, "stands on the floor");
        double dx = o.centre().x() - scene.camera().position().x();
        double dz = o.centre().z() - scene.camera().position().z();
        assertTrue(Math.hypot(dx, dz) > o.footprintRadius(), "camera outside the object");
      }
      for (float v : s.rgb()) {
        assertTrue(v >= 0 && v <= 1, "rgb " + v);
      }
      double tanY = scene.camera().tanHalfFovY();
      double tanX = scene.camera().tanHalfFovX();
      boolean sawObject = false;
      for (int i = 0; i < s.height(); i++) {
        for (int j = 0; j < s.width(); j++) {
          int p = s.index(i, j);
          float nx = s.normals()[p];
          float ny = s.normals()[n + p];
          float nz = s.normals()[2 * n + p];
          assertEquals(1, Math.sqrt(nx * nx + ny * ny + nz * nz), 1e-4, "unit normal");
          // facing the camera: the normal points back along the viewing ray (camera frame ray: (sx, sy, -1))
          double sx = (2 * (j + 0.5) / s.width() - 1) * tanX;
          double sy = (1 - 2 * (i + 0.5) / s.height()) * tanY;
          assertTrue(-sx * nx - sy * ny + nz >= -1e-5, "normal faces the camera");
          assertTrue(s.depth()[p] > 0 && s.depth()[p] < diagonal, "depth " + s.depth()[p]);
          int c = s.semantic()[p];
          assertTrue(c >= 0 && c < SceneClass.COUNT);
          sawObject |= c >= SceneClass.BOX.id();
          float k1 = s.curvature()[p];
          float k2 = s.curvature()[n + p];
          assertTrue(k1 >= k2 && k2 >= 0, "k1 >= k2 >= 0");
          if (c <= SceneClass.CEILING.id()) {
            assertEquals(0f, k1);
          }
          if (c == SceneClass.SPHERE.id()) {
            assertEquals(k1, k2);
          }
          assertUnit(s.keypoints()[p], "keypoints");
          assertUnit(s.textureEdges()[p], "textureEdges");
          assertUnit(s.reshading()[p], "reshading");
          float e = s.occlusionEdges()[p];
          assertTrue(e == 0f || e == 1f, "occlusion edge " + e);
        }
      }
      assertTrue(sawObject || index != 0, "first sample shows an object");
    }
  }

  private static void assertUnit(float v, String what) {
    assertTrue(v >= 0 && v <= 1, what + " " + v);
  }

  @Test
  void validatesArguments() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SceneRenderer(7, 64));
    assertTrue(e.getMessage().contains("7"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SceneRenderer(64, 1025));
    assertTrue(e.getMessage().contains("1025"), e.getMessage());
    Scene wrongSize = Scene.of(Camera.of(new Vec3(0, 1.5, 0), 0, 0, FOV, 16, 16), Room.of(8, 3, 8), List.of());
    e = assertThrows(IllegalArgumentException.class, () -> renderer.render(wrongSize));
    assertTrue(e.getMessage().contains("16x16"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Scene.of(levelCamera(new Vec3(5, 1.5, 0), 0), Room.of(8, 3, 8), List.of()));
    assertTrue(e.getMessage().contains("5.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SceneObject.sphere(Vec3.ZERO, -1, GREY, Texture.PLAIN));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SceneClass.ofId(SceneClass.COUNT));
  }

  @Test
  void sceneIsImmutable() {
    Scene scene = renderer.scene(5, 1);
    assertThrows(UnsupportedOperationException.class, () -> scene.objects().clear());
    assertEquals(scene, renderer.scene(5, 1));
    assertFalse(Arrays.equals(renderer.render(scene).rgb(), renderer.render(renderer.scene(5, 2)).rgb()));
  }
}
