package org.mtl4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableSet;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;

/** Command-line names, arguments, modes and the messages of bad specifications. */
class WeightingsTest {

    @Test
    void everyNameResolvesAndIsListed() {
        for (String spec : Strategies.SPECS) {
            LossWeighting w = Weightings.byName(spec, 3);
            assertEquals(spec.contains("(") ? spec : spec.split(":")[0], w.name());
            int open = spec.indexOf('(');
            assertTrue(Weightings.NAMES.contains(open < 0 ? spec.split(":")[0] : spec.substring(0, open + 1)), spec);
        }
        assertEquals("fixed", Weightings.byName("fixed:1,0.5,2", 3).name());
    }

    @Test
    void argumentsReachTheStrategies() {
        assertEquals("dwa:3.5", Weightings.byName("dwa:3.5", 3).toString());
        assertEquals("gradnorm:0.5", Weightings.byName("gradnorm:0.5", 3).toString());
        assertEquals("cagrad:0.2", Weightings.byName("cagrad:0.2", 3).toString());
        assertEquals("nash:2.0", Weightings.byName("nash:2", 3).toString());
        assertEquals("uw:0.0", Weightings.byName("uw:0", 3).toString());
        assertEquals("graddrop:0.1", Weightings.byName("graddrop:0.1", 3).toString());
        assertEquals("dtp:2.0", Weightings.byName("dtp:2", 3).toString());
        assertEquals("famo:0.01", Weightings.byName("famo:0.01", 3).toString());
    }

    @Test
    void gradientModesFollowThePapers() {
        ImmutableSet<GradientMode> none = ImmutableSet.of(GradientMode.NONE);
        for (String s : new String[] {"uw", "dwa", "dtp", "rlw", "gls", "famo"}) {
            assertEquals(none, Weightings.byName(s, 3).gradientModes(), s);
        }
        for (String s : new String[] {"pcgrad", "cagrad", "nash"}) {
            assertEquals(ImmutableSet.of(GradientMode.PARAMETERS), Weightings.byName(s, 3).gradientModes(), s);
        }
        assertEquals(ImmutableSet.of(GradientMode.REPRESENTATION), Weightings.gradDrop().gradientModes());
        for (String s : new String[] {"mgda", "imtl", "gradnorm"}) {
            assertEquals(ImmutableSet.of(GradientMode.PARAMETERS, GradientMode.REPRESENTATION),
                    ImmutableSet.copyOf(Weightings.byName(s, 3).gradientModes()), s);
        }
    }

    @Test
    void badSpecificationsNameTheCulprit() {
        assertMessage("unknown weighting 'gradsurgery'", () -> Weightings.byName("gradsurgery", 3));
        assertMessage("'two' is not a number", () -> Weightings.byName("dwa:two", 3));
        assertMessage("'pcgrad' takes no arguments", () -> Weightings.byName("pcgrad:1", 3));
        assertMessage("temperature", () -> Weightings.byName("dwa:0", 3));
        assertMessage("gradnorm: alpha", () -> Weightings.byName("gradnorm:-1", 3));
        assertMessage("cagrad: alpha (c)", () -> Weightings.byName("cagrad:-0.5", 3));
        assertMessage("graddrop: leak", () -> Weightings.byName("graddrop:2", 3));
        assertMessage("nash: max norm", () -> Weightings.byName("nash:-1", 3));
        assertMessage("famo: logit learning rate", () -> Weightings.byName("famo:0", 3));
        assertMessage("dtp: smoothing", () -> Weightings.dtp(1, 0));
        assertMessage("gives 2 values for 3 tasks", () -> Weightings.byName("fixed:1,2", 3));
        assertMessage("no weighting given", () -> Weightings.byName(" ", 3));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
