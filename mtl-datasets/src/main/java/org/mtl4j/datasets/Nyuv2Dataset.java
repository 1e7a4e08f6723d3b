package org.mtl4j.datasets;

import org.mtl4j.core.data.EngineArrays;
import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.dataset.SequenceSampler;
import ai.djl.util.Progress;
import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.task.TaskLosses;
import org.mtl4j.core.task.TaskMetrics;

/**
 * NYUv2 (Silberman et al., ECCV 2012) in the preprocessed form of mtan (Liu, Johns and Davison, CVPR 2019,
 * github.com/lorenmt/mtan) used by LibMTL, CAGrad and Nash-MTL, as a lazy, file-backed multi-task data set: every
 * {@link #get} reads the {@code .npy} files of one image.
 *
 * <p>Layout: {@code <root>/{train,val}/{image,label,depth,normal}/<i>.npy} with {@code i = 0 … N − 1} unpadded and
 * {@code N} the number of {@code *.npy} files in {@code image/} (795 train, 654 val). Arrays are stored height ×
 * width × channels (288 × 384): {@code image} (H, W, 3) RGB as float; {@code label} (H, W) class ids {@code 0…12}
 * (13 classes) with {@code −1} = ignored; {@code depth} (H, W, 1) metres with {@code 0} = invalid; {@code normal}
 * (H, W, 3) unit normals with the zero vector = invalid. Any numeric dtype is accepted and converted to float; the
 * shapes, the ids ({@code −1} or an integer in {@code [0, 12]}) and the finiteness of every value are checked, and a
 * violation raises a {@link MalformedDataException} naming the file. A missing image file is an error; a missing
 * label file gives presence 0 for that task.
 *
 * <p>Each record is {@code data = [image (3, H', W')]}, {@code labels = […, presence (K)]} with the tasks {@code s}
 * (label {@code (H', W')}), {@code d} ({@code (1, H', W')}) and {@code n} ({@code (3, H', W')}) in the requested order.
 * With augmentation on (mtan's and LibMTL's optional {@code RandomScaleCrop} + flip, {@code create_dataset.py}), each
 * visit of a sample picks a scale {@code s ∈ {1.0, 1.2, 1.5}}, crops a random {@code ⌊H/s⌋ × ⌊W/s⌋} window and scales
 * it back to H × W — image and normal with PyTorch's bilinear {@code align_corners=True}, label and depth with
 * PyTorch's nearest — divides depth by {@code s}, and mirrors everything left to right with probability ½, negating
 * the normal's x component. Then, when the output size differs from the stored one, the image is resized with
 * Pillow's antialiased bilinear filter and the labels with Pillow's nearest rule (invalid zeros stay unmixed).
 */
public final class Nyuv2Dataset extends RandomAccessDataset {

    /** The number of semantic classes. */
    public static final int CLASSES = 13;

    /** The ignored class label. */
    public static final int IGNORE_LABEL = -1;

    /** The task names: segmentation, depth, normals. */
    public static final ImmutableList<String> TASKS = ImmutableList.of("s", "d", "n");

    /** The scales of mtan's {@code RandomScaleCrop}. */
    private static final double[] SCALES = {1.0, 1.2, 1.5};

    private final Path splitDir;
    private final ImmutableList<String> tasks;
    private final int count;
    private final int storedH;
    private final int storedW;
    private final int outH;
    private final int outW;
    private final boolean augment;
    private final AugmentationRandom random;
    private final int[] indices;

    private Nyuv2Dataset(Builder b, int count, int storedH, int storedW, int[] indices) {
        super(b);
        this.splitDir = b.root.resolve(b.split);
        this.tasks = ImmutableList.copyOf(b.tasks);
        this.count = count;
        this.storedH = storedH;
        this.storedW = storedW;
        this.outH = b.height == 0 ? storedH : b.height;
        this.outW = b.height == 0 ? storedW : Math.max(1, (int) Math.round((double) b.height * storedW / storedH));
        this.augment = b.augment;
        this.random = new AugmentationRandom(b.seed, indices.length);
        this.indices = indices;
    }

