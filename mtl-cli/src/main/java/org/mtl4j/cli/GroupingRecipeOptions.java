package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import org.mtl4j.architectures.Architectures;
import picocli.CommandLine.Option;

/** The options {@code mtl study}, {@code mtl affinity} and {@code mtl taxonomy} share, as one picocli mixin. */
final class GroupingRecipeOptions {

    @Option(names = "--arch", defaultValue = "hps",
            description = "Architecture: " + Architectures.NAMES + " (default ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--epochs", defaultValue = "6",
            description = "Epochs of a full training (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of data, initialisation and order.")
    long seed;

    @Option(names = "--torch-threads", defaultValue = "0",
            description = "PyTorch threads (default: the engine's; 1 is fastest on a busy machine).")
    int torchThreads;

    /**
     * Sets the PyTorch thread count before the engine starts, unless the user set it.
     *
     * @param threads the threads, 0 to leave the engine's default
     */
    static void torchThreads(int threads) {
        checkArgument(threads >= 0, "--torch-threads must be non-negative, got %s", threads);
        if (threads > 0 && System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
            System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        }
    }
}
