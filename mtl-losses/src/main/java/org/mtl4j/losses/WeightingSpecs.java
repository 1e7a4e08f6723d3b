package org.mtl4j.losses;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import java.util.List;
import java.util.Optional;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightingProvider;

/**
 * Parses the command-line specifications of the strategies, {@code name[:argument]} ({@link Weightings#byName}):
 * the built-in names (each mapped to its {@link Weightings} factory), the {@code log-} prefix, the wrappers (which
 * {@link WrapperSpecs} parses) and the names that {@link WeightingProvider}s on the class path add.
 */
final class WeightingSpecs {

    /** The built-in names, as {@link Weightings#NAMES} publishes them. */
    static final String NAMES = "equal, fixed:w1,w2,..., uw[:s0], dwa[:T], dtp[:gamma], rlw, gls, famo[:lr], "
            + "autol[:lr[,init[,a+b...]]], "
            + "gradnorm[:alpha], graddrop[:leak], pcgrad, mgda, cagrad[:c], imtl, nash[:max_norm], "
            + "gradvac[:beta], fairgrad[:alpha], moco[:libmtl], dbmtl[:beta], excessmtl[:step], "
            + "aligned[:min|median|rmse], upgrad, dualproj, config, stch[:mu[,warmup]], si-ls, modo[:gamma[,rho]], "
            + "sdmgrad[:lambda], log-SPEC (log-mgda, log-cagrad, log-imtl, ...), ema(SPEC,beta), groups(SPEC[,N])";

    private WeightingSpecs() {}

    /**
     * Parses a specification.
     *
     * @param spec the specification
     * @param taskCount the number of tasks
     * @return the strategy
     * @throws IllegalArgumentException naming the unknown name or the bad argument
     */
    static LossWeighting parse(String spec, int taskCount) {
        checkArgument(spec != null && !spec.isBlank(), "no weighting given; available: %s", available());
        Optional<LossWeighting> wrapped = WrapperSpecs.parse(spec.trim(), taskCount);
        if (wrapped.isPresent()) {
            return wrapped.get();
        }
        int colon = spec.indexOf(':');
        String name = colon < 0 ? spec : spec.substring(0, colon);
        String args = colon < 0 ? "" : spec.substring(colon + 1);
        switch (name) {
            case "equal":
                noArguments(name, args);
                return Weightings.equal();
            case "fixed":
                return Weightings.fixed(numbers(spec, args, taskCount));
            case "uw":
                return args.isEmpty() ? Weightings.uncertainty() : Weightings.uncertainty(number(spec, args));
            case "dwa":
                return args.isEmpty() ? Weightings.dwa() : Weightings.dwa(number(spec, args));
            case "dtp":
                return args.isEmpty() ? Weightings.dtp()
                        : Weightings.dtp(number(spec, args), DynamicTaskPrioritization.DEFAULT_SMOOTHING);
            case "rlw":
                noArguments(name, args);
                return Weightings.rlw();
            case "gls":
                noArguments(name, args);
                return Weightings.gls();
            case "famo":
                return args.isEmpty() ? Weightings.famo()
                        : Weightings.famo(number(spec, args), Famo.DEFAULT_LOGIT_WEIGHT_DECAY);
            case "gradnorm":
                return args.isEmpty() ? Weightings.gradNorm() : Weightings.gradNorm(number(spec, args));
            case "graddrop":
                return args.isEmpty() ? Weightings.gradDrop() : Weightings.gradDrop(number(spec, args));
            case "pcgrad":
                noArguments(name, args);
                return Weightings.pcGrad();
            case "mgda":
                noArguments(name, args);
                return Weightings.mgda();
            case "cagrad":
                return args.isEmpty() ? Weightings.caGrad() : Weightings.caGrad(number(spec, args));
            case "imtl":
                noArguments(name, args);
                return Weightings.imtl();
            case "nash":
                return args.isEmpty() ? Weightings.nashMtl() : Weightings.nashMtl(number(spec, args));
            case "autol":
                return AutoLambda.fromArguments(args);
            case "stch":
                return Stch.fromArguments(args);
            case "si-ls":
                noArguments(name, args);
                return Weightings.scaleInvariant();
            case "modo":
                return MoDo.fromArguments(args);
            case "sdmgrad":
                return args.isEmpty() ? Weightings.sdmGrad() : Weightings.sdmGrad(number(spec, args));
            case "gradvac":
                return args.isEmpty() ? Weightings.gradVac() : Weightings.gradVac(number(spec, args));
            case "fairgrad":
                return args.isEmpty() ? Weightings.fairGrad() : Weightings.fairGrad(number(spec, args));
            case "moco":
                if (args.equals("libmtl")) {
                    return Weightings.moCoLibMtl();
                }
                noArguments(name, args);
                return Weightings.moCo();
            case "dbmtl":
                return args.isEmpty() ? Weightings.dbMtl()
                        : Weightings.dbMtl(number(spec, args), DbMtl.DEFAULT_BETA_SIGMA);
            case "excessmtl":
                return args.isEmpty() ? Weightings.excessMtl()
                        : Weightings.excessMtl(number(spec, args), ExcessMtl.DEFAULT_WARMUP_STEPS);
            case "aligned":
                return args.isEmpty() ? Weightings.alignedMtl() : Weightings.alignedMtl(args);
            case "upgrad":
                noArguments(name, args);
                return Weightings.upGrad();
            case "dualproj":
                noArguments(name, args);
                return Weightings.dualProj();
            case "config":
                noArguments(name, args);
                return Weightings.conFig();
            default:
                if (name.startsWith("log-") && name.length() > 4) {
                    return Weightings.logLosses(parse(spec.substring(4), taskCount));
                }
                return WeightingProvider.find(name).map(p -> p.create(args, taskCount)).orElseThrow(
                        () -> new IllegalArgumentException("unknown weighting '" + spec + "'; available: "
                                + available()));
        }
    }

    /**
     * The built-in strategies ({@link #NAMES}) and those that {@link WeightingProvider}s on the class path add.
     *
     * @return the names as written on the command line, comma-separated
     */
    static String available() {
        List<String> more = WeightingProvider.usages();
        return more.isEmpty() ? NAMES : NAMES + ", " + String.join(", ", more);
    }

    private static void noArguments(String name, String args) {
        checkArgument(args.isEmpty(), "weighting '%s' takes no arguments, got '%s'", name, args);
    }

    /**
     * Parses one numeric argument.
     *
     * @param spec the whole specification, for the message
     * @param arg the argument
     * @return its value
     * @throws IllegalArgumentException when it is not a number
     */
    static double number(String spec, String arg) {
        try {
            return Double.parseDouble(arg.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("weighting " + spec + ": '" + arg + "' is not a number");
        }
    }

    private static double[] numbers(String spec, String args, int expected) {
        List<String> parts = Splitter.on(',').trimResults().splitToList(args);
        checkArgument(parts.size() == expected, "weighting %s gives %s values for %s tasks", spec, parts.size(),
                expected);
        double[] w = new double[parts.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = number(spec, parts.get(i));
        }
        return w;
    }
}
