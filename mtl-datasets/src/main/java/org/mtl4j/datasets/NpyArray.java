package org.mtl4j.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A numeric array read from a NumPy {@code .npy} file, converted to {@code float}, in C (row-major) order.
 *
 * <p>The format is the one {@code numpy.save} writes (NumPy Enhancement Proposal 1, "A simple file format for NumPy
 * arrays"; {@code numpy/lib/format.py}): the magic string {@code \x93NUMPY}, a major and a minor version byte, the
 * header length (little-endian {@code uint16} for version 1.0, {@code uint32} for 2.0 and 3.0), and an ASCII (UTF-8
 * in 3.0) Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (288, 384, 3), }},
 * padded with spaces and a newline; then the raw elements.
 *
 * <p>The reader is strict: it accepts the element types {@code b1, i1, i2, i4, i8, u1, u2, u4, u8, f2, f4, f8} in
 * either byte order ({@code <}, {@code >}, {@code |} for one-byte types), C order only, and exactly
 * {@code product(shape) × itemsize} data bytes. Anything else — a wrong magic, a structured or object dtype, Fortran
 * order, a truncated body, trailing bytes — raises a {@link MalformedDataException} naming the file. Integer values
 * above 2<sup>24</sup> lose precision in the conversion to {@code float}.
 *
 * <p><b>Why not DJL's reader.</b> {@code NDList.decode} (DJL 0.36.0) reads {@code .npy} bytes into engine arrays. Fed
 * the same files as this reader's tests, it read a {@code >f8} file as little-endian (silently wrong values), accepted
 * trailing bytes, reported a truncated body as "Invalid NDArray input" without a file name, and a {@code <i2} file
 * aborted the JVM. Data sets also want plain Java arrays before any engine work (resizing, augmentation).
 */
public final class NpyArray {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final Path file;
    private final String descr;
    private final long[] shape;
    private final float[] data;

