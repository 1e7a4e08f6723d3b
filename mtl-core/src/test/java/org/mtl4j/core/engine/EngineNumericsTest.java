package org.mtl4j.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The convolution backend the library runs on computes right gradients for every channel count it can build, and the
 * check is able to see the fault of libtorch 2.7.1's oneDNN kernels. Fails on the code before the switch: the full
 * panel then reports wrong and run-dependent input gradients.
 */
class EngineNumericsTest {

    @Test
    void configureSwitchesOneDnnOffAndEveryPanelCasePasses() {
        EngineNumerics.State state = EngineNumerics.configure();
        assertEquals(EngineNumerics.Convolutions.REFERENCE_KERNELS, state.convolutions());
        assertTrue(state.mklReproducible(), "MKL's reproducible mode (MKL_CBWR=AUTO is set for the tests)");
        assertEquals(Boolean.FALSE, EngineNumerics.oneDnnEnabled());
        ConvolutionGradientCheck.Report report = ConvolutionGradientCheck.run(ConvolutionGradientCheck.fullPanel());
        assertTrue(report.passed(), () -> "wrong convolution gradients: " + report.failures());
        assertEquals(ConvolutionGradientCheck.fullPanel().size(), report.results().size());
    }

    @Test
    void theCheckSeesTheOneDnnFaultOnAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        // Measured on Intel AVX-512 processors; on AMD EPYC (Zen 4, AVX-512 too) oneDNN computed the quick panel
        // right, so the canary only asks for the fault where it was seen. The reference kernels stay the default
        // everywhere: they are right on both.
        String info = Files.isReadable(cpuinfo) ? Files.readString(cpuinfo) : "";
        assumeTrue(info.contains("avx512f") && info.contains("GenuineIntel"),
                "the oneDNN fault was measured on Intel AVX-512 processors");
        EngineNumerics.configure();
        try {
            assertTrue(EngineNumerics.setOneDnnEnabled(true));
            ConvolutionGradientCheck.Report report = ConvolutionGradientCheck.run(ConvolutionGradientCheck.quickPanel());
            assertFalse(report.passed(), "libtorch 2.7.1's oneDNN kernels computed every quick-panel case right: "
                    + "the natives changed, revisit EngineNumerics's default");
        } finally {
            assertTrue(EngineNumerics.setOneDnnEnabled(false));
        }
        assertTrue(ConvolutionGradientCheck.run(ConvolutionGradientCheck.quickPanel()).passed());
    }

    @Test
    void matrixProductsDoNotDependOnTheOperandsAlignment() {
        EngineNumerics.configure();
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            int d = 3000;
            ai.djl.ndarray.NDArray values = m.randomNormal(new ai.djl.ndarray.types.Shape(3 * d));
            java.util.Set<String> results = new java.util.HashSet<>();
            for (int offset = 0; offset < 16; offset++) {
                ai.djl.ndarray.NDArray buffer = m.zeros(new ai.djl.ndarray.types.Shape(3 * d + 16));
                ai.djl.ndarray.index.NDIndex at = new ai.djl.ndarray.index.NDIndex(offset + ":" + (offset + 3 * d));
                buffer.set(at, values);
                ai.djl.ndarray.NDArray g = buffer.get(at).reshape(3, d); // the same values, shifted in memory
                results.add(java.util.Arrays.toString(g.matMul(g.transpose()).toFloatArray()));
            }
            assertEquals(1, results.size(), "Gram matrices of the same values differ with their alignment: " + results);
        }
    }

    @Test
    void passingCaseIsReportedAsOk() {
        ConvolutionGradientCheck.Result r = new ConvolutionGradientCheck.Result(
                new ConvolutionGradientCheck.Case(2, 2, 3, 1, 2, 4), 1e-7, 2e-7, true);
        assertTrue(r.passed());
        assertFalse(new ConvolutionGradientCheck.Result(r.convolution(), Double.NaN, 0, true).passed());
        assertFalse(new ConvolutionGradientCheck.Result(r.convolution(), 0, 0, false).passed());
        assertFalse(new ConvolutionGradientCheck.Result(r.convolution(), 0, 2e-4, true).passed());
    }
}
