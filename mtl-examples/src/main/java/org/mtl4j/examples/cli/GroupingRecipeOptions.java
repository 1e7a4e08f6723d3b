package org.mtl4j.examples.cli;

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
}
