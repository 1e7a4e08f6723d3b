package org.mtl4j.core.training;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-epoch line of a training ({@code epoch 3/8 (5.2s, validation 0.4s) train loss: s 0.41 d 0.62 …} and the
 * validation summary): to a console stream when the application gave one, else to SLF4J at INFO.
 */
final class EpochConsole {

    private static final Logger LOG = LoggerFactory.getLogger(MultiTaskTrainer.class);

    private final int epochs;
    private final PrintStream out;

    /**
     * @param epochs the run's epoch count, for "epoch i/N"
     * @param out the console stream, or null for the logger
     */
    EpochConsole(int epochs, PrintStream out) {
        this.epochs = epochs;
        this.out = out;
    }

    void epochEnded(EpochRecord record) {
        if (out != null) {
            out.println(describe(record));
        } else {
            LOG.info("{}", describe(record));
        }
    }

    String describe(EpochRecord r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d (%.1fs%s) train loss:",
                r.epoch() + 1, epochs, r.seconds(), r.validation().isPresent()
                        ? String.format(Locale.ROOT, ", validation %.1fs", r.validationSeconds()) : ""));
        for (Map.Entry<String, Double> e : r.trainLoss().entrySet()) {
            sb.append(String.format(Locale.ROOT, " %s %.4f", e.getKey(), e.getValue()));
        }
        if (r.skippedBatches() > 0) {
            sb.append(" (skipped ").append(r.skippedBatches()).append(" batches)");
        }
        r.validation().ifPresent(v -> sb.append("\n  val ").append(v.summary()));
        return sb.toString();
    }
}
