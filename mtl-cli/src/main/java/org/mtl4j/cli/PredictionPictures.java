package org.mtl4j.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.mtl4j.core.inference.TaskPrediction;

/**
 * Pictures a person can look at, one per task prediction: segmentation in a fixed palette, depth as a colour map
 * (blue near, yellow far) with a colour bar along the bottom, normals as RGB ({@code (n + 1) / 2}), other dense maps
 * in grey (min black, max white). Maps are enlarged by a whole factor to at least 256 pixels on the longer side.
 * Vector tasks get no picture; their text line says it all.
 */
final class PredictionPictures {

    /** 20 distinct colours (the Tableau 20 palette), class k in colour k mod 20. */
    static final int[] PALETTE = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f,
        0xbcbd22, 0x17becf, 0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d,
        0x9edae5};
    /** Viridis at six stops, for depth. */
    private static final int[] VIRIDIS = {0x440154, 0x414487, 0x2a788e, 0x22a884, 0x7ad151, 0xfde725};

    private PredictionPictures() {}

    /**
     * Writes the picture of a dense prediction.
     *
     * @param p the prediction
     * @param file the PNG to write
     * @return a line describing what the picture shows (the scale of a colour map)
     * @throws IOException when the file cannot be written
     */
    static String write(TaskPrediction p, Path file) throws IOException {
        int h = (int) p.shape()[p.shape().length - 2];
        int w = (int) p.shape()[p.shape().length - 1];
        int n = h * w;
        int[] rgb = new int[n];
        String legend;
        boolean bar = false;
        if (p.isClasses()) {
            for (int i = 0; i < n; i++) {
                rgb[i] = PALETTE[p.classes()[i] % PALETTE.length];
            }
            legend = "classes in the fixed palette (class k: colour k of Tableau 20)";
        } else if (p.kind().equals("normals")) {
            for (int i = 0; i < n; i++) {
                rgb[i] = (byte8(p.values()[i]) << 16) | (byte8(p.values()[n + i]) << 8) | byte8(p.values()[2 * n + i]);
            }
            legend = "normals as RGB = (n + 1) / 2";
        } else {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, p.values()[i]);
                max = Math.max(max, p.values()[i]);
            }
            boolean depth = p.kind().equals("depth");
            for (int i = 0; i < n; i++) {
                double t = max > min ? (p.values()[i] - min) / (max - min) : 0;
                rgb[i] = depth ? viridis(t) : grey(t);
            }
            bar = depth;
            legend = String.format(Locale.ROOT, "%s from %.4g (%s) to %.4g (%s)%s", depth ? "colour map" : "grey map",
                    min, depth ? "dark blue" : "black", max, depth ? "yellow" : "white",
                    p.shape()[0] > 1 ? ", channel 0 of " + p.shape()[0] : "");
        }
        int scale = Math.max(1, (256 + Math.max(h, w) - 1) / Math.max(h, w));
        int barHeight = bar ? Math.max(4, h * scale / 16) : 0;
        BufferedImage img = new BufferedImage(w * scale, h * scale + barHeight, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * scale; y++) {
            for (int x = 0; x < w * scale; x++) {
                img.setRGB(x, y, rgb[(y / scale) * w + x / scale]);
            }
        }
        for (int y = h * scale; y < h * scale + barHeight; y++) {
            for (int x = 0; x < w * scale; x++) {
                img.setRGB(x, y, viridis(x / (double) Math.max(1, w * scale - 1)));
            }
        }
        ImageIO.write(img, "png", file.toFile());
        return legend;
    }

    /**
     * The text of a vector prediction: the most likely classes with their probabilities, or the values.
     *
     * @param p the prediction
     * @return one line
     */
    static String describe(TaskPrediction p) {
        if (p.isClasses()) {
            List<Integer> order = new ArrayList<>();
            for (int c = 0; c < p.values().length; c++) {
                order.add(c);
            }
            order.sort((a, b) -> Float.compare(p.values()[b], p.values()[a]));
            StringBuilder sb = new StringBuilder("class " + p.classes()[0] + " (");
            for (int i = 0; i < Math.min(3, order.size()); i++) {
                sb.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "class %d: %.3f", order.get(i),
                        p.values()[order.get(i)]));
            }
            return sb.append(")").toString();
        }
        StringBuilder sb = new StringBuilder("values");
        for (float v : p.values()) {
            sb.append(String.format(Locale.ROOT, " %.5g", v));
        }
        return sb.toString();
    }

    private static int byte8(float v) {
        return (int) Math.round(Math.max(0, Math.min(1, (v + 1) / 2)) * 255);
    }

    private static int grey(double t) {
        int g = (int) Math.round(Math.max(0, Math.min(1, t)) * 255);
        return (g << 16) | (g << 8) | g;
    }

    static int viridis(double t) {
        double x = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) x);
        double f = x - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        int r = (int) Math.round(((a >> 16) & 0xff) * (1 - f) + ((b >> 16) & 0xff) * f);
        int g = (int) Math.round(((a >> 8) & 0xff) * (1 - f) + ((b >> 8) & 0xff) * f);
        int bl = (int) Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
        return (r << 16) | (g << 8) | bl;
    }
}
