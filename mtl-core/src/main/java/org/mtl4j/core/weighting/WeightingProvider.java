package org.mtl4j.core.weighting;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Makes a balancing strategy available by name ({@code mtl train --weighting NAME[:ARGS]},
 * {@code Weightings.byName}) from any jar on the class path: a strategy is its {@link LossWeighting} class plus a
 * provider registered in {@code META-INF/services/org.mtl4j.core.weighting.WeightingProvider} (Java's
 * {@link ServiceLoader}). The built-in strategies of {@code mtl-losses} are found first; a provider cannot replace
 * them.
 */
public interface WeightingProvider {

    /** @return the name, as written before the optional {@code :ARGS} */
    String name();

    /** @return how to write it, for error messages and help, for example {@code mine[:alpha]} */
    default String usage() {
        return name();
    }

    /**
     * Creates the strategy, validating its arguments against the tasks.
     *
     * @param arguments what follows the {@code :}, empty when nothing does
     * @param taskCount the number of tasks
     * @return the strategy
     * @throws IllegalArgumentException naming the bad argument
     */
    LossWeighting create(String arguments, int taskCount);

    /**
     * The provider of a name among those on the class path.
     *
     * @param name the name
     * @return the provider, if one is registered
     */
    static Optional<WeightingProvider> find(String name) {
        for (WeightingProvider p : ServiceLoader.load(WeightingProvider.class)) {
            if (p.name().equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** @return the usages of every registered provider, in class-path order */
    static List<String> usages() {
        return ServiceLoader.load(WeightingProvider.class).stream().map(p -> p.get().usage()).toList();
    }
}
