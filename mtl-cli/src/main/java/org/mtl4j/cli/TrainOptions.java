package org.mtl4j.cli;

import java.nio.file.Path;

/**
 * The settings of one {@code mtl train} run, as parsed from the command line.
 *
 * @param data the data set name ({@code synthetic})
 * @param tasks the comma-separated task letters
 * @param arch the architecture name
 * @param weighting the weighting strategy ({@code equal} or {@code fixed:w1,w2,...})
 * @param epochs the epochs
 * @param out the output folder
 * @param size the image size in pixels
 * @param trainSamples the training samples
 * @param valSamples the validation samples
 * @param batchSize the batch size
 * @param learningRate the learning rate
 * @param width the encoder width
 * @param seed the seed of data, initialisation and order
 * @param threads rendering threads
 * @param baselines whether to train or reuse single-task baselines
 * @param baselineCache the folder of cached baselines
 * @param progress whether to draw progress bars
 * @param gradientMode auto, parameters or representation
 * @param monitor whether to record the strategy's weights and the task gradients' cosines per step
 */
public record TrainOptions(String data, String tasks, String arch, String weighting, int epochs, Path out, int size,
        int trainSamples, int valSamples, int batchSize, float learningRate, int width, long seed, int threads,
        boolean baselines, Path baselineCache, boolean progress, String gradientMode, boolean monitor) {}
