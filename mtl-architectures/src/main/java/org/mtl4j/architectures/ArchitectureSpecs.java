package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.model.Architecture;

/**
 * Parses the architecture specifications: the command-line names ({@link Architectures#byName}, each mapped to its
 * {@link Architectures} factory with default settings) and the full specs with every option as
 * {@link Architecture#spec()} writes them ({@code ltb:search=3,tau=5.0,head=32}, for {@link BuiltInComponents} and
 * saved models); the {@code branched} forms go to {@link BranchedArchitecture#parse}.
 */
final class ArchitectureSpecs {

    /** The command-line names, as {@link Architectures#NAMES} publishes them. */
    static final String NAMES = "hps, soft, cross-stitch, mtan, padnet, mmoe, cgc, ple, dselect-k, nddr-cnn, "
            + "mtinet, ltb, branched:tree=TREE, branched:affinity=FILE,budget=B";

    private ArchitectureSpecs() {}

    /**
     * Parses a command-line name or a full spec.
     *
     * @param name the name, one of {@link #NAMES}, or a spec
     * @return the architecture
     * @throws IllegalArgumentException naming the unknown name and the available ones
     */
    static Architecture parse(String name) {
        if (name.equals(BranchedArchitecture.NAME) || name.startsWith(BranchedArchitecture.NAME + ":")) {
            return BranchedArchitecture.parse(name);
        }
        if (name.contains(":")) { // a full spec with options, as results.json and saved models record it
            return fullSpec(name).orElseThrow(() -> new IllegalArgumentException(
                    "unknown architecture '" + name + "'; available: " + NAMES));
        }
        switch (name) {
            case "hps":
                return Architectures.hardSharing();
            case "soft":
                return Architectures.softSharing();
            case "cross-stitch":
                return Architectures.crossStitch();
            case "mtan":
                return Architectures.mtan();
            case "padnet":
                return Architectures.padNet();
            case "mmoe":
                return Architectures.mmoe();
            case "nddr-cnn":
                return Architectures.nddrCnn();
            case "mtinet":
                return Architectures.mtiNet();
            case "ltb":
                return Architectures.learningToBranch();
            case "cgc":
                return Architectures.cgc();
            case "ple":
                return Architectures.ple();
            case "dselect-k":
                return Architectures.dselectK();
            default:
                throw new IllegalArgumentException("unknown architecture '" + name + "'; available: " + NAMES);
        }
    }

    /**
     * Parses a full spec, {@code name:key=value,...} with every option of the architecture.
     *
     * @param spec the spec
     * @return the architecture, empty when the name is not a built-in one
     * @throws IllegalArgumentException naming the spec and the bad, missing or unknown option
     */
    static Optional<Architecture> fullSpec(String spec) {
        String name = spec.split(":", 2)[0];
        Map<String, String> o = options(spec);
        Architecture a;
        switch (name) {
            case "hps":
                a = Architectures.hardSharing(integer(spec, o, "head"));
                break;
            case "soft":
                a = Architectures.softSharing(number(spec, o, "strength"), integer(spec, o, "head"));
                break;
            case "cross-stitch":
                String other = take(spec, o, "other");
                a = Architectures.crossStitch(number(spec, o, "self"),
                        other.equals("auto") ? Double.NaN : value(spec, "other", other), integer(spec, o, "head"));
                break;
            case "mtan":
                a = Architectures.mtan(integer(spec, o, "head"));
                break;
            case "padnet":
                a = Architectures.padNet(integer(spec, o, "channels"), integer(spec, o, "head"));
                break;
            case "mmoe":
                a = Architectures.mmoe(integer(spec, o, "experts"), integer(spec, o, "head"));
                break;
            case "nddr-cnn":
                a = Architectures.nddrCnn(number(spec, o, "alpha"), number(spec, o, "beta"),
                        integer(spec, o, "head"));
                break;
            case "mtinet":
                a = Architectures.mtiNet(integer(spec, o, "head"));
                break;
            case "ltb":
                a = Architectures.learningToBranch(integer(spec, o, "search"), number(spec, o, "tau"),
                        integer(spec, o, "head"));
                break;
            case "cgc":
                a = Architectures.cgc(integer(spec, o, "shared"), integer(spec, o, "specific"),
                        integer(spec, o, "head"));
                break;
            case "ple":
                a = Architectures.ple(integer(spec, o, "shared"), integer(spec, o, "specific"),
                        integer(spec, o, "head"));
                break;
            case "branched":
                a = BranchedArchitecture.parse(spec); // checks its own options
                o.clear();
                break;
            case "dselect-k":
                a = Architectures.dselectK(integer(spec, o, "experts"), integer(spec, o, "k"),
                        number(spec, o, "gamma"), number(spec, o, "entropy"), integer(spec, o, "head"));
                break;
            default:
                return Optional.empty();
        }
        checkArgument(o.isEmpty(), "architecture '%s': unknown options %s", spec, o.keySet());
        return Optional.of(a);
    }

    private static Map<String, String> options(String spec) {
        Map<String, String> o = new HashMap<>();
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            for (String kv : spec.substring(colon + 1).split(",")) {
                String[] p = kv.split("=", 2);
                checkArgument(p.length == 2, "architecture '%s': option '%s' is not key=value", spec, kv);
                o.put(p[0].trim(), p[1].trim());
            }
        }
        return o;
    }

    private static String take(String spec, Map<String, String> o, String key) {
        String v = o.remove(key);
        checkArgument(v != null, "architecture '%s': option '%s' is missing", spec, key);
        return v;
    }

    private static double value(String spec, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("architecture '" + spec + "': option " + key + "='" + value
                    + "' is not a number");
        }
    }

    private static double number(String spec, Map<String, String> o, String key) {
        return value(spec, key, take(spec, o, key));
    }

    private static int integer(String spec, Map<String, String> o, String key) {
        double v = number(spec, o, key);
        checkArgument(v == Math.rint(v), "architecture '%s': option %s must be a whole number", spec, key);
        return (int) v;
    }
}
