package org.mtl4j.architectures;

import ai.djl.nn.Block;
import org.mtl4j.core.model.EncoderFactory;

/**
 * An encoder design that can also be built stage by stage, for the architectures that act between the stages of
 * the encoder: cross-stitch networks mix the task columns after every stage, MTAN attends to every stage.
 *
 * <p>Stage {@code j} is a front block and a back block: {@code u_j = front_j(p_{j-1})}, {@code p_j = back_j(u_j)},
 * with {@code p_{-1} = x}. Running all stages in order computes the same function (with fresh parameters) as
 * {@link #create()}. The split follows MTAN (Liu et al., CVPR 2019, "End-to-End Multi-Task Learning with
 * Attention"), whose attention module at stage {@code j} reads the stage's first features {@code u_j} and masks
 * its last features {@code p_j}; cross-stitch units only use {@code p_j}.
 *
 * <p>{@link Encoders#resNet(int)} has two stages (stem + residual block, transition + residual block) and
 * {@link Encoders#mlp(int...)} one stage per layer. An {@link EncoderFactory} that is not staged is treated by the
 * staged architectures as a single stage whose back block is the identity. Implement this interface to give your
 * own encoder design more stitch or attention points.
 */
public interface StagedEncoderFactory extends EncoderFactory {

    /** @return the number of stages, at least one */
    int stageCount();

    /**
     * Makes a fresh front block of a stage: {@code p_{j-1} → u_j}.
     *
     * @param stage the stage index {@code j}, from 0
     * @return a new, uninitialised block
     */
    Block createStageFront(int stage);

    /**
     * Makes a fresh back block of a stage: {@code u_j → p_j}.
     *
     * @param stage the stage index {@code j}, from 0
     * @return a new, uninitialised block
     */
    Block createStageBack(int stage);

    /**
     * Returns the channels (features, for vector encoders) of the stage's output {@code p_j}.
     *
     * @param stage the stage index {@code j}, from 0
     * @return the channels
     */
    int stageChannels(int stage);
}
