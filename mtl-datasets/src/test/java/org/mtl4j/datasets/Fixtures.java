package org.mtl4j.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Writers of fixture files in the real on-disk formats (npy v1.0, IDX, PNG). */
public final class Fixtures {

    private Fixtures() {}

    /** Writes a float32 little-endian C-order .npy file, version 1.0, exactly as numpy.save does. */
    public static Path npy(Path file, float[] data, long... shape) throws IOException {
        return npy(file, "<f4", floatBytes(data), shape);
    }

    /** Writes a .npy file with the given dtype descriptor and raw little-endian data bytes. */
    public static Path npy(Path file, String descr, byte[] body, long... shape) throws IOException {
        String dims = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ")) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.write(header.getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
        return file;
    }

    public static byte[] floatBytes(float[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : data) {
            b.putFloat(f);
        }
        return b.array();
    }

    /** Writes an IDX file of unsigned bytes: magic 0x000008DD, big-endian sizes, data; gzipped if asked. */
    public static Path idx(Path file, boolean gzip, byte[] data, int... dims) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        raw.write(new byte[] {0, 0, 0x08, (byte) dims.length});
        for (int d : dims) {
            raw.write(ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putInt(d).array());
        }
        raw.write(data);
        Files.createDirectories(file.getParent());
        try (OutputStream os = Files.newOutputStream(file)) {
            if (gzip) {
                try (GZIPOutputStream gz = new GZIPOutputStream(os)) {
                    gz.write(raw.toByteArray());
                }
            } else {
                os.write(raw.toByteArray());
            }
        }
        return file;
    }

    /** Writes a 16-bit grayscale PNG of raw values (h×w row-major). */
    public static Path png16(Path file, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, values[y * w + x]);
            }
        }
        return write(file, img);
    }

    /** Writes an 8-bit grayscale PNG. */
    public static Path png8(Path file, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, values[y * w + x]);
            }
        }
        return write(file, img);
    }

    /** Writes a 1-bit PNG (0/1). */
    public static Path png1(Path file, int w, int h, int[] values) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, values[y * w + x]);
            }
        }
        return write(file, img);
    }

    /** Writes an 8-bit RGB PNG from interleaved (h, w, 3) samples. */
    public static Path pngRgb(Path file, int w, int h, int[] rgb) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = img.getRaster();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    r.setSample(x, y, c, rgb[(y * w + x) * 3 + c]);
                }
            }
        }
        return write(file, img);
    }

    private static Path write(Path file, BufferedImage img) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(img, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
        return file;
    }

    /** Cuts a file to its first {@code keep} bytes. */
    public static void truncate(Path file, int keep) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(b, keep));
    }
}
