package org.mtl4j.losses;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.provider.Arguments;
import org.mtl4j.core.weighting.GradientMode;

/** Every strategy of {@link Weightings}, in every gradient mode it supports, for parameterised tests. */
final class Strategies {

    /** The command-line names of all strategies but the fixed weights (tested in the core). */
    static final List<String> SPECS = List.of("equal", "uw", "dwa", "dtp", "rlw", "gls", "famo", "gradnorm",
            "graddrop", "pcgrad", "mgda", "cagrad", "imtl", "nash", "aligned", "upgrad", "dualproj", "config", "stch", "stch:1,1", "si-ls", "modo", "sdmgrad", "log-mgda", "log-cagrad", "log-imtl",
            "gradvac", "fairgrad", "moco", "moco:libmtl", "dbmtl", "excessmtl", "ema(mgda,0.9)", "groups(pcgrad,2)");

    /** Strategies whose task weights may be negative by design. */
    static final List<String> SIGNED = List.of("imtl", "aligned", "config", "log-imtl");

    private Strategies() {}

    /** @return (spec, mode) for every strategy and supported mode */
    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String spec : SPECS) {
            for (GradientMode mode : GradientMode.values()) {
                if (Weightings.byName(spec, 3).gradientModes().contains(mode)) {
                    out.add(Arguments.of(spec, mode));
                }
            }
        }
        return out;
    }
}
