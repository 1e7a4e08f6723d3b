package org.mtl4j.reliability;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.training.EpochRecord;
import org.mtl4j.core.training.NonFiniteLossException;
import org.mtl4j.core.training.TrainingHistory;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.losses.Weightings;

/**
 * Trains every architecture × encoder width × batch size × gradient mode for two steps on the test tasks (with missing
 * labels) and fingerprints the run: each task's training loss and every parameter after the steps, as exact bits.
 * {@link #main} prints one {@code CASE name fingerprint} line per case, so that a second JVM can be compared.
 */
public final class DeterminismMatrix {

    static final List<String> ARCHS = List.of("hps", "soft", "cross-stitch", "mtan", "padnet", "mmoe", "cgc", "ple",
            "dselect-k", "nddr-cnn", "mtinet", "ltb", "branched:tree=seg+reg+nrm|seg+reg/nrm");
    static final int[] WIDTHS = {1, 2, 3, 4, 8, 11, 16};
    static final int[] BATCHES = {1, 2, 64};
    /** Loss only (equal weights), parameter mode (PCGrad) and representation mode (MGDA-UB). */
    static final Map<GradientMode, String> MODES = Map.of(GradientMode.NONE, "equal", GradientMode.PARAMETERS,
            "pcgrad", GradientMode.REPRESENTATION, "mgda");

    private DeterminismMatrix() {}

    /** One cell of the matrix. */
    record Case(String arch, int width, int batch, GradientMode mode) {
        String name() {
            return arch + "/w" + width + "/b" + batch + "/" + mode.name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome of one run: its fingerprint and whether every loss was finite. */
    record Outcome(String fingerprint, boolean finite, String losses) {}

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (String arch : ARCHS) {
            List<GradientMode> modes = List.of(GradientMode.NONE, GradientMode.PARAMETERS,
                    GradientMode.REPRESENTATION).stream().filter(m -> supports(arch, m)).toList();
            for (int width : WIDTHS) {
                for (int batch : BATCHES) {
                    for (GradientMode mode : modes) {
                        out.add(new Case(arch, width, batch, mode));
                    }
                }
            }
        }
        return out;
    }

    /** Whether the architecture's network can give per-task gradients in the mode (asked of the block itself). */
    static boolean supports(String arch, GradientMode mode) {
        return Architectures.byName(arch).create(new ai.djl.ndarray.types.Shape(3, 8, 8),
                com.google.common.collect.ImmutableList.copyOf(TestData.tasks()), Encoders.resNet(1)).supports(mode);
    }

    static Map<String, Outcome> run(List<Case> cases) {
        InMemoryMultiTaskDataset data = TestData.dataset(128, 8, 17, 0.2);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        Map<String, Outcome> out = new LinkedHashMap<>();
        for (Case c : cases) {
            Architecture arch = Architectures.byName(c.arch());
            TrainingSettings settings = TrainingSettings.builder().epochs(1).batchSize(c.batch()).maxBatchesPerEpoch(2)
                    .learningRate(0.01f).seed(11).gradientMode(c.mode()).progressBar(false).verbose(false).build();
            try (MultiTaskModel model = MultiTask.builder().input(3, 8, 8).encoder(Encoders.resNet(c.width()))
                    .sharing(arch).tasks(TestData.tasks()).weighting(Weightings.byName(MODES.get(c.mode()), 3))
                    .settings(settings).build()) {
                TrainingHistory history = model.trainer().output(quiet, quiet).fit(data, null);
                Hasher h = Hashing.sha256().newHasher();
                boolean finite = true;
                StringBuilder losses = new StringBuilder();
                for (EpochRecord e : history.epochs()) {
                    for (Map.Entry<String, Double> l : e.trainLoss().entrySet()) {
                        h.putString(l.getKey(), java.nio.charset.StandardCharsets.UTF_8).putDouble(l.getValue());
                        finite &= Double.isFinite(l.getValue());
                        losses.append(l.getKey()).append('=').append(l.getValue()).append(' ');
                    }
                }
                for (Pair<String, Parameter> p : model.network().getParameters()) {
                    NDArray a = p.getValue().getArray();
                    h.putString(p.getKey(), java.nio.charset.StandardCharsets.UTF_8).putBytes(a.toByteArray());
                    finite &= !a.isNaN().any().getBoolean() && !a.isInfinite().any().getBoolean();
                }
                out.put(c.name(), new Outcome(h.hash().toString(), finite, losses.toString().trim()));
            } catch (NonFiniteLossException e) {
                out.put(c.name(), new Outcome("non-finite", false, e.getMessage()));
            }
        }
        return out;
    }

    /**
     * Prints {@code CASE name fingerprint finite} for every case, then {@code DONE}.
     *
     * @param args unused
     */
    public static void main(String[] args) {
        for (Map.Entry<String, Outcome> e : run(cases()).entrySet()) {
            System.out.println("CASE " + e.getKey() + " " + e.getValue().fingerprint() + " " + e.getValue().finite());
        }
        System.out.println("DONE");
    }
}
