package org.mtl4j.datasets;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * Image resampling that reproduces, value for value, the libraries the reference loaders call. All arrays are
 * interleaved {@code (H, W, bands)}, row-major.
 *
 * <ul>
 *   <li>{@link #pillowBilinear8(int[], int, int, int, int, int)}: Pillow's {@code Image.resize(size, BILINEAR)} of an
 *       8-bit image (Standley's Taskonomy loader resizes the RGB input this way). Pillow resamples with a triangle
 *       filter whose support grows with the reduction factor ({@code support = max(1, in/out)}), so downscaling
 *       averages all covered pixels (antialiasing); each output pixel's coefficients are normalised to sum 1 and
 *       quantised to 22-bit fixed point; the horizontal pass runs first and its result is rounded to 8 bits before
 *       the vertical pass ({@code libImaging/Resample.c}).
 *   <li>{@link #pillowBilinearFloat(float[], int, int, int, int, int)}: the same filter in double precision with a
 *       {@code float} result, as Pillow does for mode {@code F} images (and PyTorch's
 *       {@code interpolate(mode='bilinear', antialias=True)}).
 *   <li>{@link #pillowNearest(int, int)}: Pillow's {@code NEAREST} index map {@code src = ⌊(x + ½)·in/out⌋},
 *       computed by the same running double sum as Pillow's {@code ImagingScaleAffine}; also what
 *       {@code scipy.misc.imresize(..., interp='nearest')} does (it calls Pillow).
 *   <li>{@link #torchNearest(int, int)}: PyTorch's {@code interpolate(mode='nearest')} index map
 *       {@code src = min(⌊x·(in/out)⌋, in − 1)} in {@code float} arithmetic (mtan's scale-crop augmentation of labels
 *       and depth).
 *   <li>{@link #torchBilinearAlignCorners(float[], int, int, int, int, int)}: PyTorch's
 *       {@code interpolate(mode='bilinear', align_corners=True)}: {@code src = x·(in − 1)/(out − 1)} and linear
 *       weights, in {@code float} (mtan's augmentation of images and normals).
 * </ul>
 */
public final class Resize {

    private static final int PRECISION_BITS = 32 - 8 - 2;

    private Resize() {}

    /**
     * Pillow's antialiased bilinear resize of an 8-bit image, with Pillow's fixed-point arithmetic.
     *
     * @param src the samples, {@code (h, w, bands)}, each in {@code [0, 255]}
     * @param w the width
     * @param h the height
     * @param bands the samples per pixel
     * @param outW the new width
     * @param outH the new height
     * @return the resized samples, {@code (outH, outW, bands)}, each in {@code [0, 255]}
     */
    public static int[] pillowBilinear8(int[] src, int w, int h, int bands, int outW, int outH) {
        check(src.length, w, h, bands, outW, outH);
        int[] cur = src;
        int curW = w;
        if (outW != w) {
            Coefficients c = Coefficients.of(w, outW);
            int[][] k = c.fixedPoint();
            int[] out = new int[h * outW * bands];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < outW; x++) {
                    for (int b = 0; b < bands; b++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int j = 0; j < c.count[x]; j++) {
                            ss += cur[(y * curW + c.first[x] + j) * bands + b] * k[x][j];
                        }
                        out[(y * outW + x) * bands + b] = clip8(ss);
                    }
                }
            }
            cur = out;
            curW = outW;
        }
        if (outH != h) {
            Coefficients c = Coefficients.of(h, outH);
            int[][] k = c.fixedPoint();
            int[] out = new int[outH * curW * bands];
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < curW; x++) {
                    for (int b = 0; b < bands; b++) {
                        int ss = 1 << (PRECISION_BITS - 1);
                        for (int j = 0; j < c.count[y]; j++) {
                            ss += cur[((c.first[y] + j) * curW + x) * bands + b] * k[y][j];
                        }
                        out[(y * curW + x) * bands + b] = clip8(ss);
                    }
                }
            }
            cur = out;
        }
        return cur == src ? src.clone() : cur;
    }

    /**
     * Pillow's antialiased bilinear resize in double precision with a {@code float} result (Pillow mode {@code F}).
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param h the height
     * @param bands the samples per pixel
     * @param outW the new width
     * @param outH the new height
     * @return the resized samples, {@code (outH, outW, bands)}
     */
    public static float[] pillowBilinearFloat(float[] src, int w, int h, int bands, int outW, int outH) {
        check(src.length, w, h, bands, outW, outH);
        float[] cur = src;
        int curW = w;
        if (outW != w) {
            Coefficients c = Coefficients.of(w, outW);
            float[] out = new float[h * outW * bands];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < outW; x++) {
                    for (int b = 0; b < bands; b++) {
                        double ss = 0;
                        for (int j = 0; j < c.count[x]; j++) {
                            ss += cur[(y * curW + c.first[x] + j) * bands + b] * c.weights[x][j];
                        }
                        out[(y * outW + x) * bands + b] = (float) ss;
                    }
                }
            }
            cur = out;
            curW = outW;
        }
        if (outH != h) {
            Coefficients c = Coefficients.of(h, outH);
            float[] out = new float[outH * curW * bands];
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < curW; x++) {
                    for (int b = 0; b < bands; b++) {
                        double ss = 0;
                        for (int j = 0; j < c.count[y]; j++) {
                            ss += cur[((c.first[y] + j) * curW + x) * bands + b] * c.weights[y][j];
                        }
                        out[(y * curW + x) * bands + b] = (float) ss;
                    }
                }
            }
            cur = out;
        }
        return cur == src ? src.clone() : cur;
    }

    /**
     * Pillow's nearest-neighbour source indices for one axis.
     *
     * @param in the input length
     * @param out the output length
     * @return for each output index, the input index it copies
     */
    public static int[] pillowNearest(int in, int out) {
        checkArgument(in > 0 && out > 0, "sizes must be positive, got %s -> %s", in, out);
        double scale = (double) in / out;
        int[] index = new int[out];
        double xo = scale * 0.5;
        for (int x = 0; x < out; x++) {
            index[x] = Math.min(in - 1, (int) xo);
            xo += scale;
        }
        return index;
    }

    /**
     * PyTorch's legacy nearest-neighbour source indices for one axis ({@code interpolate(mode='nearest')}).
     *
     * @param in the input length
     * @param out the output length
     * @return for each output index, the input index it copies
     */
    public static int[] torchNearest(int in, int out) {
        checkArgument(in > 0 && out > 0, "sizes must be positive, got %s -> %s", in, out);
        int[] index = new int[out];
        float scale = (float) in / out;
        for (int x = 0; x < out; x++) {
            if (in == out) {
                index[x] = x;
            } else if (out == 2 * in) {
                index[x] = x >> 1;
            } else {
                index[x] = Math.min((int) Math.floor(x * scale), in - 1);
            }
        }
        return index;
    }

    /**
     * Applies per-axis index maps (nearest-neighbour resampling) to interleaved samples.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param bands the samples per pixel
     * @param rows the source row of each output row
     * @param cols the source column of each output column
     * @return the samples, {@code (rows.length, cols.length, bands)}
     */
    public static float[] gather(float[] src, int w, int bands, int[] rows, int[] cols) {
        float[] out = new float[rows.length * cols.length * bands];
        int o = 0;
        for (int row : rows) {
            for (int col : cols) {
                int s = (row * w + col) * bands;
                for (int b = 0; b < bands; b++) {
                    out[o++] = src[s + b];
                }
            }
        }
        return out;
    }

    /**
     * Applies per-axis index maps (nearest-neighbour resampling) to interleaved integer samples.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param bands the samples per pixel
     * @param rows the source row of each output row
     * @param cols the source column of each output column
     * @return the samples, {@code (rows.length, cols.length, bands)}
     */
    public static int[] gather(int[] src, int w, int bands, int[] rows, int[] cols) {
        int[] out = new int[rows.length * cols.length * bands];
        int o = 0;
        for (int row : rows) {
            for (int col : cols) {
                int s = (row * w + col) * bands;
                for (int b = 0; b < bands; b++) {
                    out[o++] = src[s + b];
                }
            }
        }
        return out;
    }

    /**
     * PyTorch's bilinear interpolation with {@code align_corners=True}, in {@code float} arithmetic.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param h the height
     * @param bands the samples per pixel
     * @param outW the new width
     * @param outH the new height
     * @return the samples, {@code (outH, outW, bands)}
     */
    public static float[] torchBilinearAlignCorners(float[] src, int w, int h, int bands, int outW, int outH) {
        check(src.length, w, h, bands, outW, outH);
        float sh = outH > 1 ? (float) (h - 1) / (outH - 1) : 0f;
        float sw = outW > 1 ? (float) (w - 1) / (outW - 1) : 0f;
        float[] out = new float[outH * outW * bands];
        for (int y = 0; y < outH; y++) {
            float hr = sh * y;
            int h1 = (int) hr;
            int h1p = h1 < h - 1 ? 1 : 0;
            float h1l = hr - h1;
            float h0l = 1f - h1l;
            for (int x = 0; x < outW; x++) {
                float wr = sw * x;
                int w1 = (int) wr;
                int w1p = w1 < w - 1 ? 1 : 0;
                float w1l = wr - w1;
                float w0l = 1f - w1l;
                for (int b = 0; b < bands; b++) {
                    float v00 = src[(h1 * w + w1) * bands + b];
                    float v01 = src[(h1 * w + w1 + w1p) * bands + b];
                    float v10 = src[((h1 + h1p) * w + w1) * bands + b];
                    float v11 = src[((h1 + h1p) * w + w1 + w1p) * bands + b];
                    out[(y * outW + x) * bands + b] = h0l * (w0l * v00 + w1l * v01) + h1l * (w0l * v10 + w1l * v11);
                }
            }
        }
        return out;
    }

    /**
     * Cuts a window out of interleaved samples.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param bands the samples per pixel
     * @param top the first row
     * @param left the first column
     * @param cropH the window height
     * @param cropW the window width
     * @return the window, {@code (cropH, cropW, bands)}
     */
    public static float[] crop(float[] src, int w, int bands, int top, int left, int cropH, int cropW) {
        float[] out = new float[cropH * cropW * bands];
        for (int y = 0; y < cropH; y++) {
            System.arraycopy(src, ((top + y) * w + left) * bands, out, y * cropW * bands, cropW * bands);
        }
        return out;
    }

    /**
     * Mirrors interleaved samples left to right.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param h the height
     * @param bands the samples per pixel
     * @return the mirrored samples
     */
    public static float[] flipHorizontal(float[] src, int w, int h, int bands) {
        float[] out = new float[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * bands, out, (y * w + (w - 1 - x)) * bands, bands);
            }
        }
        return out;
    }

    /**
     * Mirrors interleaved integer samples left to right.
     *
     * @param src the samples, {@code (h, w, bands)}
     * @param w the width
     * @param h the height
     * @param bands the samples per pixel
     * @return the mirrored samples
     */
    public static int[] flipHorizontal(int[] src, int w, int h, int bands) {
        int[] out = new int[src.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, (y * w + x) * bands, out, (y * w + (w - 1 - x)) * bands, bands);
            }
        }
        return out;
    }

    private static void check(int length, int w, int h, int bands, int outW, int outH) {
        checkArgument(w > 0 && h > 0 && bands > 0 && outW > 0 && outH > 0,
                "sizes must be positive, got %sx%sx%s -> %sx%s", h, w, bands, outH, outW);
        checkArgument(length == w * h * bands, "%s samples given for a %sx%s image with %s bands", length, h, w,
                bands);
    }

    private static int clip8(int in) {
        if (in >= (1 << PRECISION_BITS << 8)) {
            return 255;
        }
        if (in <= 0) {
            return 0;
        }
        return in >> PRECISION_BITS;
    }

    /** Pillow's {@code precompute_coeffs} for the bilinear (triangle) filter, support 1. */
    private static final class Coefficients {
        final int[] first;
        final int[] count;
        final double[][] weights;

        private Coefficients(int[] first, int[] count, double[][] weights) {
            this.first = first;
            this.count = count;
            this.weights = weights;
        }

        static Coefficients of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale;
            int[] first = new int[outSize];
            int[] count = new int[outSize];
            double[][] weights = new double[outSize][];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = (int) (center - support + 0.5);
                if (xmin < 0) {
                    xmin = 0;
                }
                int xmax = (int) (center + support + 0.5);
                if (xmax > inSize) {
                    xmax = inSize;
                }
                xmax -= xmin;
                double[] k = new double[Math.max(0, xmax)];
                double ww = 0;
                for (int x = 0; x < xmax; x++) {
                    double w = triangle((x + xmin - center + 0.5) * ss);
                    k[x] = w;
                    ww += w;
                }
                for (int x = 0; x < xmax; x++) {
                    if (ww != 0.0) {
                        k[x] /= ww;
                    }
                }
                first[xx] = xmin;
                count[xx] = Math.max(0, xmax);
                weights[xx] = k;
            }
            return new Coefficients(first, count, weights);
        }

        int[][] fixedPoint() {
            int[][] out = new int[weights.length][];
            for (int i = 0; i < weights.length; i++) {
                out[i] = new int[weights[i].length];
                for (int j = 0; j < weights[i].length; j++) {
                    double v = weights[i][j] * (1 << PRECISION_BITS);
                    out[i][j] = (int) (v < 0 ? -0.5 + v : 0.5 + v);
                }
            }
            return out;
        }

        private static double triangle(double x) {
            double a = Math.abs(x);
            return a < 1.0 ? 1.0 - a : 0.0;
        }
    }
}
