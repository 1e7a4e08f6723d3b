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
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.mtl4j.core.task.TaskLosses;

/**
 * Taskonomy (Zamir et al., CVPR 2018) as a lazy, file-backed multi-task data set in the layout of Standley et al.
 * (ICML 2020, github.com/tstandley/taskgrouping, {@code taskonomy_loader.py}): every {@link #get} decodes the PNG
 * files of one view.
 *
 * <p>Two directory layouts are recognised (the second when {@code <root>/rgb/taskonomy} is a folder):
 * <ul>
 *   <li>Standley: {@code <root>/<domain>/<building>/point_<P>_view_<V>_domain_<domain>.png};
 *   <li>Omnidata ({@code omnitools.download ... --components taskonomy}, EPFL-VILAB/omnidata-tools):
 *       {@code <root>/<domain>/taskonomy/<building>/point_<P>_view_<V>_domain_<domain>.png}.
 * </ul>
 * Samples are the RGB files {@code point_<P>_view_<V>_domain_rgb.png} of the chosen buildings, sorted by path within
 * each building (Python's {@code sorted}), optionally restricted to a range of each building's sorted files (Standley
 * validates on the first 1000 files of each validation building and tests on files 1000 to 2000). A label file is
 * the RGB file's name with {@code rgb} replaced by the domain; semantic segmentation also accepts the original
 * dump's {@code ..._domain_segmentsemantic.png}.
 *
 * <p>Each record is {@code data = [rgb (3, S, S)]}, {@code labels = [target_1, …, target_K, presence (K)]}. The input
 * is the RGB PNG resized to {@code S × S} with Pillow's bilinear filter (as Standley's {@code im.resize(size,
 * Image.BILINEAR)}) and divided by 255. Targets are decoded as {@link TaskonomyTask} describes; labels are resized
 * with Pillow's nearest-neighbour rule before decoding, so that ids and the 65535 "no surface" depth stay intact
 * (Standley resizes labels bilinearly; at 512 × 512, the stored size, the two agree). A label file that does not
 * exist gives presence 0 for that task (Standley's loader would repeat the previous sample's label instead).
 *
 * <p>Masked tasks ({@code d, n, e, r, c}) use Standley's mask: {@code depth_zbuffer < 8192}. As in his loader, it
 * comes from the depth of the same view when depth is a requested task; otherwise from
 * {@code <root>/mask/<building>/..._domain_mask.png} (his precomputed 1-bit masks, nonzero = valid) when that file
 * exists, else from the depth file. When no mask source exists for a view, its masked tasks are marked absent.
 *
 * <p>With augmentation on, each visit of a sample mirrors it left to right with probability ½ (input and every
 * target; the normal's x component is negated), as Standley's {@code augment=True}. The coin is a pure function of
 * (seed, sample, visit number), so runs are reproducible.
 */
public final class TaskonomyDataset extends RandomAccessDataset {

    /** The Omnidata component folder. */
    public static final String OMNIDATA_COMPONENT = "taskonomy";

    /** Standley's number of files per validation building ({@code model_limit=1000}). */
    public static final int VALIDATION_FILES_PER_BUILDING = 1000;

    private static final Pattern RGB_NAME = Pattern.compile("point_(\\d+)_view_(\\d+)_domain_rgb\\.png");

    /** Where the files are laid out. */
    public enum Layout {
        /** {@code <root>/<domain>/<building>/...}. */
        STANDLEY,
        /** {@code <root>/<domain>/taskonomy/<building>/...}. */
        OMNIDATA
    }

    /** One view: its building and RGB file name. */
    public record Sample(String building, String rgbName) {}

    private final Path root;
    private final Layout layout;
    private final ImmutableList<TaskonomyTask> tasks;
    private final ImmutableList<Sample> samples;
    private final int size;
    private final boolean augment;
    private final AugmentationRandom random;

    private TaskonomyDataset(Builder b, Layout layout, List<Sample> samples) {
        super(b);
        this.root = b.root;
        this.layout = layout;
        this.tasks = ImmutableList.copyOf(b.tasks);
        this.samples = ImmutableList.copyOf(samples);
        this.size = b.size;
        this.augment = b.augment;
        this.random = new AugmentationRandom(b.seed, samples.size());
    }

