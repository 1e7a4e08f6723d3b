package org.mtl4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017, github.com/zalandoresearch/fashion-mnist) read from its four IDX
 * files: 60,000 training and 10,000 test images of 28 × 28 grey pixels (0 = background) in 10 classes (0 T-shirt/top,
 * 1 trouser, 2 pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot).
 *
 * <p>The files are looked up, in order, in the folder given explicitly, in the folder named by the system property
 * {@value #DIR_PROPERTY}, and in {@link #DEFAULT_DIR}, where the Debian package {@code dataset-fashion-mnist} installs
 * them ({@code apt-get install dataset-fashion-mnist}). Each file may be gzipped ({@code train-images-idx3-ubyte.gz},
 * as Debian ships them) or plain ({@code train-images-idx3-ubyte}). Nothing is ever downloaded.
 */
public final class FashionMnist {

    /** The system property naming the folder of the IDX files. */
    public static final String DIR_PROPERTY = "mtl4j.fashion-mnist.dir";

    /** Where the Debian package {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The number of classes. */
    public static final int CLASSES = 10;

    private FashionMnist() {}

    /**
     * Resolves the folder: the argument if non-null, else the system property, else {@link #DEFAULT_DIR}.
     *
     * @param explicit a folder, or null
     * @return the folder to read
     */
    public static Path directory(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String p = System.getProperty(DIR_PROPERTY);
        return p != null && !p.isBlank() ? Path.of(p) : DEFAULT_DIR;
    }

    /**
     * Says whether the four files are present in a folder.
     *
     * @param dir the folder
     * @return whether {@link #load(Path, boolean)} can find both splits there
     */
    public static boolean available(Path dir) {
        for (String base : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte",
                "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}) {
            if (!Files.isRegularFile(dir.resolve(base + ".gz")) && !Files.isRegularFile(dir.resolve(base))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Loads one split.
     *
     * @param dir the folder (see {@link #directory(Path)})
     * @param train the 60,000 training images if true, the 10,000 test images otherwise
     * @return the images
     * @throws NoSuchFileException naming the missing file and how to install it
     * @throws MalformedDataException when a file is not a valid MNIST-style IDX file
     * @throws IOException when a file cannot be read
     */
    public static LabelledImages load(Path dir, boolean train) throws IOException {
        String prefix = train ? "train" : "t10k";
        return readPair(find(dir, prefix + "-images-idx3-ubyte"), find(dir, prefix + "-labels-idx1-ubyte"),
                CLASSES);
    }

    private static Path find(Path dir, String base) throws NoSuchFileException {
        Path gz = dir.resolve(base + ".gz");
        if (Files.isRegularFile(gz)) {
            return gz;
        }
        Path plain = dir.resolve(base);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        throw new NoSuchFileException(gz.toString(), null, "Fashion-MNIST file not found (install the Debian package "
                + "dataset-fashion-mnist, or point -D" + DIR_PROPERTY + "=DIR or multifashion:DIR at a folder "
                + "holding the four IDX files)");
    }

    /**
     * Reads an MNIST-style pair of IDX files: images {@code 0x00000803} {@code (n, rows, cols)} and labels
     * {@code 0x00000801} {@code (n)} with values below {@code classes}.
     *
     * @param images the image file
     * @param labels the label file
     * @param classes the number of classes
     * @return the images
     * @throws MalformedDataException when a file has the wrong rank, the counts differ or a label is out of range
     * @throws IOException when a file cannot be read
     */
    public static LabelledImages readPair(Path images, Path labels, int classes) throws IOException {
        IdxArray img = IdxArray.read(images);
        if (img.rank() != 3) {
            throw new MalformedDataException(images, "an image file must have 3 dimensions (magic 0x00000803), "
                    + "found " + img.rank());
        }
        IdxArray lab = IdxArray.read(labels);
        if (lab.rank() != 1) {
            throw new MalformedDataException(labels, "a label file must have 1 dimension (magic 0x00000801), found "
                    + lab.rank());
        }
        if (lab.dim(0) != img.dim(0)) {
            throw new MalformedDataException(labels, String.format(Locale.ROOT,
                    "%d labels, but %s holds %d images", lab.dim(0), images, img.dim(0)));
        }
        int[] y = new int[lab.dim(0)];
        for (int i = 0; i < y.length; i++) {
            y[i] = lab.get(i);
            if (y[i] >= classes) {
                throw new MalformedDataException(labels, String.format(Locale.ROOT,
                        "label %d of image %d is out of range 0..%d", y[i], i, classes - 1));
            }
        }
        return new LabelledImages(images.toString(), img.dim(1), img.dim(2), img.data(), y);
    }
}
