package org.mtl4j.cli;

import java.util.concurrent.Callable;
import org.mtl4j.core.RunProvenance;
import org.mtl4j.core.engine.ConvolutionGradientCheck;
import org.mtl4j.core.engine.EngineNumerics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mtl check-natives}: tells whether this machine's PyTorch natives compute float32 convolution gradients
 * correctly, with oneDNN's kernels and with the reference kernels mtl4j uses, by comparing them with float64 over the
 * channel counts, kernels and batch sizes the library builds. Exit status 0 when the backend mtl4j trains with passes.
 */
@Command(name = "check-natives", mixinStandardHelpOptions = true,
        description = {"Checks this machine's PyTorch natives: float32 convolution gradients against float64, with "
                + "oneDNN's kernels and with the reference kernels that mtl4j trains with.",
            "Exit status 0 when the kernels mtl4j trains with are right, 1 when they are not."})
final class CheckNativesCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--quick", description = "Only the few shapes that failed on libtorch 2.7.1 (under a second).")
    boolean quick;

    @Option(names = "--verbose", description = "Print every case, not only the wrong ones.")
    boolean verbose;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        EngineNumerics.State state = EngineNumerics.configure();
        var provenance = RunProvenance.describe();
        out.printf("engine %s %s, %s; mtl4j trains with: %s, MKL reproducible mode %s%n",
                provenance.get("engine"), provenance.get("engine_version"),
                System.getProperty("os.arch"), state.convolutions(), state.mklReproducible() ? "on" : "off");
        var cases = quick ? ConvolutionGradientCheck.quickPanel() : ConvolutionGradientCheck.fullPanel();
        Boolean before = EngineNumerics.oneDnnEnabled();
        boolean trainedPasses = true;
        if (before != null) {
            for (boolean oneDnn : new boolean[] {true, false}) {
                EngineNumerics.setOneDnnEnabled(oneDnn);
                ConvolutionGradientCheck.Report r = ConvolutionGradientCheck.run(cases);
                print(out, oneDnn ? "oneDNN kernels" : "reference kernels", r);
                if (oneDnn == before) {
                    trainedPasses = r.passed();
                }
            }
            EngineNumerics.setOneDnnEnabled(before);
        } else {
            ConvolutionGradientCheck.Report r = ConvolutionGradientCheck.run(cases);
            print(out, "the natives' default kernels (no oneDNN switch found)", r);
            trainedPasses = r.passed();
        }
        out.println(trainedPasses ? "result: the kernels mtl4j trains with are right"
                : "result: the kernels mtl4j trains with compute WRONG gradients on this machine");
        out.flush();
        return trainedPasses ? 0 : 1;
    }

    private void print(java.io.PrintWriter out, String label, ConvolutionGradientCheck.Report r) {
        out.printf("%s: %d of %d cases right%n", label, r.results().size() - r.failures().size(),
                r.results().size());
        for (ConvolutionGradientCheck.Result result : verbose ? r.results() : r.failures()) {
            out.println("  " + result);
        }
    }
}
