package org.mtl4j.core.training;

/**
 * Learning-rate schedules, over optimiser steps.
 */
public enum LearningRateSchedule {
    /** The base rate throughout. */
    CONSTANT,
    /** Cosine decay from the base rate to 1 % of it over all steps (Loshchilov and Hutter, ICLR 2017). */
    COSINE,
    /** Halve the rate every third of training (the StepLR(·, 0.5) of mtan and LibMTL, scaled to the run). */
    STEP
}
