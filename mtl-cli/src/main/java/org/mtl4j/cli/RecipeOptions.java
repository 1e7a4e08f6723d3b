package org.mtl4j.cli;

import org.mtl4j.datasets.DataSources;
import picocli.CommandLine.Option;

/**
 * The options every training command of {@code mtl} shares — which data, which tasks, and the network's recipe —
 * as one picocli mixin, so that they read the same everywhere.
 */
final class RecipeOptions {

    @Option(names = "--data", defaultValue = "synthetic",
            description = "Data set: " + DataSources.NAMES + " (default ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--tasks", description = "Comma-separated tasks (default: the data set's default; "
            + "synthetic: s,d,n,k,e from s,d,n,k,t,e,r,c).")
    String tasks;

    @Option(names = "--size", defaultValue = "64", description = "Image size in pixels (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--train-samples", defaultValue = "800",
            description = "Training samples (default ${DEFAULT-VALUE}).")
    int trainSamples;

    @Option(names = "--batch-size", defaultValue = "16", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.002", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--width", defaultValue = "16",
            description = "Encoder width; the features have twice as many channels (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--threads", defaultValue = "0",
            description = "Data loading and rendering threads (default: all processors).")
    int threads;

    /** @return the loading threads, all processors when not set */
    int loadingThreads() {
        return threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    }
}
