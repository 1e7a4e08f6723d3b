package org.mtl4j.datasets;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An unsigned-byte array read from an IDX file, the format of MNIST and Fashion-MNIST (LeCun, Cortes and Burges,
 * "THE MNIST DATABASE of handwritten digits", yann.lecun.com/exdb/mnist; Xiao, Rasul and Vollgraf, "Fashion-MNIST",
 * github.com/zalandoresearch/fashion-mnist), plain or gzip-compressed (detected from the gzip magic {@code 1f 8b},
 * not from the file name).
 *
 * <p>Layout: a big-endian magic {@code 00 00 TT DD} where {@code TT} is the element type and {@code DD} the number
 * of dimensions, then {@code DD} big-endian {@code int32} sizes, then the elements in row-major order. MNIST images
 * are {@code 0x00000803} ({@code uint8}, {@code (n, 28, 28)}), labels {@code 0x00000801} ({@code uint8},
 * {@code (n)}). Only the element type {@code 0x08} (unsigned byte) is supported. A bad magic, another element type, a
 * truncated body, trailing bytes or a broken gzip stream raise a {@link MalformedDataException} naming the file.
 *
 * <p>Why not DJL's basic-dataset {@code Mnist}/{@code FashionMnist}: they load through DJL's repository (an MRL with
 * its metadata, downloaded on first use), not from files already on disk such as the Debian package
 * {@code dataset-fashion-mnist} installs, and they give DJL data sets rather than the raw images mtl4j composes
 * (Multi-Fashion, multi-input training).
 */
public final class IdxArray {

    /** The IDX element type of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    private final Path file;
    private final int[] dims;
    private final byte[] data;

    private IdxArray(Path file, int[] dims, byte[] data) {
        this.file = file;
        this.dims = dims;
        this.data = data;
    }

    /**
     * Reads an IDX file, gzip-compressed or not.
     *
     * @param file the file
     * @return the array
     * @throws NoSuchFileException when the file does not exist
     * @throws MalformedDataException when the file is not a valid unsigned-byte IDX file
     * @throws IOException when it cannot be read
     */
    public static IdxArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
        byte[] raw = Files.readAllBytes(file);
        byte[] bytes = raw;
        if (raw.length >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b) {
            bytes = gunzip(file, raw);
        }
        return parse(file, bytes);
    }

    /**
     * Parses the (uncompressed) bytes of an IDX file.
     *
     * @param file the file name, for messages
     * @param bytes the uncompressed content
     * @return the array
     * @throws MalformedDataException when the bytes are not a valid unsigned-byte IDX file
     */
    public static IdxArray parse(Path file, byte[] bytes) throws MalformedDataException {
        if (bytes.length < 4) {
            throw new MalformedDataException(file, "truncated: " + bytes.length + " bytes, too short for the IDX magic");
        }
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "bad IDX magic 0x%02x%02x%02x%02x (expected 0x0000TTDD, for example 0x00000803 for images)",
                    bytes[0], bytes[1], bytes[2], bytes[3]));
        }
        int type = bytes[2] & 0xff;
        int rank = bytes[3] & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "IDX element type 0x%02x is not supported (MNIST and Fashion-MNIST use 0x08, unsigned byte)",
                    type));
        }
        if (rank == 0) {
            throw new MalformedDataException(file, "the IDX magic announces 0 dimensions");
        }
        int headerLength = 4 + 4 * rank;
        if (bytes.length < headerLength) {
            throw new MalformedDataException(file, "truncated inside the header: " + rank + " dimension sizes need "
                    + headerLength + " bytes, the file has " + bytes.length);
        }
        int[] dims = new int[rank];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            int at = 4 + 4 * d;
            dims[d] = ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                    | (bytes[at + 3] & 0xff);
            if (dims[d] < 0) {
                throw new MalformedDataException(file, "negative dimension size " + dims[d]);
            }
            count *= dims[d];
            if (count > Integer.MAX_VALUE - 8) {
                throw new MalformedDataException(file, "the header announces more than 2^31 elements");
            }
        }
        long actual = bytes.length - headerLength;
        if (actual < count) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "truncated: the header announces %s = %d bytes of data but only %d follow",
                    Arrays.toString(dims), count, actual));
        }
        if (actual > count) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "%d unexpected bytes after the %d announced by the header %s", actual - count, count,
                    Arrays.toString(dims)));
        }
        return new IdxArray(file, dims, Arrays.copyOfRange(bytes, headerLength, bytes.length));
    }

    private static byte[] gunzip(Path file, byte[] raw) throws MalformedDataException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw), 1 << 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 2);
            in.transferTo(out);
            return out.toByteArray();
        } catch (EOFException e) {
            throw new MalformedDataException(file, "truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (ZipException e) {
            throw new MalformedDataException(file, "corrupt gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new MalformedDataException(file, "unreadable gzip stream (" + e.getMessage() + ")", e);
        }
    }

    /** @return the file it was read from */
    public Path file() {
        return file;
    }

    /** @return a copy of the dimension sizes */
    public int[] dims() {
        return dims.clone();
    }

    /** @return the number of dimensions */
    public int rank() {
        return dims.length;
    }

    /**
     * Returns one dimension's size.
     *
     * @param axis the axis
     * @return the size
     */
    public int dim(int axis) {
        return dims[axis];
    }

    /**
     * Returns one element as an unsigned value.
     *
     * @param index the flat (row-major) index
     * @return the value in {@code [0, 255]}
     */
    public int get(int index) {
        return data[index] & 0xff;
    }

    /** @return the raw elements in row-major order (the array itself, not a copy; read with {@code & 0xff}) */
    public byte[] data() {
        return data;
    }
}
