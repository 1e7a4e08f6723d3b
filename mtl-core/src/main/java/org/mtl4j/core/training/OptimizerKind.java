package org.mtl4j.core.training;

/**
 * The optimisers that work with DJL's PyTorch engine (others throw "Not implemented" there).
 */
public enum OptimizerKind {
    /** Stochastic gradient descent with optional momentum and weight decay. */
    SGD,
    /** Adam (Kingma and Ba, ICLR 2015), with L2 weight decay. */
    ADAM,
    /** AdamW (Loshchilov and Hutter, ICLR 2019), with decoupled weight decay. */
    ADAMW
}
