package org.mtl4j.datasets.synthetic;

/**
 * A {@link Camera} flattened into doubles for the pixel loops: image size, position {@code o}, the orthonormal
 * frame (forward {@code f}, right {@code r}, up {@code u}) and the tangents of the half fields of view.
 */
final class CameraFrame {

  final int height;
  final int width;
  final double ox;
  final double oy;
  final double oz;
  final double fx;
  final double fy;
  final double fz;
  final double rx;
  final double ry;
  final double rz;
  final double ux;
  final double uy;
  final double uz;
  final double tanX;
  final double tanY;

  CameraFrame(Camera cam) {
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
  }
}