    /**
     * Starts a data set.
     *
     * @param root the Taskonomy root (holding {@code rgb/} and one folder per domain)
     * @return a builder
     */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /**
     * Detects the layout of a root.
     *
     * @param root the root
     * @return the layout
     * @throws NoSuchFileException when {@code <root>/rgb} does not exist
     */
    public static Layout detectLayout(Path root) throws NoSuchFileException {
        Path rgb = root.resolve("rgb");
        if (!Files.isDirectory(rgb)) {
            throw new NoSuchFileException(rgb.toString(), null,
                    "Taskonomy RGB folder not found (expected <root>/rgb/<building>/point_P_view_V_domain_rgb.png)");
        }
        return Files.isDirectory(rgb.resolve(OMNIDATA_COMPONENT)) ? Layout.OMNIDATA : Layout.STANDLEY;
    }

    /**
     * Reads a building list: one name per line, blank lines and surrounding spaces ignored (Standley's
     * {@code train_models.txt}, {@code val_models.txt}).
     *
     * @param file the list
     * @return the names, in file order
     * @throws NoSuchFileException when the list does not exist
     * @throws MalformedDataException when it names no building
     * @throws IOException when it cannot be read
     */
    public static ImmutableList<String> readBuildingList(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "building list not found (one building per line, "
                    + "like Standley's train_models.txt)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String s = line.strip();
            if (!s.isEmpty()) {
                names.add(s);
            }
        }
        if (names.isEmpty()) {
            throw new MalformedDataException(file, "the building list is empty");
        }
        return ImmutableList.copyOf(names);
    }

    /**
     * Returns the path of a domain's file for a sample.
     *
     * @param domain the domain folder, for example {@code normal}
     * @param sample the sample
     * @return the path (it may not exist)
     */
    public Path file(String domain, Sample sample) {
        return file(root, layout, domain, sample.building(), sample.rgbName());
    }

    private static Path file(Path root, Layout layout, String domain, String building, String rgbName) {
        String name = rgbName.substring(0, rgbName.length() - "rgb.png".length()) + domain + ".png";
        return buildingDir(root, layout, domain, building).resolve(name);
    }

    private static Path buildingDir(Path root, Layout layout, String domain, String building) {
        Path dir = root.resolve(domain);
        if (layout == Layout.OMNIDATA) {
            dir = dir.resolve(OMNIDATA_COMPONENT);
        }
        return dir.resolve(building);
    }

    private Path labelFile(TaskonomyTask task, Sample s) {
        Path p = file(task.domain(), s);
        if (task == TaskonomyTask.SEGMENT_SEMANTIC && !Files.exists(p)) {
            Path dump = p.resolveSibling(s.rgbName().replace("domain_rgb.png", "domain_segmentsemantic.png"));
            if (Files.exists(dump)) {
                return dump;
            }
        }
        return p;
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        Sample s = samples.get(Math.toIntExact(index));
        boolean flip = augment && random.next(Math.toIntExact(index)).nextBoolean();
        PngImage rgb = PngImage.read(file("rgb", s)).require(3, 8, "the rgb input");
        int[] input = Resize.pillowBilinear8(rgb.samples(), rgb.width(), rgb.height(), 3, size, size);
        if (flip) {
            input = Resize.flipHorizontal(input, size, size, 3);
        }
        int pixels = size * size;
        float[] x = new float[3 * pixels];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < pixels; i++) {
                x[c * pixels + i] = (float) (input[i * 3 + c] / 255.0);
            }
        }

        // Standley's mask: from the requested depth, else his mask file, else the depth file
        int[] depth = null;
        boolean[] mask = null;
        boolean depthRequested = tasks.contains(TaskonomyTask.DEPTH_ZBUFFER);
        Path depthFile = file(TaskonomyTask.DEPTH_ZBUFFER.domain(), s);
        if (depthRequested && Files.exists(depthFile)) {
            depth = readLabel(TaskonomyTask.DEPTH_ZBUFFER, depthFile, flip);
        }
        if (tasks.stream().anyMatch(TaskonomyTask::masked)) {
            Path maskFile = file("mask", s);
            if (depth != null) {
                mask = TaskonomyTask.depthMask(depth);
            } else if (Files.exists(maskFile)) {
                PngImage png = PngImage.read(maskFile);
                if (png.bands() != 1) {
                    throw new MalformedDataException(maskFile, "expected a 1-band mask PNG, found "
                            + png.describeSelf());
                }
                int[] m = nearest(png, flip);
                mask = new boolean[m.length];
                for (int i = 0; i < m.length; i++) {
                    mask[i] = m[i] != 0;
                }
            } else if (Files.exists(depthFile)) {
                mask = TaskonomyTask.depthMask(readLabel(TaskonomyTask.DEPTH_ZBUFFER, depthFile, flip));
            }
        }

        NDList labels = new NDList(tasks.size() + 1);
        float[] presence = new float[tasks.size()];
        for (int k = 0; k < tasks.size(); k++) {
            TaskonomyTask t = tasks.get(k);
            float[] target = null;
            if (t == TaskonomyTask.RGB_AUTOENCODER) {
                target = x.clone();
            } else if (!t.masked() || mask != null) {
                Path f = t == TaskonomyTask.DEPTH_ZBUFFER ? depthFile : labelFile(t, s);
                int[] stored = t == TaskonomyTask.DEPTH_ZBUFFER ? depth
                        : Files.exists(f) ? readLabel(t, f, flip) : null;
                if (stored != null) {
                    int bands = stored.length / pixels;
                    target = t.decode(stored, bands, pixels, mask, flip, f);
                }
            }
            if (target != null) {
                presence[k] = 1f;
            } else {
                target = new float[(int) labelShape(t).size()];
                if (t == TaskonomyTask.SEGMENT_SEMANTIC) {
                    java.util.Arrays.fill(target, TaskLosses.DEFAULT_IGNORE_LABEL);
                }
            }
            labels.add(EngineArrays.create(manager, target, labelShape(t)));
        }
        labels.add(EngineArrays.create(manager, presence));
        return new Record(new NDList(EngineArrays.create(manager, x, new Shape(3, size, size))), labels);
    }

    private int[] readLabel(TaskonomyTask task, Path f, boolean flip) throws IOException {
        PngImage png = PngImage.read(f);
        task.checkLayout(png);
        return nearest(png, flip);
    }

    private int[] nearest(PngImage png, boolean flip) {
        int[] out = Resize.gather(png.samples(), png.width(), png.bands(), Resize.pillowNearest(png.height(), size),
                Resize.pillowNearest(png.width(), size));
        return flip ? Resize.flipHorizontal(out, size, size, png.bands()) : out;
    }

    private Shape labelShape(TaskonomyTask t) {
        return t == TaskonomyTask.SEGMENT_SEMANTIC ? new Shape(size, size) : new Shape(t.channels(), size, size);
    }

    @Override
    protected long availableSize() {
        return samples.size();
    }

    @Override
    public void prepare(Progress progress) {
        // files are decoded on demand
    }

    /** @return the root folder */
    public Path root() {
        return root;
    }

    /** @return the detected layout */
    public Layout layout() {
        return layout;
    }

    /** @return the tasks, in label order */
    public ImmutableList<TaskonomyTask> tasks() {
        return tasks;
    }

    /** @return the samples, in index order */
    public ImmutableList<Sample> samples() {
        return samples;
    }

    /** @return the output height and width */
    public int imageSize() {
        return size;
    }

    /** Builder of {@link TaskonomyDataset}. */
    public static final class Builder extends BaseBuilder<Builder> {
        private final Path root;
        private final List<TaskonomyTask> tasks = new ArrayList<>();
        private final List<String> buildings = new ArrayList<>();
        private int from;
        private int to = Integer.MAX_VALUE;
        private int size = 256;
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
         * Sets the tasks, in label order.
         *
         * @param list the tasks
         * @return this builder
         */
        public Builder tasks(Collection<TaskonomyTask> list) {
            tasks.clear();
            tasks.addAll(list);
            return this;
        }

        /**
         * Sets the buildings to read (a whitelist, as Standley's: buildings without an RGB folder are skipped, but at
         * least one must exist).
         *
         * @param names the building names
         * @return this builder
         */
        public Builder buildings(Collection<String> names) {
            buildings.clear();
            buildings.addAll(names);
            return this;
        }

        /**
         * Keeps only the files {@code [from, to)} of each building's sorted RGB files (Standley: validation
         * {@code [0, 1000)}, test {@code [1000, 2000)}); default all.
         *
         * @param fromInclusive the first file
         * @param toExclusive the end
         * @return this builder
         */
        public Builder filesPerBuilding(int fromInclusive, int toExclusive) {
            checkArgument(fromInclusive >= 0 && toExclusive > fromInclusive, "bad file range [%s, %s)",
                    fromInclusive, toExclusive);
            this.from = fromInclusive;
            this.to = toExclusive;
            return this;
        }

        /**
         * Sets the output height and width (Standley: 256); default 256.
         *
         * @param pixels the size
         * @return this builder
         */
        public Builder imageSize(int pixels) {
            checkArgument(pixels > 0, "image size must be positive, got %s", pixels);
            this.size = pixels;
            return this;
        }

        /**
         * Keeps at most this many samples, evenly spaced over the sorted list (0 = all, the default).
         *
         * @param count the samples
         * @return this builder
         */
        public Builder maxSamples(int count) {
            checkArgument(count >= 0, "sample count must not be negative, got %s", count);
            this.maxSamples = count;
            return this;
        }

        /**
         * Turns random left-right mirroring on or off (default off).
         *
         * @param on whether to mirror
         * @param randomSeed the seed of the coin flips
         * @return this builder
         */
        public Builder augment(boolean on, long randomSeed) {
            this.augment = on;
            this.seed = randomSeed;
            return this;
        }

        /**
         * Lists the samples and builds the data set.
         *
         * @return the data set
         * @throws NoSuchFileException when the root, its {@code rgb} folder or every listed building is missing
         * @throws IOException when a folder cannot be listed
         */
        public TaskonomyDataset build() throws IOException {
            checkState(!tasks.isEmpty(), "no Taskonomy tasks chosen");
            checkState(!buildings.isEmpty(), "no buildings chosen");
            checkState(new LinkedHashSet<>(tasks).size() == tasks.size(), "a task is listed twice: %s", tasks);
            if (!Files.isDirectory(root)) {
                throw new NoSuchFileException(root.toString(), null, "Taskonomy root folder not found");
            }
            Layout layout = detectLayout(root);
            for (TaskonomyTask t : tasks) {
                Path domainDir = root.resolve(t.domain());
                if (!Files.isDirectory(domainDir)) {
                    throw new NoSuchFileException(domainDir.toString(), null, "folder of the Taskonomy domain '"
                            + t.domain() + "' (task " + t.letter() + ") not found");
                }
            }
            List<Sample> all = new ArrayList<>();
            int foundBuildings = 0;
            for (String b : buildings) {
                Path dir = buildingDir(root, layout, "rgb", b);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                foundBuildings++;
                List<String> names = new ArrayList<>();
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                    for (Path p : ds) {
                        String n = p.getFileName().toString();
                        if (RGB_NAME.matcher(n).matches() && Files.isRegularFile(p)) {
                            names.add(n);
                        }
                    }
                }
                names.sort(null);
                for (int i = from; i < Math.min(to, names.size()); i++) {
                    all.add(new Sample(b, names.get(i)));
                }
            }
            if (foundBuildings == 0) {
                throw new NoSuchFileException(buildingDir(root, layout, "rgb", buildings.get(0)).toString(), null,
                        "none of the " + buildings.size() + " listed buildings has an RGB folder under "
                                + root.resolve("rgb"));
            }
            if (all.isEmpty()) {
                throw new NoSuchFileException(root.resolve("rgb").toString(), null,
                        "no point_P_view_V_domain_rgb.png files in the " + foundBuildings + " listed buildings");
            }
            List<Sample> kept = all;
            if (maxSamples > 0 && maxSamples < all.size()) {
                kept = new ArrayList<>(maxSamples);
                for (int i = 0; i < maxSamples; i++) {
                    kept.add(all.get((int) ((long) i * all.size() / maxSamples)));
                }
            }
            return new TaskonomyDataset(this, layout, kept);
        }
    }
}
