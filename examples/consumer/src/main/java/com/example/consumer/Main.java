package com.example.consumer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.OptimizerKind;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.datasets.SyntheticScenes;
import org.mtl4j.losses.Weightings;

/** The README's "library in 20 lines", for one short epoch: what a project that depends on mtl4j compiles and runs. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        Path checkpoints = Path.of(args.length > 0 ? args[0] : "runs/ckpt");
        List<Task> tasks = SyntheticScenes.tasks(List.of("s", "d", "n"));
        InMemoryMultiTaskDataset train = SyntheticScenes.render(List.of("s", "d", "n"), 64, 42, 0, 64, 2);
        InMemoryMultiTaskDataset val = SyntheticScenes.render(List.of("s", "d", "n"), 64, 42, 1_000_000, 16, 2);

        try (MultiTaskModel model = MultiTask.builder()
                .input(3, 64, 64)
                .encoder(Encoders.resNet(16))
                .sharing(Architectures.hardSharing())
                .tasks(tasks)
                .weighting(Weightings.equal())
                .optimizer(OptimizerKind.ADAM, 2e-3f)
                .epochs(1)
                .seed(42)
                .build()) {
            TrainingHistory history = model.trainer().checkpointDirectory(checkpoints).fit(train, val);
            System.out.println(history.last().validation().orElseThrow().summary());
        }
        if (!Files.isRegularFile(checkpoints.resolve("last.ckpt"))) {
            System.err.println("consumer: no checkpoint written in " + checkpoints);
            System.exit(1);
        }
        System.out.println("consumer: checkpoint written to " + checkpoints.resolve("last.ckpt"));
    }
}
