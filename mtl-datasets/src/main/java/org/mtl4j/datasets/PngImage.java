package org.mtl4j.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * The raw samples of a PNG file as decoded by {@code javax.imageio}, without any colour conversion: a 16-bit
 * grayscale PNG gives its stored values {@code 0…65535} (read from the {@link Raster}, never through
 * {@code getRGB}, which would reduce them to 8 bits), an 8-bit RGB PNG gives three samples {@code 0…255} per pixel,
 * a palette PNG gives its palette indices, a 1-bit PNG gives {@code 0/1}.
 *
 * @param file the file
 * @param width the width
 * @param height the height
 * @param bands the samples per pixel (1 gray or palette, 2 gray + alpha, 3 RGB, 4 RGBA)
 * @param bitDepth the bits per sample (1, 2, 4, 8 or 16)
 * @param palette whether the samples are palette indices
 * @param samples the samples, interleaved {@code (height, width, bands)}, row-major
 */
public record PngImage(Path file, int width, int height, int bands, int bitDepth, boolean palette, int[] samples) {

    /**
     * Reads a PNG file.
     *
     * @param file the file
     * @return its samples
     * @throws NoSuchFileException when it does not exist
     * @throws MalformedDataException when it is not a decodable PNG (bad signature, truncated, corrupt)
     * @throws IOException when it cannot be read
     */
    public static PngImage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such PNG file");
        }
        BufferedImage image;
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                throw new MalformedDataException(file, "cannot be opened as an image stream");
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = null;
            while (readers.hasNext()) {
                ImageReader r = readers.next();
                if ("png".equalsIgnoreCase(r.getFormatName())) {
                    reader = r;
                    break;
                }
            }
            if (reader == null) {
                throw new MalformedDataException(file, "not a PNG file (the PNG signature is missing)");
            }
            try {
                reader.setInput(in, true, true);
                image = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (MalformedDataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new MalformedDataException(file, "corrupt or truncated PNG (" + e.getMessage() + ")", e);
        }
        Raster raster = image.getRaster();
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int depth = raster.getSampleModel().getSampleSize(0);
        int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
        boolean palette = image.getColorModel() instanceof IndexColorModel;
        return new PngImage(file, w, h, bands, depth, palette, samples);
    }

    /**
     * Checks the sample layout.
     *
     * @param expectedBands the samples per pixel required
     * @param expectedDepth the bits per sample required
     * @param what the content, for the message (for example {@code "depth_zbuffer"})
     * @return this image
     * @throws MalformedDataException naming the file, what was expected and what was found
     */
    public PngImage require(int expectedBands, int expectedDepth, String what) throws MalformedDataException {
        if (bands != expectedBands || bitDepth != expectedDepth) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "expected a %d-bit %s PNG for %s, found %s", expectedDepth, describe(expectedBands, false), what,
                    describeSelf()));
        }
        return this;
    }

    /** @return a description such as {@code "16-bit grayscale 512x512"} */
    public String describeSelf() {
        return String.format(Locale.ROOT, "%d-bit %s %dx%d", bitDepth, describe(bands, palette), width, height);
    }

    private static String describe(int bands, boolean palette) {
        if (palette) {
            return "palette";
        }
        return switch (bands) {
            case 1 -> "grayscale";
            case 2 -> "grayscale+alpha";
            case 3 -> "RGB";
            case 4 -> "RGBA";
            default -> bands + "-band";
        };
    }
}
