package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;

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
        return ArchitectureSpecs.fullSpec(spec);
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
}
