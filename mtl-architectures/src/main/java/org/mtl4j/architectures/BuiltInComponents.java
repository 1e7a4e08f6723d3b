package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.ModelComponents;

/**
 * The built-in architectures and encoders by the specs they write ({@code hps:head=32}, {@code resnet:16},
 * {@code mlp:64,32}, ...), for {@code MultiTaskModel.load}. Registered in
 * {@code META-INF/services/org.mtl4j.core.model.ModelComponents}.
 */
public final class BuiltInComponents implements ModelComponents {

    @Override
    public Optional<Architecture> architecture(String spec) {
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
                        other.equals("auto") ? Double.NaN : parse(spec, "other", other), integer(spec, o, "head"));
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

    @Override
    public Optional<EncoderFactory> encoder(String spec) {
        String[] parts = spec.split(":", 2);
        if (parts.length != 2 || !(parts[0].equals("resnet") || parts[0].equals("mlp"))) {
            return Optional.empty();
        }
        String[] items = parts[1].split(",");
        int[] widths = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                widths[i] = Integer.parseInt(items[i].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("encoder '" + spec + "': '" + items[i] + "' is not a width");
            }
        }
        if (parts[0].equals("resnet")) {
            checkArgument(widths.length == 1, "encoder '%s': a ResNet has one width", spec);
            return Optional.of(Encoders.resNet(widths[0]));
        }
        return Optional.of(Encoders.mlp(widths));
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

    private static double parse(String spec, String key, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("architecture '" + spec + "': option " + key + "='" + value
                    + "' is not a number");
        }
    }

    private static double number(String spec, Map<String, String> o, String key) {
        return parse(spec, key, take(spec, o, key));
    }

    private static int integer(String spec, Map<String, String> o, String key) {
        double v = number(spec, o, key);
        checkArgument(v == Math.rint(v), "architecture '%s': option %s must be a whole number", spec, key);
        return (int) v;
    }
}
