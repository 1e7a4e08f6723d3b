package org.mtl4j.datasets.synthetic;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * The immutable geometry and appearance of one synthetic sample: camera, room, objects and the position of the
 * ceiling point light. {@link SceneRenderer#scene(long, long)} draws a random one; {@link #of} builds a custom one
 * (e.g. for tests), which {@link SceneRenderer#render(Scene)} renders.
 *
 * <p>Lighting of the RGB image (fixed in the renderer, documented in {@link SceneRenderer}) is an ambient term, a
 * fixed directional key light, this scene's point light and a weak head light at the camera.
 *
 * @param camera        the camera; must lie strictly inside the room
 * @param room          the enclosing room
 * @param objects       the solids (an immutable copy is kept); may be empty; should not contain the camera
 * @param lightPosition position of the point light, strictly inside the room
 */
public record Scene(Camera camera, Room room, List<SceneObject> objects, Vec3 lightPosition) {

  /**
   * Validates the scene and copies {@code objects}.
   *
   * @throws IllegalArgumentException if the camera or the light is not strictly inside the room
   */
  public Scene {
    checkNotNull(camera, "camera");
    checkNotNull(room, "room");
    checkNotNull(lightPosition, "lightPosition");
    objects = List.copyOf(checkNotNull(objects, "objects"));
    checkArgument(room.contains(camera.position(), 1e-3),
        "camera position %s must be inside the room (%s x %s x %s m)", camera.position(), room.width(),
        room.height(), room.depth());
    checkArgument(room.contains(lightPosition, 1e-3),
        "light position %s must be inside the room", lightPosition);
  }

  /** Returns a scene whose point light hangs 10 cm below the centre of the ceiling. */
  public static Scene of(Camera camera, Room room, List<SceneObject> objects) {
    checkNotNull(room, "room");
    return new Scene(camera, room, objects, new Vec3(0, room.height() - 0.1, 0));
  }
}
