package org.mtl4j.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy reader against files written by numpy 2.4 itself (bytes captured with np.save / write_array). */
class NpyArrayTest {

    // np.save(f, np.array([[1.5,-2.0,0.0],[3.25,-0.5,7.0]], dtype='<f4'))
    private static final String F4 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
            + "KDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAMA/AAAAwAAA"
            + "AAAAAFBAAAAAvwAA4EA=";
    // np.save(f, np.arange(6, dtype='<i8').reshape(3, 2) - 1)
    private static final String I8 = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
            + "KDMsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAr//////////wAA"
            + "AAAAAAAAAQAAAAAAAAACAAAAAAAAAAMAAAAAAAAABAAAAAAAAAA=";
    // np.save(f, np.array([0, 255, 7, 128], dtype='|u1'))
    private static final String U1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
            + "KDQsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoA/weA";
    // np.save(f, np.array([1.0, -2.5, 1e-3], dtype='>f8'))
    private static final String F8_BIG = "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBl"
            + "JzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/8AAAAAAA"
            + "AMAEAAAAAAAAP1BiTdLxqfw=";
    // np.save(f, np.array([[True, False], [False, True]]))
    private static final String B1 = "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzog"
            + "KDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAB";
    // np.lib.format.write_array(f, np.array([-32768, 5, 32767], dtype='<i2'), version=(2, 0))
    private static final String I2_V2 = "k05VTVBZAgB0AAAAeydkZXNjcic6ICc8aTInLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hh"
            + "cGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAgAUA/38=";
    // np.save(f, np.array(4.5, dtype='<f4'))
    private static final String SCALAR = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBl"
            + "JzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAJBA";
    // np.save(f, np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
    private static final String FORTRAN = "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUn"
            + "OiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAABA"
            + "QAAAgD8AAIBAAAAAQAAAoEA=";
    // np.save(f, np.zeros(2, dtype=[('a', '<f4'), ('b', '<i4')]))
    private static final String STRUCT = "k05VTVBZAQB2AHsnZGVzY3InOiBbKCdhJywgJzxmNCcpLCAoJ2InLCAnPGk0JyldLCAnZm9ydHJh"
            + "bl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMiwpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAA"
            + "AAAAAAAAAAAAAAAA";

    @TempDir
    Path dir;

    private Path write(String name, String base64) throws Exception {
        return Files.write(dir.resolve(name), Base64.getDecoder().decode(base64));
    }

    @Test
    void readsEveryDtypeNumpyWrites() throws Exception {
        NpyArray f4 = NpyArray.read(write("f4.npy", F4));
        assertEquals("<f4", f4.descr());
        assertArrayEquals(new long[] {2, 3}, f4.shape());
        assertArrayEquals(new float[] {1.5f, -2f, 0f, 3.25f, -0.5f, 7f}, f4.data());

        NpyArray i8 = NpyArray.read(write("i8.npy", I8));
        assertArrayEquals(new long[] {3, 2}, i8.shape());
        assertArrayEquals(new float[] {-1, 0, 1, 2, 3, 4}, i8.data());

        assertArrayEquals(new float[] {0, 255, 7, 128}, NpyArray.read(write("u1.npy", U1)).data());
        assertArrayEquals(new float[] {1f, -2.5f, 1e-3f}, NpyArray.read(write("f8.npy", F8_BIG)).data());
        NpyArray b1 = NpyArray.read(write("b1.npy", B1));
        assertArrayEquals(new float[] {1, 0, 0, 1}, b1.data());
        assertEquals(2, b1.dim(1));
        NpyArray i2 = NpyArray.read(write("i2.npy", I2_V2));
        assertArrayEquals(new float[] {-32768, 5, 32767}, i2.data());
        NpyArray scalar = NpyArray.read(write("s.npy", SCALAR));
        assertEquals(0, scalar.rank());
        assertArrayEquals(new float[] {4.5f}, scalar.data());
    }

    @Test
    void fixtureWriterMatchesNumpyByteForByte() throws Exception {
        Path ours = Fixtures.npy(dir.resolve("ours.npy"), new float[] {1.5f, -2f, 0f, 3.25f, -0.5f, 7f}, 2, 3);
        assertArrayEquals(Base64.getDecoder().decode(F4), Files.readAllBytes(ours));
    }

    @Test
    void rejectsWhatItCannotReadExactly() throws Exception {
        Path fortran = write("fortran.npy", FORTRAN);
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> NpyArray.read(fortran));
        assertTrue(e.getMessage().startsWith(fortran.toString()) && e.getMessage().contains("Fortran"),
                e.getMessage());
        assertEquals(fortran, e.file());

        Path struct = write("struct.npy", STRUCT);
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(struct));
        assertTrue(e.getMessage().contains(struct.toString()) && e.getMessage().contains("structured"),
                e.getMessage());

        Path truncated = write("truncated.npy", F4);
        Fixtures.truncate(truncated, (int) Files.size(truncated) - 5);
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(truncated));
        assertTrue(e.getMessage().contains(truncated.toString()) && e.getMessage().contains("truncated")
                && e.getMessage().contains("24 bytes"), e.getMessage());

        Path header = write("header.npy", F4);
        Fixtures.truncate(header, 40);
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(header));
        assertTrue(e.getMessage().contains(header.toString()) && e.getMessage().contains("truncated"),
                e.getMessage());

        byte[] longer = Arrays.copyOf(Base64.getDecoder().decode(F4), Base64.getDecoder().decode(F4).length + 3);
        Path trailing = Files.write(dir.resolve("trailing.npy"), longer);
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(trailing));
        assertTrue(e.getMessage().contains("3 unexpected bytes"), e.getMessage());

        Path notNpy = Files.writeString(dir.resolve("text.npy"), "hello, this is not numpy");
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(notNpy));
        assertTrue(e.getMessage().contains(notNpy.toString()) && e.getMessage().contains("magic"), e.getMessage());

        Path complex = Fixtures.npy(dir.resolve("c8.npy"), "<c8", new byte[16], 2);
        e = assertThrows(MalformedDataException.class, () -> NpyArray.read(complex));
        assertTrue(e.getMessage().contains("unsupported dtype '<c8'"), e.getMessage());

        Path missing = dir.resolve("missing.npy");
        NoSuchFileException n = assertThrows(NoSuchFileException.class, () -> NpyArray.read(missing));
        assertTrue(n.getMessage().contains(missing.toString()), n.getMessage());
    }
}
