package org.mtl4j.reliability;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.nio.file.Path;
import java.util.Arrays;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.checkpoint.OptimizerState;
import org.mtl4j.datasets.DataSource;
import org.mtl4j.datasets.DataSources;

/**
 * Child process of {@link KillWhileCheckpointingTest}: writes the same model's checkpoint over and over (step N, N + 1, ...), with optimiser moments, and prints {@code saved N} after each, so that a kill lands inside a write most of
 * the time.
 */
public final class CheckpointLoop {

    private CheckpointLoop() {}

    /**
     * Runs until killed.
     *
     * @param args the checkpoint file, and the first step number
     * @throws Exception when a write fails
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long first = Long.parseLong(args[1]);
        try (MultiTaskModel m = model()) {
            ImmutableMap.Builder<String, ImmutableList<float[]>> moments = ImmutableMap.builder();
            m.trainingBlock().getParameters().forEach(p -> {
                float[] a = new float[(int) p.getValue().getArray().getShape().size()];
                Arrays.fill(a, 0.5f);
                moments.put(p.getKey(), ImmutableList.of(a, a));
            });
            OptimizerState optimizer = new OptimizerState("adam", moments.build());
            for (long step = first; ; step++) {
                m.saveCheckpoint(file, new CheckpointState(1, step, m.network().taskNames(), ImmutableList.of(), -1, 0, "equal",
                        ImmutableMap.of(), ImmutableMap.of(), optimizer));
                System.out.println("saved " + step);
                System.out.flush();
            }
        }
    }

    /**
     * The model both sides build: hard sharing on a ResNet encoder of width 16, tasks s, d, n of the synthetic scenes.
     *
     * @return the model
     */
    public static MultiTaskModel model() {
        DataSource synthetic = DataSources.byName("synthetic");
        return MultiTask.builder().input(3, 32, 32).encoder(Encoders.resNet(16)).sharing(Architectures.hardSharing())
                .tasks(ImmutableList.of(synthetic.task("s"), synthetic.task("d"), synthetic.task("n"))).build();
    }
}
