/**
 * The embedded synthetic multi-task data set: a deterministic, dependency-free ray caster of rooms with boxes,
 * spheres and cylinders ({@link org.mtl4j.datasets.synthetic.SceneRenderer}) that yields an RGB image and exact
 * labels for the Taskonomy tasks s, d, n, k, t, e, r and c ({@link org.mtl4j.datasets.synthetic.SceneSample}).
 * Pure Java; the DJL data set wrapper lives elsewhere.
 */
package org.mtl4j.datasets.synthetic;