    /**
     * Starts a data set.
     *
     * @param root the folder holding {@code train/} and {@code val/}
     * @return a builder
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /**
     * The task definitions, as LibMTL trains and scores them: {@code s} cross-entropy ignoring −1, metrics mIoU and
     * pixel accuracy from the split's confusion matrix; {@code d} L1 over pixels with depth ≠ 0, metrics absolute and
     * relative error pooled over valid pixels; {@code n} {@code 1 − cos} over valid pixels, metrics
     * {@link LibMtlNormalMetrics} (mean, median, within 11.25°, 22.5°, 30°).
     *
     * @param name {@code s}, {@code d} or {@code n}
     * @return the task
     * @throws IllegalArgumentException for another name
     */
    public static Task task(String name) {
        switch (name) {
            case "s":
                return Task.builder("s").dense(CLASSES).loss(TaskLosses.crossEntropy(IGNORE_LABEL))
                        .metric(TaskMetrics.meanIoU(IGNORE_LABEL)).metric(TaskMetrics.accuracy(IGNORE_LABEL)).build();
            case "d":
                return Task.builder("d").dense(1).loss(TaskLosses.l1(0f)).metric(TaskMetrics.absError(0f))
                        .metric(TaskMetrics.relError(0f)).build();
            case "n":
                return Task.builder("n").dense(3).loss(TaskLosses.normal()).metric(LibMtlNormalMetrics.meanAngle())
                        .metric(LibMtlNormalMetrics.medianAngle()).metric(LibMtlNormalMetrics.within(11.25))
                        .metric(LibMtlNormalMetrics.within(22.5)).metric(LibMtlNormalMetrics.within(30)).build();
            default:
                throw new IllegalArgumentException("unknown NYUv2 task '" + name + "'; available: s, d, n");
        }
    }

    private static String folder(String task) {
        return switch (task) {
            case "s" -> "label";
            case "d" -> "depth";
            default -> "normal";
        };
    }

    /**
     * Returns the file of one array.
     *
     * @param folder {@code image}, {@code label}, {@code depth} or {@code normal}
     * @param sample the sample index in this data set
     * @return the path
     */
    public Path file(String folder, int sample) {
        return splitDir.resolve(folder).resolve(indices[sample] + ".npy");
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        int i = Math.toIntExact(index);
        NpyArray imageNpy = NpyArray.read(file("image", i));
        checkShape(imageNpy, 3, false);
        checkFinite(imageNpy);
        float[] image = imageNpy.data();
        float[][] stored = new float[tasks.size()][];
        int[] bands = new int[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            Path f = file(folder(t), i);
            if (!Files.exists(f)) {
                continue;
            }
            NpyArray a = NpyArray.read(f);
            switch (t) {
                case "s":
                    checkShape(a, 1, true);
                    checkLabels(a);
                    bands[k] = 1;
                    break;
                case "d":
                    checkShape(a, 1, true);
                    checkFinite(a);
                    bands[k] = 1;
                    break;
                default:
                    checkShape(a, 3, false);
                    checkFinite(a);
                    bands[k] = 3;
                    break;
            }
            stored[k] = a.data();
        }
        int h = storedH;
        int w = storedW;
        if (augment) {
            SplittableRandom rng = random.next(i);
            double sc = SCALES[rng.nextInt(SCALES.length)];
            int top = rng.nextInt(h - (int) (h / sc) + 1);
            int left = rng.nextInt(w - (int) (w / sc) + 1);
            boolean flip = rng.nextDouble() < 0.5;
            image = augment(image, stored, tasks, h, w, sc, top, left, flip);
        }
        if (outH != h || outW != w) {
            image = Resize.pillowBilinearFloat(image, w, h, 3, outW, outH);
            int[] rows = Resize.pillowNearest(h, outH);
            int[] cols = Resize.pillowNearest(w, outW);
            for (int k = 0; k < tasks.size(); k++) {
                if (stored[k] != null) {
                    stored[k] = Resize.gather(stored[k], w, bands[k], rows, cols);
                }
            }
        }
        int pixels = outH * outW;
        NDList labels = new NDList(tasks.size() + 1);
        float[] presence = new float[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            String t = tasks.get(k);
            Shape shape = t.equals("s") ? new Shape(outH, outW) : new Shape(t.equals("d") ? 1 : 3, outH, outW);
            float[] target;
            if (stored[k] == null) {
                target = new float[(int) shape.size()];
                if (t.equals("s")) {
                    Arrays.fill(target, IGNORE_LABEL);
                }
            } else {
                target = t.equals("n") ? channelsFirst(stored[k], pixels, 3) : stored[k];
                presence[k] = 1f;
            }
            labels.add(EngineArrays.create(manager, target, shape));
        }
        labels.add(EngineArrays.create(manager, presence));
        return new Record(new NDList(EngineArrays.create(manager, channelsFirst(image, pixels, 3),
                new Shape(3, outH, outW))),
                labels);
    }

