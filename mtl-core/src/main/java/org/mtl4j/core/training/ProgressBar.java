package org.mtl4j.core.training;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar: {@code epoch 2/8 [#########.........] 45/125 loss 1.234 0.7 s/it}, redrawn in
 * place with a carriage return.
 *
 * <p>Why not DJL's {@code ai.djl.training.util.ProgressBar}: it always prints to {@code System.out}, while the trainer
 * must draw on the stream the program chose (standard error by default, only when a console is attached) and show
 * the running task losses.
 */
public final class ProgressBar {

    private static final int WIDTH = 30;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;

    /**
     * Starts a bar.
     *
     * @param out where to draw (standard error in the CLI)
     * @param label the text before the bar
     * @param total the number of units
     */
    public ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = Math.max(1, total);
    }

    /**
     * Draws the bar at {@code done} units, at most ten times a second (and always at the end).
     *
     * @param done units done
     * @param suffix text after the bar
     */
    public void update(long done, String suffix) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        int filled = (int) (WIDTH * Math.min(done, total) / total);
        double elapsed = (now - start) / 1e9;
        StringBuilder sb = new StringBuilder("\r").append(label).append(" [");
        for (int i = 0; i < WIDTH; i++) {
            sb.append(i < filled ? '#' : '.');
        }
        sb.append("] ").append(done).append('/').append(total)
                .append(String.format(Locale.ROOT, " %.1fs", elapsed));
        if (done > 0 && done < total) {
            sb.append(String.format(Locale.ROOT, " eta %.0fs", elapsed / done * (total - done)));
        }
        sb.append(' ').append(suffix).append("\033[K");
        out.print(sb);
        out.flush();
    }

    /** Ends the bar's line. */
    public void finish() {
        out.print("\r\033[K");
        out.flush();
    }
}
