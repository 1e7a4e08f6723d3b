package org.mtl4j.core.model;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Rebuilds an encoder design or a way of sharing from the spec a saved model recorded ({@link EncoderFactory#spec()},
 * {@link Architecture#spec()}). {@code mtl-core} knows no architecture; the modules that define them register a
 * provider in {@code META-INF/services/org.mtl4j.core.model.ModelComponents} ({@code mtl-architectures} does), and
 * {@code MultiTaskModel.load} asks every provider on the class path in turn.
 */
public interface ModelComponents {

    /**
     * @param spec a spec as {@link Architecture#spec()} writes it
     * @return the architecture, if this provider knows the spec
     * @throws IllegalArgumentException when it knows the name but an option is invalid
     */
    Optional<Architecture> architecture(String spec);

    /**
     * @param spec a spec as {@link EncoderFactory#spec()} writes it
     * @return the encoder design, if this provider knows the spec
     * @throws IllegalArgumentException when it knows the name but an option is invalid
     */
    Optional<EncoderFactory> encoder(String spec);

    /**
     * Finds an architecture among the registered providers.
     *
     * @param spec the spec
     * @return the architecture
     * @throws IllegalArgumentException when no provider knows it (is {@code mtl-architectures} on the class path?)
     */
    static Architecture findArchitecture(String spec) {
        for (ModelComponents c : ServiceLoader.load(ModelComponents.class)) {
            Optional<Architecture> a = c.architecture(spec);
            if (a.isPresent()) {
                return a.get();
            }
        }
        throw new IllegalArgumentException("no architecture '" + spec + "' on the class path; is the module that "
                + "defines it (mtl-architectures for the built-in ones) a dependency?");
    }

    /**
     * Finds an encoder design among the registered providers.
     *
     * @param spec the spec
     * @return the design
     * @throws IllegalArgumentException when no provider knows it
     */
    static EncoderFactory findEncoder(String spec) {
        for (ModelComponents c : ServiceLoader.load(ModelComponents.class)) {
            Optional<EncoderFactory> e = c.encoder(spec);
            if (e.isPresent()) {
                return e.get();
            }
        }
        throw new IllegalArgumentException("no encoder '" + spec + "' on the class path; is the module that "
                + "defines it (mtl-architectures for the built-in ones) a dependency?");
    }
}
