package org.mtl4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.types.Shape;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.checkpoint.CheckpointState;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.training.NonFiniteLossException;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightedLoss;
import org.mtl4j.cli.MtlCommand;

/**
 * Bad inputs a user can give, each with the one-line message they get (docs/errors.md lists them). Library calls
 * must throw an exception whose message names the culprit; the CLI must exit with status 2, print
 * {@code mtl: error: ...} and no stack trace.
 */
class BadInputTest {

    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /** One case: what the user did, and a fragment the message must contain. */
    private record Case(String input, String expected, ThrowingRunnable action) {}

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(o);
        System.setErr(e);
        int status;
        try {
            status = MtlCommand.execute(o, e, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, "exit status for " + String.join(" ", args) + ": " + text);
        assertFalse(text.contains("\tat "), "stack trace without --debug: " + text);
        throw new CliError(text.lines().filter(l -> l.startsWith("mtl: error:")).findFirst()
                .orElse(text.lines().findFirst().orElse(text)));
    }

    private static final class CliError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CliError(String message) {
            super(message);
        }
    }

    private static MultiTask.Builder small() {
        return MultiTask.builder().input(3, 8, 8).encoder(Encoders.resNet(2)).sharing(Architectures.hardSharing(4))
                .task(Task.segmentation("s", 3)).task(Task.depth("d"))
                .settings(TrainingSettings.builder().epochs(1).batchSize(2).progressBar(false).verbose(false).build());
    }

    private static InMemoryMultiTaskDataset data(float[] seg, float[] depth) {
        return InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8), List.of(new Shape(8, 8), new Shape(1, 8, 8)))
                .add(new float[192], seg, depth).add(new float[192], seg, depth).build();
    }

    private static void fit(InMemoryMultiTaskDataset ds) {
        try (MultiTaskModel m = small().build()) {
            m.trainer().output(QUIET, QUIET).fit(ds, null);
        }
    }

    @Test
    void everyBadInputGetsAMessageNamingTheCulprit(@TempDir Path dir) throws Exception {
        String out = dir.resolve("run").toString();
        Path ckpt = dir.resolve("model.ckpt");
        try (MultiTaskModel m = small().build()) {
            m.saveCheckpoint(ckpt, new CheckpointState(0, 0, ImmutableList.of("s", "d"), ImmutableList.of(), -1, 0, "equal",
                    ImmutableMap.of(), ImmutableMap.of()));
        }
        Files.write(dir.resolve("garbage.ckpt"), "not a checkpoint".getBytes(StandardCharsets.UTF_8));
        byte[] whole = Files.readAllBytes(ckpt);
        Files.write(dir.resolve("cut.ckpt"), java.util.Arrays.copyOf(whole, whole.length - 100));
        LossWeighting lossOnly = new org.mtl4j.core.weighting.LossBasedWeighting() {
            @Override
            public String name() {
                return "loss-only";
            }

            @Override
            public WeightedLoss weightLosses(ai.djl.ndarray.NDList losses, ai.djl.ndarray.NDList learnable,
                    org.mtl4j.core.weighting.WeightingContext context) {
                throw new AssertionError("not reached");
            }
        };
        float[] nan = new float[64];
        nan[5] = Float.NaN;
        List<Case> cases = List.of(
                new Case("mtl train --tasks s,x", "unknown task 'x'", () -> cli("train", "--tasks", "s,x", "--out", out)),
                new Case("mtl train --tasks s,d,s", "task 's' is listed twice",
                        () -> cli("train", "--tasks", "s,d,s", "--out", out)),
                new Case("mtl train --data imagenet", "unknown data set 'imagenet'",
                        () -> cli("train", "--data", "imagenet", "--out", out)),
                new Case("mtl train --arch resnext", "unknown architecture 'resnext'",
                        () -> cli("train", "--arch", "resnext", "--out", out)),
                new Case("mtl train --weighting magic", "unknown weighting 'magic'",
                        () -> cli("train", "--weighting", "magic", "--out", out)),
                new Case("mtl train --tasks s,d --weighting fixed:1", "gives 1 values for 2 tasks",
                        () -> cli("train", "--tasks", "s,d", "--weighting", "fixed:1", "--out", out)),
                new Case("mtl train --tasks s,d --weighting fixed:1,x", "'x' is not a number",
                        () -> cli("train", "--tasks", "s,d", "--weighting", "fixed:1,x", "--out", out)),
                new Case("mtl train --epochs 0", "--epochs must be positive, got 0",
                        () -> cli("train", "--epochs", "0", "--out", out)),
                new Case("mtl train --size 4", "4", () -> cli("train", "--size", "4", "--tasks", "s",
                        "--train-samples", "2", "--val-samples", "2", "--out", out)),
                new Case("mtl train --gradient-mode sideways", "unknown gradient mode 'sideways'",
                        () -> cli("train", "--gradient-mode", "sideways", "--out", out)),
                new Case("mtl train --epochs many", "--epochs", () -> cli("train", "--epochs", "many")),
                new Case("Task.builder(\"depth map\")", "task name 'depth map' is not valid",
                        () -> Task.builder("depth map")),
                new Case("Task without metrics", "task 'd': at least one metric is needed",
                        () -> Task.builder("d").dense(1).loss(TaskLosses.l1()).build()),
                new Case("two tasks named 's'", "task 's' added twice", () -> small().task(Task.depth("s")).build()),
                new Case("builder without an encoder", "encoder not set",
                        () -> MultiTask.builder().input(3, 8, 8).build()),
                new Case("gradient mode a strategy cannot use", "does not work in gradient mode PARAMETERS",
                        () -> small().weighting(lossOnly).gradientMode(GradientMode.PARAMETERS).build()),
                new Case("negative fixed weight", "must be finite and non-negative, got -1.0",
                        () -> LossWeighting.fixed(1, -1)),
                new Case("learning rate 0", "learning rate must be positive, got 0.0",
                        () -> TrainingSettings.builder().learningRate(0).build()),
                new Case("depth labels with 2 channels for a 1-channel head", "task 'd': label shape (2, 2, 8, 8)",
                        () -> fit(InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8),
                                List.of(new Shape(8, 8), new Shape(2, 8, 8)))
                                .add(new float[192], new float[64], new float[128])
                                .add(new float[192], new float[64], new float[128]).build())),
                new Case("class id 7 for a 3-class head", "task 's': class id 7 is out of range for a head with 3",
                        () -> {
                            float[] seg = new float[64];
                            seg[10] = 7;
                            fit(data(seg, new float[64]));
                        }),
                new Case("NaN in a depth label", "task 'd': loss is NaN at epoch 1, step 0",
                        () -> fit(data(new float[64], nan))),
                new Case("input of the wrong length", "sample 0: input has 10 values, expected 192",
                        () -> InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8), List.of(new Shape(8, 8)))
                                .add(new float[10], new float[64])),
                new Case("an empty data set", "the data set has no samples",
                        () -> InMemoryMultiTaskDataset.builder(new Shape(3, 8, 8), List.of(new Shape(8, 8))).build()),
                new Case("a checkpoint of another model", "parameter '",
                        () -> {
                            try (MultiTaskModel m = small().task(Task.normals("n")).build()) {
                                m.loadCheckpoint(ckpt);
                            }
                        }),
                new Case("a file that is not a checkpoint", "garbage.ckpt is not an mtl4j checkpoint",
                        () -> {
                            try (MultiTaskModel m = small().build()) {
                                m.loadCheckpoint(dir.resolve("garbage.ckpt"));
                            }
                        }),
                new Case("a truncated checkpoint", "cut.ckpt is truncated or corrupt: the parameters end early",
                        () -> {
                            try (MultiTaskModel m = small().build()) {
                                m.loadCheckpoint(dir.resolve("cut.ckpt"));
                            }
                        }),
                new Case("a checkpoint path that does not exist", "does not exist",
                        () -> {
                            try (MultiTaskModel m = small().build()) {
                                m.loadCheckpoint(dir.resolve("nowhere.ckpt"));
                            }
                        }));
        List<String> rows = new ArrayList<>();
        for (Case c : cases) {
            try {
                c.action().run();
                fail(c.input() + ": no error");
            } catch (AssertionError e) {
                throw e;
            } catch (Exception e) {
                String message = e instanceof CliError ? e.getMessage() : e.getClass().getSimpleName() + ": "
                        + e.getMessage();
                assertTrue(message.contains(c.expected()), c.input() + " gave: " + message);
                assertFalse(message.contains("\n"), c.input() + ": message is not one line: " + message);
                if (e instanceof NonFiniteLossException) {
                    assertEquals("d", ((NonFiniteLossException) e).task());
                }
                String shown = message.replace(dir.toString(), "DIR").replace("|", "\\|");
                rows.add("| " + c.input() + " | `" + shown + "` |");
            }
        }
        assertTrue(rows.size() >= 20, "at least 20 bad inputs are covered");
        Path table = Path.of("target", "bad-inputs.md");
        Files.createDirectories(table.getParent());
        Files.write(table, rows);
    }
}
