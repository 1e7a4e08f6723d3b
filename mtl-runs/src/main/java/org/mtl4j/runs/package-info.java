/**
 * Sweeps: one training per architecture × weighting × seed ({@link org.mtl4j.runs.SweepSpec}), run by a
 * {@link org.mtl4j.runs.SweepExecutor} — in this process, or as cluster tasks by {@code mtl-spark} — and
 * gathered into one table by {@link org.mtl4j.runs.SweepRun} ({@code mtl sweep}).
 */
package org.mtl4j.runs;
