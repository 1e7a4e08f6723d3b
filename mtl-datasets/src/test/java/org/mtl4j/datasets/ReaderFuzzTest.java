package org.mtl4j.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.core.testing.FileFuzz;

/** Fuzzing of the data sets' binary readers (npy, IDX plain and gzipped, 16-bit and RGB PNG) with {@link FileFuzz}. */
class ReaderFuzzTest {

    private static float[] ramp(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = i * 0.25f - 3;
        }
        return f;
    }

    @Test
    void npyReaderFailsCleanly(@TempDir Path dir) throws IOException {
        byte[] valid = Files.readAllBytes(Fixtures.npy(dir.resolve("seed.npy"), ramp(24), 2, 3, 4));
        FileFuzz.fuzz("npy", dir, valid, NpyArray::read);
    }

    @Test
    void idxReaderFailsCleanlyPlainAndGzipped(@TempDir Path dir) throws IOException {
        byte[] data = new byte[3 * 5 * 5];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        FileFuzz.fuzz("idx", dir, Files.readAllBytes(Fixtures.idx(dir.resolve("seed.idx"), false, data, 3, 5, 5)),
                IdxArray::read);
        FileFuzz.fuzz("idxgz", dir, Files.readAllBytes(Fixtures.idx(dir.resolve("seed.idx.gz"), true, data, 3, 5, 5)),
                IdxArray::read);
    }

    @Test
    void pngReaderFailsCleanly(@TempDir Path dir) throws IOException {
        int[] values = new int[12 * 9];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i * 613) % 65536;
        }
        FileFuzz.fuzz("png16", dir, Files.readAllBytes(Fixtures.png16(dir.resolve("seed16.png"), 12, 9, values)),
                f -> PngImage.read(f).require(1, 16, "a depth map"));
        int[] rgb = new int[12 * 9 * 3];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = (i * 37) % 256;
        }
        FileFuzz.fuzz("pngrgb", dir, Files.readAllBytes(Fixtures.pngRgb(dir.resolve("seedrgb.png"), 12, 9, rgb)),
                PngImage::read);
    }
}
