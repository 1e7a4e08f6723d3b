package org.mtl4j.losses;

/** Closes strategies that hold native memory, for the wrappers. */
final class Closing {

    private Closing() {}

    /**
     * Closes the strategy if it holds resources.
     *
     * @param strategy any strategy
     */
    static void close(Object strategy) {
        if (strategy instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing strategy " + strategy + " failed: " + e.getMessage(), e);
            }
        }
    }
}
