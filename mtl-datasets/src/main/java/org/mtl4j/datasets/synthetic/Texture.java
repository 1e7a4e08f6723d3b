package org.mtl4j.datasets.synthetic;

/**
 * Procedural albedo patterns of the synthetic scenes. A texture multiplies the base colour of a surface by a
 * factor in (0, 1] that depends only on the position of the point on the surface (solid texturing in the object's
 * own frame, so patterns move with the object). The {@link #id()} of a texture is its ordinal.
 *
 * <p>Scales: on objects, {@link #CHECKER} cells are 0.12 m, {@link #STRIPES} are horizontal bands of 0.08 m and
 * {@link #NOISE} is value noise with 0.2 m cells. On the floor, {@link #CHECKER} tiles and {@link #STRIPES} planks
 * follow {@link Room#floorTileSize()}; on walls {@link #STRIPES} are vertical wallpaper stripes.
 */
public enum Texture {
  /** Uniform colour. */
  PLAIN,
  /** Two-tone checkerboard (floor tiles, or 3-D checker cells on objects). */
  CHECKER,
  /** Alternating bands (planks with seams on the floor, vertical stripes on walls, horizontal rings on objects). */
  STRIPES,
  /** Smooth value noise (plaster, carpet, mottled paint). */
  NOISE;

  /** Returns the numeric texture id (the ordinal). */
  public int id() {
    return ordinal();
  }
}
