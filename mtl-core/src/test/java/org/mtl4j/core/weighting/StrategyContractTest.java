package org.mtl4j.core.weighting;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import com.google.common.collect.ImmutableSet;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.testing.TestData;
import org.mtl4j.core.testing.TinyMultiTaskBlock;

/** A strategy that lists a mode whose contract it does not implement is refused at build(), not at the first step. */
class StrategyContractTest {

    @Test
    void aLossBasedStrategyClaimingParameterModeIsRefusedAtBuild() {
        LossBasedWeighting claims = new LossBasedWeighting() {
            @Override
            public String name() {
                return "claims";
            }

            @Override
            public ImmutableSet<GradientMode> gradientModes() {
                return ImmutableSet.of(GradientMode.PARAMETERS);
            }

            @Override
            public WeightedLoss weightLosses(NDList losses, NDList learnable, WeightingContext context) {
                throw new AssertionError("not reached");
            }
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> MultiTask.builder()
                .input(3, 8, 8).encoder(TinyMultiTaskBlock.encoderFactory()).sharing(TinyMultiTaskBlock.architecture())
                .tasks(TestData.tasks()).weighting(claims).build());
        assertTrue(e.getMessage().contains("'claims'") && e.getMessage().contains("GradientBasedWeighting"),
                e.getMessage());
    }
}