    private NpyArray(Path file, String descr, long[] shape, float[] data) {
        this.file = file;
        this.descr = descr;
        this.shape = shape;
        this.data = data;
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @param file the file
     * @return the array
     * @throws NoSuchFileException when the file does not exist (the message is the path)
     * @throws MalformedDataException when the file is not a valid, supported {@code .npy} file
     * @throws IOException when it cannot be read
     */
    public static NpyArray read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such .npy file");
        }
        return parse(file, Files.readAllBytes(file));
    }

    /**
     * Parses the bytes of a {@code .npy} file.
     *
     * @param file the file name, for messages
     * @param bytes the whole file
     * @return the array
     * @throws MalformedDataException when the bytes are not a valid, supported {@code .npy} file
     */
    public static NpyArray parse(Path file, byte[] bytes) throws MalformedDataException {
        if (bytes.length < MAGIC.length + 2 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new MalformedDataException(file, "not a .npy file (the magic string \\x93NUMPY is missing)");
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        int headerStart;
        long headerLength;
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1 && minor == 0) {
            require(file, bytes.length >= 10, "truncated inside the header length");
            headerLength = bb.getShort(8) & 0xffff;
            headerStart = 10;
        } else if ((major == 2 || major == 3) && minor == 0) {
            require(file, bytes.length >= 12, "truncated inside the header length");
            headerLength = bb.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new MalformedDataException(file, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        require(file, headerStart + headerLength <= bytes.length, "truncated: the header announces "
                + headerLength + " bytes but the file has " + (bytes.length - headerStart) + " after the preamble");
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(file, header).parseDict();
        for (String key : List.of("descr", "fortran_order", "shape")) {
            require(file, dict.containsKey(key), "the header lacks the key '" + key + "': " + header.trim());
        }
        require(file, dict.size() == 3, "the header has unexpected keys " + dict.keySet() + ": " + header.trim());
        Object descrValue = dict.get("descr");
        if (!(descrValue instanceof String)) {
            throw new MalformedDataException(file, "structured or object dtype " + descrValue
                    + " is not supported; expected a plain numeric dtype such as '<f4'");
        }
        String descr = (String) descrValue;
        Object fortran = dict.get("fortran_order");
        require(file, fortran instanceof Boolean, "'fortran_order' must be True or False, got " + fortran);
        if ((Boolean) fortran) {
            throw new MalformedDataException(file, "Fortran-order arrays are not supported; save the array in C "
                    + "order (numpy.ascontiguousarray)");
        }
        Object shapeValue = dict.get("shape");
        require(file, shapeValue instanceof long[], "'shape' must be a tuple of integers, got " + shapeValue);
        long[] shape = (long[]) shapeValue;
        DType type = DType.parse(file, descr);
        long count = 1;
        for (long d : shape) {
            require(file, d >= 0, "negative dimension in shape " + Arrays.toString(shape));
            count = Math.multiplyExact(count, d);
        }
        require(file, count <= Integer.MAX_VALUE - 8, "the array has " + count + " elements; at most "
                + (Integer.MAX_VALUE - 8) + " are supported");
        long dataStart = headerStart + headerLength;
        long expected = count * type.size;
        long actual = bytes.length - dataStart;
        if (actual < expected) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "truncated: the header announces %d values of %s (%d bytes) but only %d bytes follow", count,
                    descr, expected, actual));
        }
        if (actual > expected) {
            throw new MalformedDataException(file, String.format(Locale.ROOT,
                    "%d unexpected bytes after the %d values of %s announced by the header", actual - expected,
                    count, descr));
        }
        ByteBuffer body = ByteBuffer.wrap(bytes, (int) dataStart, (int) expected).slice().order(type.order);
        float[] values = new float[(int) count];
        type.decode(body, values);
        return new NpyArray(file, descr, shape, values);
    }

    /** @return the file it was read from */
    public Path file() {
        return file;
    }

    /** @return the dtype descriptor as stored, for example {@code <f4} */
    public String descr() {
        return descr;
    }

    /** @return a copy of the shape */
    public long[] shape() {
        return shape.clone();
    }

    /** @return the number of axes */
    public int rank() {
        return shape.length;
    }

    /**
     * Returns the length of one axis.
     *
     * @param axis the axis
     * @return its length
     */
    public int dim(int axis) {
        return Math.toIntExact(shape[axis]);
    }

    /** @return the values in C order (the array itself, not a copy) */
    public float[] data() {
        return data;
    }

    @Override
    public String toString() {
        return file + " " + descr + " " + Arrays.toString(shape);
    }

    private static void require(Path file, boolean condition, String problem) throws MalformedDataException {
        if (!condition) {
            throw new MalformedDataException(file, problem);
        }
    }

    /** The supported element types. */
    private static final class DType {
        final char kind;
        final int size;
        final ByteOrder order;

        private DType(char kind, int size, ByteOrder order) {
            this.kind = kind;
            this.size = size;
            this.order = order;
        }

        static DType parse(Path file, String descr) throws MalformedDataException {
            String supported = "; supported: b1, i1, i2, i4, i8, u1, u2, u4, u8, f2, f4, f8 with byte order <, > "
                    + "or |";
            if (descr.length() < 3) {
                throw new MalformedDataException(file, "unsupported dtype '" + descr + "'" + supported);
            }
            char orderChar = descr.charAt(0);
            char kind = descr.charAt(1);
            int size;
            try {
                size = Integer.parseInt(descr.substring(2));
            } catch (NumberFormatException e) {
                throw new MalformedDataException(file, "unsupported dtype '" + descr + "'" + supported);
            }
            boolean known = switch (kind) {
                case 'b' -> size == 1;
                case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
                case 'f' -> size == 2 || size == 4 || size == 8;
                default -> false;
            };
            if (!known) {
                throw new MalformedDataException(file, "unsupported dtype '" + descr + "'" + supported);
            }
            ByteOrder order;
            switch (orderChar) {
                case '<':
                    order = ByteOrder.LITTLE_ENDIAN;
                    break;
                case '>':
                    order = ByteOrder.BIG_ENDIAN;
                    break;
                case '|':
                    if (size != 1) {
                        throw new MalformedDataException(file, "dtype '" + descr
                                + "' has no byte order although its elements have " + size + " bytes");
                    }
                    order = ByteOrder.LITTLE_ENDIAN;
                    break;
                default:
                    throw new MalformedDataException(file, "unsupported byte order '" + orderChar + "' in dtype '"
                            + descr + "'" + supported);
            }
            return new DType(kind, size, order);
        }

        void decode(ByteBuffer in, float[] out) {
            for (int i = 0; i < out.length; i++) {
                out[i] = switch (kind) {
                    case 'b' -> in.get() != 0 ? 1f : 0f;
                    case 'i' -> switch (size) {
                        case 1 -> in.get();
                        case 2 -> in.getShort();
                        case 4 -> in.getInt();
                        default -> in.getLong();
                    };
                    case 'u' -> switch (size) {
                        case 1 -> in.get() & 0xff;
                        case 2 -> in.getShort() & 0xffff;
                        case 4 -> in.getInt() & 0xffffffffL;
                        default -> unsignedLongToFloat(in.getLong());
                    };
                    default -> switch (size) {
                        case 2 -> Half.toFloat(in.getShort());
                        case 4 -> in.getFloat();
                        default -> (float) in.getDouble();
                    };
                };
            }
        }

        private static float unsignedLongToFloat(long v) {
            return v >= 0 ? v : (float) ((v >>> 1) | (v & 1)) * 2f;
        }
    }

    /** Converts IEEE 754 half-precision bits (Java 17 has no {@code Float.float16ToFloat}). */
    private static final class Half {
        private Half() {}

        static float toFloat(short bits) {
            int h = bits & 0xffff;
            int sign = (h >>> 15) != 0 ? -1 : 1;
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x3ff;
            if (exponent == 0) {
                return sign * (float) (mantissa * Math.pow(2, -24));
            }
            if (exponent == 0x1f) {
                return mantissa == 0 ? sign * Float.POSITIVE_INFINITY : Float.NaN;
            }
            return sign * (float) ((1024 + mantissa) * Math.pow(2, exponent - 25));
        }
    }

    /** A parser of the Python dict literal in the header. */
    private static final class HeaderParser {
        private final Path file;
        private final String s;
        private int pos;

        HeaderParser(Path file, String s) {
            this.file = file;
            this.s = s;
        }

        Map<String, Object> parseDict() throws MalformedDataException {
            skipSpace();
            expect('{');
            Map<String, Object> out = new LinkedHashMap<>();
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = parseString();
                skipSpace();
                expect(':');
                skipSpace();
                Object value = parseValue();
                if (out.put(key, value) != null) {
                    throw error("the key '" + key + "' appears twice");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            skipSpace();
            if (pos != s.length()) {
                throw error("unexpected text after the dict");
            }
            return out;
        }

        private Object parseValue() throws MalformedDataException {
            char c = peek();
            if (c == '\'' || c == '"') {
                return parseString();
            }
            if (c == '(') {
                return parseTuple();
            }
            if (c == '[') {
                // a structured dtype: keep its text for the message
                int depth = 0;
                int start = pos;
                do {
                    char d = peek();
                    if (d == '[' || d == '(') {
                        depth++;
                    } else if (d == ']' || d == ')') {
                        depth--;
                    }
                    pos++;
                } while (depth > 0);
                return new StringBuilder(s.substring(start, pos));
            }
            if (s.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw error("unexpected value");
        }

        private long[] parseTuple() throws MalformedDataException {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected a non-negative integer in the shape");
                }
                try {
                    dims.add(Long.parseLong(s.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("dimension out of range");
                }
                if (peek() == 'L') {
                    pos++; // Python 2 long literal, as written by old NumPy versions
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private String parseString() throws MalformedDataException {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = s.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String out = s.substring(pos + 1, end);
            pos = end + 1;
            return out;
        }

        private void expect(char c) throws MalformedDataException {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() throws MalformedDataException {
            if (pos >= s.length()) {
                throw error("the header ends early");
            }
            return s.charAt(pos);
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private MalformedDataException error(String problem) {
            return new MalformedDataException(file, "malformed header at character " + pos + " (" + problem + "): "
                    + s.trim());
        }
    }
}
