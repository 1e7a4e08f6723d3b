package org.mtl4j.core.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.Checkpoints;

/**
 * Writes {@code last.ckpt} after every epoch and {@code best.ckpt} after the best one so far, atomically
 * ({@link Checkpoints#save}), with the state the trainer hands it.
 */
final class CheckpointWriter {

    private final Path directory;
    private final TrainingBlock block;

    CheckpointWriter(Path directory, TrainingBlock block) {
        this.directory = directory;
        this.block = block;
    }

    void epochEnded(CheckpointState state, boolean best) {
        try {
            Checkpoints.save(directory.resolve(MultiTaskTrainer.LAST_CHECKPOINT), block, state);
            if (best) {
                Checkpoints.save(directory.resolve(MultiTaskTrainer.BEST_CHECKPOINT), block, state);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a checkpoint to " + directory, e);
        }
    }
}