    /**
     * mtan's {@code RandomScaleCrop} with given draws, then the optional flip, on interleaved {@code (h, w, c)} arrays.
     *
     * @param image the image, {@code (h, w, 3)}
     * @param stored the task arrays in {@code tasks} order ({@code s} and {@code d} one band, {@code n} three); null
     *     entries are skipped; replaced in place by their augmented versions
     * @param tasks the task names
     * @param h the height
     * @param w the width
     * @param sc the scale, one of 1.0, 1.2, 1.5
     * @param top the crop's first row, in {@code [0, h − ⌊h/sc⌋]}
     * @param left the crop's first column, in {@code [0, w − ⌊w/sc⌋]}
     * @param flip whether to mirror left to right
     * @return the augmented image
     */
    static float[] augment(float[] image, float[][] stored, List<String> tasks, int h, int w, double sc, int top,
            int left, boolean flip) {
        int ch = (int) (h / sc);
        int cw = (int) (w / sc);
        float[] out = Resize.torchBilinearAlignCorners(Resize.crop(image, w, 3, top, left, ch, cw), cw, ch, 3, w, h);
        int[] rows = Resize.torchNearest(ch, h);
        int[] cols = Resize.torchNearest(cw, w);
        for (int k = 0; k < tasks.size(); k++) {
            if (stored[k] == null) {
                continue;
            }
            String t = tasks.get(k);
            int bands = t.equals("n") ? 3 : 1;
            float[] window = Resize.crop(stored[k], w, bands, top, left, ch, cw);
            switch (t) {
                case "s":
                    stored[k] = Resize.gather(window, cw, 1, rows, cols);
                    break;
                case "d":
                    float[] d = Resize.gather(window, cw, 1, rows, cols);
                    float scale = (float) sc;
                    for (int j = 0; j < d.length; j++) {
                        d[j] = d[j] / scale;
                    }
                    stored[k] = d;
                    break;
                default:
                    stored[k] = Resize.torchBilinearAlignCorners(window, cw, ch, 3, w, h);
                    break;
            }
        }
        if (flip) {
            out = Resize.flipHorizontal(out, w, h, 3);
            for (int k = 0; k < tasks.size(); k++) {
                if (stored[k] == null) {
                    continue;
                }
                boolean normals = tasks.get(k).equals("n");
                stored[k] = Resize.flipHorizontal(stored[k], w, h, normals ? 3 : 1);
                if (normals) {
                    for (int j = 0; j < stored[k].length; j += 3) {
                        stored[k][j] = -stored[k][j];
                    }
                }
            }
        }
        return out;
    }

    private static float[] channelsFirst(float[] hwc, int pixels, int bands) {
        float[] out = new float[hwc.length];
        for (int p = 0; p < pixels; p++) {
            for (int b = 0; b < bands; b++) {
                out[b * pixels + p] = hwc[p * bands + b];
            }
        }
        return out;
    }

    private void checkShape(NpyArray a, int channels, boolean channelOptional) throws MalformedDataException {
        long[] s = a.shape();
        boolean ok = s.length == 3 && s[0] == storedH && s[1] == storedW && s[2] == channels
                || channelOptional && s.length == 2 && s[0] == storedH && s[1] == storedW;
        if (!ok) {
            throw new MalformedDataException(a.file(), String.format(Locale.ROOT, "shape %s, expected (%d, %d, %d)%s",
                    Arrays.toString(s), storedH, storedW, channels,
                    channelOptional ? " or (" + storedH + ", " + storedW + ")" : ""));
        }
    }

    private static void checkFinite(NpyArray a) throws MalformedDataException {
        float[] d = a.data();
        for (int j = 0; j < d.length; j++) {
            if (!Float.isFinite(d[j])) {
                throw new MalformedDataException(a.file(), "non-finite value " + d[j] + " at flat index " + j);
            }
        }
    }

    private static void checkLabels(NpyArray a) throws MalformedDataException {
        float[] d = a.data();
        for (int j = 0; j < d.length; j++) {
            float v = d[j];
            if (v != IGNORE_LABEL && (v != Math.rint(v) || v < 0 || v >= CLASSES)) {
                throw new MalformedDataException(a.file(), String.format(Locale.ROOT,
                        "class label %s at flat index %d; expected -1 (ignored) or an integer in 0..%d", v, j,
                        CLASSES - 1));
            }
        }
    }

    @Override
    protected long availableSize() {
        return indices.length;
    }

    @Override
    public void prepare(Progress progress) {
        // files are read on demand
    }

    /** @return the tasks, in label order */
    public ImmutableList<String> tasks() {
        return tasks;
    }

