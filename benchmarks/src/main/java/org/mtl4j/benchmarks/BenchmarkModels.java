package org.mtl4j.benchmarks;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.datasets.SyntheticScenes;
import org.mtl4j.losses.Weightings;

/** Shared set-up of the benchmarks: synthetic data rendered once, and models built like {@code mtl train}'s. */
final class BenchmarkModels {

    /** The encoder width of {@code mtl train}'s default. */
    static final int WIDTH = 16;

    private BenchmarkModels() {}

    static List<String> letters(int taskCount) {
        String all = "sdnkterc";
        if (taskCount < 1 || taskCount > all.length()) {
            throw new IllegalArgumentException("numTasks must lie in [1, 8], got " + taskCount);
        }
        return all.substring(0, taskCount).chars().mapToObj(c -> String.valueOf((char) c)).toList();
    }

    static Device device(String name) {
        switch (name) {
            case "cpu":
                return Device.cpu();
            case "gpu":
                if (Engine.getInstance().getGpuCount() == 0) {
                    throw new IllegalStateException("device=gpu skipped: the engine sees no GPU (the CPU natives "
                            + "are pinned; a GPU run needs pytorch-native-cu128 on the class path)");
                }
                return Device.gpu();
            default:
                throw new IllegalArgumentException("device must be cpu or gpu, got " + name);
        }
    }

    static InMemoryMultiTaskDataset data(List<String> letters, int size, int samples) {
        return SyntheticScenes.render(letters, size, 42, 0, samples, Runtime.getRuntime().availableProcessors());
    }

    static MultiTaskModel model(String arch, String weighting, String mode, List<String> letters, int size,
            int batchSize, int steps, String device) {
        return model(arch, weighting, mode, letters, size, batchSize, steps, device, WIDTH);
    }

    static MultiTaskModel model(String arch, String weighting, String mode, List<String> letters, int size,
            int batchSize, int steps, String device, int width) {
        TrainingSettings settings = TrainingSettings.builder().epochs(1).batchSize(batchSize)
                .maxBatchesPerEpoch(steps).learningRate(2e-3f).seed(42).gradientMode(GradientMode.fromFlag(mode))
                .progressBar(false).verbose(false).build();
        return MultiTask.builder().input(3, size, size).encoder(Encoders.resNet(width))
                .sharing(Architectures.byName(arch)).tasks(SyntheticScenes.tasks(letters))
                .weighting(Weightings.byName(weighting, letters.size())).settings(settings)
                .device(device(device)).build();
    }
}
