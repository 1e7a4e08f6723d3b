package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.common.collect.ImmutableList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.weighting.GradientMode;

/** The factory class: command-line names, gradient-mode support and argument checks. */
class ArchitecturesTest {

    private static final List<String> NAMES = List.of("hps", "soft", "cross-stitch", "mtan", "padnet", "mmoe", "cgc",
            "ple", "dselect-k", "nddr-cnn", "mtinet", "ltb");
    /** Networks of one column per task (or branch): no single representation every head reads. */
    private static final List<String> COLUMNS = List.of("soft", "cross-stitch", "nddr-cnn", "ltb");

    @Test
    void everyCommandLineNameBuildsItsArchitecture() {
        assertEquals(String.join(", ", NAMES) + ", branched:tree=TREE, branched:affinity=FILE,budget=B",
                Architectures.NAMES);
        List<Class<? extends MultiTaskBlock>> blocks = List.of(HardSharingBlock.class, SoftSharingBlock.class,
                CrossStitchBlock.class, MtanBlock.class, PadNetBlock.class, MmoeBlock.class, CgcBlock.class,
                PleBlock.class, DSelectKBlock.class, NddrCnnBlock.class, MtiNetBlock.class,
                LearningToBranchBlock.class);
        for (int i = 0; i < NAMES.size(); i++) {
            Architecture a = Architectures.byName(NAMES.get(i));
            assertEquals(NAMES.get(i), a.name());
            MultiTaskBlock block = a.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
            assertEquals(blocks.get(i), block.getClass());
            assertEquals(Fixtures.TASKS.stream().map(t -> t.name()).toList(), block.taskNames());
        }
        MultiTaskBlock branched = Architectures.byName("branched:tree=seg+reg+nrm|seg+reg/nrm").create(Fixtures.INPUT,
                Fixtures.TASKS, Encoders.resNet(4));
        assertEquals(BranchedBlock.class, branched.getClass());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Architectures.byName("nddr"));
        assertTrue(e.getMessage().contains("'nddr'") && e.getMessage().contains(Architectures.NAMES),
                e.getMessage());
    }

    @Test
    void representationModeOnlyWhereAllHeadsReadOneRepresentation() {
        for (String name : NAMES) {
            Architecture a = Architectures.byName(name);
            boolean columns = COLUMNS.contains(name);
            MultiTaskBlock block = a.create(Fixtures.INPUT, Fixtures.TASKS, Encoders.resNet(4));
            assertTrue(block.supports(GradientMode.NONE), name);
            assertTrue(block.supports(GradientMode.PARAMETERS), name);
            assertEquals(!columns, block.supports(GradientMode.REPRESENTATION), name);
            assertEquals(!columns, block.hasSharedRepresentation(), name);
        }
    }

    @Test
    void badArgumentsAreRejectedWithTheirValue() {
        assertMessage(() -> Architectures.mmoe(0), "at least one expert, got 0");
        assertMessage(() -> Architectures.softSharing(Double.NaN), "got NaN");
        assertMessage(() -> Architectures.crossStitch(0.9, Double.POSITIVE_INFINITY), "got Infinity");
        assertMessage(() -> Architectures.padNet(-2, 8), "got -2");
        assertMessage(() -> Architectures.mtan(0), "head width must be positive, got 0");
        assertMessage(() -> Architectures.mtan().create(new Shape(3, 8), Fixtures.TASKS, Encoders.resNet(4)),
                "(3, 8)");
        assertMessage(() -> Architectures.crossStitch().create(Fixtures.INPUT, ImmutableList.of(),
                Encoders.resNet(4)), "at least one task");
    }

    @Test
    void singleTaskVersionsExistForBaselines() {
        try (NDManager m = NDManager.newBaseManager()) {
            for (String name : NAMES) {
                MultiTaskBlock block = Fixtures.create(Architectures.byName(name), Fixtures.INPUT,
                        Fixtures.TASKS.subList(0, 1), Encoders.resNet(4), m);
                assertEquals(List.of("seg"), block.taskNames());
                NDList out = block.forward(new ParameterStore(m, false),
                        new NDList(m.randomNormal(Stages.batched(Fixtures.INPUT, 2))), false);
                assertEquals(new Shape(2, 3, 8, 8), out.get(0).getShape(), name);
                assertEquals(1 + block.deepSupervision().size(), out.size(), name);
                assertFalse(block.sharedParameters().isEmpty(), name);
            }
        }
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