    /** @return the number of samples in the split folder (before any {@code maxSamples} cut) */
    public int splitSize() {
        return count;
    }

    /** @return the output shape of one input, {@code (3, H', W')} */
    public Shape inputShape() {
        return new Shape(3, outH, outW);
    }

    /** Builder of {@link Nyuv2Dataset}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private final Path root;
        private String split = "train";
        private final List<String> tasks = new ArrayList<>(TASKS);
        private int height;
        private int maxSamples;
        private boolean augment;
        private long seed;

        private Builder(Path root) {
            this.root = root;
            setSampling(new BatchSampler(new SequenceSampler(), 1, false));
        }

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Chooses the split folder (default {@code train}).
         *
         * @param name {@code train} or {@code val}
         * @return this builder
         */
        public Builder split(String name) {
            checkArgument(name.equals("train") || name.equals("val"), "NYUv2 split must be train or val, got %s",
                    name);
            this.split = name;
            return this;
        }

        /**
         * Sets the tasks, in label order (default {@code s, d, n}).
         *
         * @param names a non-empty subset of {@code s, d, n}
         * @return this builder
         */
        public Builder tasks(Collection<String> names) {
            for (String n : names) {
                checkArgument(TASKS.contains(n), "unknown NYUv2 task '%s'; available: s, d, n", n);
            }
            checkArgument(!names.isEmpty() && new LinkedHashSet<>(names).size() == names.size(),
                    "NYUv2 tasks must be a non-empty list without repeats, got %s", names);
            tasks.clear();
            tasks.addAll(names);
            return this;
        }

        /**
         * Sets the output height; the width keeps the stored aspect ratio (rounded). 0, the default, keeps the stored
         * size (288 × 384).
         *
         * @param pixels the height
         * @return this builder
         */
        public Builder height(int pixels) {
            checkArgument(pixels >= 0, "height must not be negative, got %s", pixels);
            this.height = pixels;
            return this;
        }

        /**
         * Keeps at most this many samples, evenly spaced over the indices (0 = all, the default).
         *
         * @param n the samples
         * @return this builder
         */
        public Builder maxSamples(int n) {
            checkArgument(n >= 0, "sample count must not be negative, got %s", n);
            this.maxSamples = n;
            return this;
        }

        /**
         * Turns mtan's random scale-crop and flip on or off (default off, as in mtan's and LibMTL's defaults).
         *
         * @param on whether to augment
         * @param randomSeed the seed
         * @return this builder
         */
        public Builder augment(boolean on, long randomSeed) {
            this.augment = on;
            this.seed = randomSeed;
            return this;
        }

        /**
         * Checks the folders, counts the samples, reads the first image's header for the stored size and builds.
         *
         * @return the data set
         * @throws NoSuchFileException naming the missing folder or image file
         * @throws MalformedDataException when the first image is not a valid (H, W, 3) array
         * @throws IOException when a folder cannot be listed
         */
        public Nyuv2Dataset build() throws IOException {
            Path dir = root.resolve(split);
            Path images = dir.resolve("image");
            if (!Files.isDirectory(images)) {
                throw new NoSuchFileException(images.toString(), null,
                        "NYUv2 image folder not found (expected <root>/" + split + "/image/<i>.npy, the mtan layout)");
            }
            for (String t : tasks) {
                Path f = dir.resolve(folder(t));
                if (!Files.isDirectory(f)) {
                    throw new NoSuchFileException(f.toString(), null, "NYUv2 folder of task " + t + " not found");
                }
            }
            int n = 0;
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(images, "*.npy")) {
                for (Path ignored : ds) {
                    n++;
                }
            }
            checkState(n > 0, "%s holds no .npy files", images);
            for (int j = 0; j < n; j++) {
                Path f = images.resolve(j + ".npy");
                if (!Files.isRegularFile(f)) {
                    throw new NoSuchFileException(f.toString(), null, images + " holds " + n
                            + " .npy files, so 0.npy to " + (n - 1) + ".npy must exist");
                }
            }
            NpyArray first = NpyArray.read(images.resolve("0.npy"));
            if (first.rank() != 3 || first.dim(2) != 3) {
                throw new MalformedDataException(first.file(), "shape " + Arrays.toString(first.shape())
                        + ", expected (H, W, 3)");
            }
            int keep = maxSamples > 0 ? Math.min(maxSamples, n) : n;
            int[] indices = new int[keep];
            for (int j = 0; j < keep; j++) {
                indices[j] = (int) ((long) j * n / keep);
            }
            return new Nyuv2Dataset(this, n, first.dim(0), first.dim(1), indices);
        }
    }
}
