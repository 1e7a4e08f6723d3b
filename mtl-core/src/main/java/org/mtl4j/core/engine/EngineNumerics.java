package org.mtl4j.core.engine;

import ai.djl.engine.Engine;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets up the PyTorch engine's CPU numerics so that float32 training is right and repeatable: called once, before
 * mtl4j builds or trains a network (every {@code MultiTaskBlock}'s constructor, {@code MultiTask.builder().build()}
 * and the trainer call it).
 *
 * <p><b>oneDNN convolutions off.</b> The libtorch 2.7.1 CPU natives that DJL 0.36 serves compute convolutions through
 * oneDNN, whose AVX-512 kernels return wrong results when a convolution's channel count is not a multiple of 16 (1, 2,
 * 3, 4, 8, 11, 22, 24, …): input gradients wrong by 20–45 % of their largest value, sometimes NaN, sometimes
 * different on every run; for more than 16 input channels the forward pass too. libtorch's switch for this,
 * {@code at::globalContext().setUserEnabledMkldnn(false)} (Python's {@code torch.backends.mkldnn.enabled = False}),
 * is not exposed by DJL and is called through JNA on the engine's own {@code torch_cpu} library. Convolutions then
 * run on ATen's reference kernels (im2col and BLAS); their float32 gradients agree with float64 to 1e-6 for every
 * shape the library builds. Cost: 1.4–3.0× the step time of the (wrong) oneDNN kernels, measured in
 * {@code docs/determinism.md}. NNPACK, the other fast path, is switched off with it. CUDA never uses either.
 *
 * <p><b>MKL in reproducible mode.</b> libtorch's BLAS is Intel MKL, whose matrix products and dot products give
 * different last bits depending on the memory alignment of their operands, so a run could differ from a run with the
 * same seed after other work in the same JVM. {@code mkl_cbwr_set(MKL_CBWR_AUTO)} (the {@code MKL_CBWR=AUTO}
 * environment variable) removes that; it only works before MKL's first call, so call {@link #configure()} early, or
 * set {@code MKL_CBWR=AUTO} in the environment.
 *
 * <p>Policy, from system properties: {@value #ONEDNN_PROPERTY} = {@code off} (default) or {@code on} (for natives
 * that {@code mtl check-natives} shows to be right); {@value #MKL_PROPERTY} = {@code auto} (default) or {@code off}.
 */
public final class EngineNumerics {

    /** The system property that chooses oneDNN convolutions: {@code off} (default) or {@code on}. */
    public static final String ONEDNN_PROPERTY = "mtl4j.onednn";
    /** The system property that chooses MKL's reproducible mode: {@code auto} (default) or {@code off}. */
    public static final String MKL_PROPERTY = "mtl4j.mkl.cbwr";

    private static final Logger LOG = LoggerFactory.getLogger(EngineNumerics.class);
    private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
    private static final String SET_MKLDNN = "_ZN2at7Context20setUserEnabledMkldnnEb";
    private static final String GET_MKLDNN = "_ZNK2at7Context17userEnabledMkldnnEv";
    private static final String SET_NNPACK = "_ZN2at7Context20setUserEnabledNNPACKEb";
    private static final String CBWR_SET = "mkl_serv_cbwr_set";
    private static final String CBWR_GET = "mkl_serv_cbwr_get";
    private static final int MKL_CBWR_BRANCH = 1;
    private static final int MKL_CBWR_AUTO = 2;

    /**
     * What {@link #configure()} found and did.
     *
     * @param convolutions how convolutions run
     * @param mklReproducible whether MKL runs in its reproducible (CNR) mode
     */
    public record State(Convolutions convolutions, boolean mklReproducible) {}

    /** How convolutions run. */
    public enum Convolutions {
        /** oneDNN switched off through libtorch's global context: ATen's reference kernels. */
        REFERENCE_KERNELS,
        /** oneDNN left on with {@code -Dmtl4j.onednn=on}. */
        ONEDNN_BY_REQUEST,
        /** The switch was not found and {@link ConvolutionGradientCheck#quickPanel()} passed on these natives. */
        UNCHANGED_CHECKED,
        /** The engine is not PyTorch. */
        NOT_PYTORCH
    }

    private static volatile State state;

    private EngineNumerics() {}

    /**
     * Applies the policy once per JVM; later calls return the first call's state.
     *
     * @return what was done
     * @throws IllegalStateException for a property value other than the documented ones, or when the oneDNN switch is
     *     missing and the natives fail the convolution gradient check
     */
    public static State configure() {
        State s = state;
        if (s != null) {
            return s;
        }
        synchronized (EngineNumerics.class) {
            if (state == null) {
                String onednn = property(ONEDNN_PROPERTY, "off", "on");
                String mkl = property(MKL_PROPERTY, "auto", "off");
                if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
                    state = new State(Convolutions.NOT_PYTORCH, false);
                } else {
                    boolean reproducible = "auto".equals(mkl) && mklReproducible();
                    state = new State(convolutions("on".equals(onednn)), reproducible);
                }
                LOG.debug("engine numerics: {}", state);
            }
            return state;
        }
    }

    /**
     * Whether oneDNN is currently enabled in libtorch's global context.
     *
     * @return the setting, or {@code null} where the switch cannot be found
     */
    public static Boolean oneDnnEnabled() {
        NativeLibrary lib = torchCpu();
        if (lib == null) {
            return null;
        }
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        return ((Byte) lib.getFunction(GET_MKLDNN).invoke(Byte.class, new Object[] {ctx})) != 0;
    }

    /**
     * Switches oneDNN in libtorch's global context, for tests, benchmarks and {@code mtl check-natives} that compare
     * the two; training code calls {@link #configure()} instead.
     *
     * @param enabled the new setting
     * @return {@code false} where the switch cannot be found (nothing changed)
     */
    public static boolean setOneDnnEnabled(boolean enabled) {
        NativeLibrary lib = torchCpu();
        if (lib == null) {
            return false;
        }
        setFlag(lib, SET_MKLDNN, enabled);
        return true;
    }

    /** Calls a {@code void at::Context::setX(bool)} setter on libtorch's global context. */
    private static void setFlag(NativeLibrary lib, String setter, boolean value) {
        Pointer ctx = lib.getFunction(GLOBAL_CONTEXT).invokePointer(new Object[0]);
        lib.getFunction(setter).invokeVoid(new Object[] {ctx, Boolean.valueOf(value)});
    }

    private static String property(String name, String byDefault, String other) {
        String v = System.getProperty(name, byDefault).trim().toLowerCase(Locale.ROOT);
        if (!v.equals(byDefault) && !v.equals(other)) {
            throw new IllegalStateException("-D" + name + " must be '" + byDefault + "' or '" + other + "', got '" + v
                    + "'");
        }
        return v;
    }

    private static Convolutions convolutions(boolean keepOneDnn) {
        if (keepOneDnn) {
            LOG.warn("oneDNN convolutions left on (-D{}=on): 'mtl check-natives' tells whether this machine's natives "
                    + "compute them correctly", ONEDNN_PROPERTY);
            return Convolutions.ONEDNN_BY_REQUEST;
        }
        NativeLibrary lib = torchCpu();
        if (lib != null) {
            setFlag(lib, SET_MKLDNN, false);
            try {
                setFlag(lib, SET_NNPACK, false);
            } catch (UnsatisfiedLinkError e) {
                LOG.debug("libtorch has no NNPACK switch: {}", e.getMessage());
            }
            return Convolutions.REFERENCE_KERNELS;
        }
        ConvolutionGradientCheck.Report report = ConvolutionGradientCheck.run(ConvolutionGradientCheck.quickPanel());
        if (!report.passed()) {
            throw new IllegalStateException("the PyTorch natives compute wrong convolution gradients (" + report.worst()
                    + ") and libtorch's oneDNN switch was not found in " + torchCpuPath()
                    + "; use natives whose 'mtl check-natives' passes");
        }
        LOG.info("libtorch's oneDNN switch not found; the convolution gradient check passed on these natives");
        return Convolutions.UNCHANGED_CHECKED;
    }

    private static boolean mklReproducible() {
        NativeLibrary lib = torchCpu();
        if (lib == null) {
            return false;
        }
        try {
            if (lib.getFunction(CBWR_GET).invokeInt(new Object[] {MKL_CBWR_BRANCH}) == MKL_CBWR_AUTO) {
                return true; // MKL_CBWR=AUTO in the environment
            }
            int rc = lib.getFunction(CBWR_SET).invokeInt(new Object[] {MKL_CBWR_AUTO});
            if (rc != 0) {
                LOG.warn("MKL's reproducible mode could not be set (code {}): MKL ran before mtl4j configured the "
                        + "engine, and matrix products may differ in their last bits between runs with the same seed; "
                        + "set MKL_CBWR=AUTO in the environment or call EngineNumerics.configure() first", rc);
                return false;
            }
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false; // a libtorch without MKL
        }
    }

    private static Path torchCpuPath() {
        try {
            Engine.getInstance(); // loads the natives
            String dir = ai.djl.pytorch.jni.LibUtils.getLibtorchPath();
            return dir == null ? null : Path.of(dir).resolve(System.mapLibraryName("torch_cpu"));
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static NativeLibrary torchCpu() {
        Path p = torchCpuPath();
        if (p == null || !Files.isRegularFile(p)) {
            return null;
        }
        try {
            NativeLibrary lib = NativeLibrary.getInstance(p.toString());
            lib.getFunction(GLOBAL_CONTEXT);
            lib.getFunction(SET_MKLDNN);
            lib.getFunction(GET_MKLDNN);
            return lib;
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }
}
