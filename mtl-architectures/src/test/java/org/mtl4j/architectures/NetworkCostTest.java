package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.convolutional.Conv2dTranspose;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import com.google.common.collect.ImmutableList;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.model.MultiTaskBlock;

/** Parameters and multiply-adds of hand-computed networks, and of the library's blocks against closed forms. */
class NetworkCostTest {

    @Test
    void convolutionAndLinearLayersByHand() {
        try (NDManager m = NDManager.newBaseManager()) {
            SequentialBlock net = new SequentialBlock()
                    // 3 → 4 channels, 3×3, stride 1, padding 1, bias: 8×8 output
                    .add(Conv2d.builder().setFilters(4).setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                            .build())
                    .add(BatchNorm.builder().build())
                    .add(Activation::relu)
                    // 4 → 6 channels, 1×1, 2 groups, stride 2: 4×4 output
                    .add(Conv2d.builder().setFilters(6).setKernelShape(new Shape(1, 1)).optStride(new Shape(2, 2))
                            .optGroups(2).build())
                    .add(Pool.globalAvgPool2dBlock())
                    .add(Blocks.batchFlattenBlock())
                    .add(Linear.builder().setUnits(5).build());
            net.initialize(m, DataType.FLOAT32, new Shape(2, 3, 8, 8));
            NetworkCost cost = NetworkCost.of(net);
            long conv1Params = 4 * 3 * 9 + 4;
            long conv1Macs = 8 * 8 * 4 * 3 * 9; // out_H · out_W · out_C · in_C · kH · kW
            long bnParams = 2 * 4; // γ and β; the running statistics are not parameters
            long conv2Params = 6 * 2 + 6; // weight (6, 4/2, 1, 1) + bias
            long conv2Macs = 4 * 4 * 6 * 2; // in_C / groups = 2
            long linearParams = 6 * 5 + 5;
            long linearMacs = 6 * 5;
            ImmutableList<NetworkCost> c = cost.children();
            assertEquals(7, c.size());
            assertEquals(conv1Params, c.get(0).parameters());
            assertEquals(conv1Macs, c.get(0).multiplyAdds());
            assertEquals(bnParams, c.get(1).parameters());
            assertEquals(0, c.get(1).multiplyAdds(), "batch norm is not counted");
            assertEquals(0, c.get(2).multiplyAdds(), "activations are not counted");
            assertEquals(conv2Params, c.get(3).parameters());
            assertEquals(conv2Macs, c.get(3).multiplyAdds());
            assertEquals(0, c.get(4).multiplyAdds(), "pooling is not counted");
            assertEquals(linearMacs, c.get(6).multiplyAdds());
            assertEquals(conv1Params + bnParams + conv2Params + linearParams, cost.parameters());
            assertEquals(conv1Macs + conv2Macs + linearMacs, cost.multiplyAdds());
            assertEquals("Conv2d", c.get(0).type());
            assertEquals(c.get(0), cost.child(c.get(0).name()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cost.child("nope"));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            assertTrue(cost.toTable(1).contains("Conv2d"), cost.toTable(1));
            assertTrue(cost.toString().startsWith((conv1Params + bnParams + conv2Params + linearParams)
                    + " parameters"), cost.toString());
        }
    }

    @Test
    void countsArePerSampleWhateverTheBatch() {
        for (long batch : new long[] {1, 5}) {
            try (NDManager m = NDManager.newBaseManager()) {
                Linear dense = Linear.builder().setUnits(5).build();
                dense.initialize(m, DataType.FLOAT32, new Shape(batch, 7, 10)); // 7 positions of 10 features
                assertEquals(7 * 10 * 5, NetworkCost.of(dense).multiplyAdds());
                assertEquals(10 * 5 + 5, NetworkCost.of(dense).parameters());
                Conv2d conv = Conv2d.builder().setFilters(2).setKernelShape(new Shape(3, 3))
                        .optStride(new Shape(2, 2)).optPadding(new Shape(1, 1)).optBias(false).build();
                conv.initialize(m, DataType.FLOAT32, new Shape(batch, 3, 9, 7)); // odd sizes: 5×4 output
                assertEquals(5 * 4 * 2 * 3 * 9, NetworkCost.of(conv).multiplyAdds());
            }
        }
    }

    @Test
    void transposedConvolutionCountsPerInputPosition() {
        try (NDManager m = NDManager.newBaseManager()) {
            Conv2dTranspose up = Conv2dTranspose.builder().setFilters(2).setKernelShape(new Shape(2, 2))
                    .optStride(new Shape(2, 2)).optBias(false).build();
            up.initialize(m, DataType.FLOAT32, new Shape(1, 3, 4, 4));
            assertEquals(3 * 2 * 4, NetworkCost.of(up).parameters());
            assertEquals(4 * 4 * 3 * 2 * 4, NetworkCost.of(up).multiplyAdds()); // in_H · in_W · in_C · out_C · kH·kW
        }
    }

    @Test
    void anUninitialisedBlockIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> NetworkCost.of(Linear.builder().setUnits(3).build()));
        assertTrue(e.getMessage().contains("initialise"), e.getMessage());
    }

    @Test
    void resNetStagesMatchTheirClosedForms() {
        BranchedTrees.ColumnCost column = BranchedTrees.ColumnCost.of(
                (StagedEncoderFactory) Encoders.resNet(4), new Shape(3, 8, 8));
        assertEquals(Fixtures.resNetCount(3, 4), column.totalParameters());
        // stage 0: stem 3→4 at 4×4 and two 4→4 convolutions at 4×4; stage 1: 4→8 at 2×2 and two 8→8 at 2×2
        assertEquals(16 * 4 * 27 + 2 * 16 * 4 * 36, column.multiplyAdds()[0]);
        assertEquals(4 * 8 * 36 + 2 * 4 * 8 * 72, column.multiplyAdds()[1]);
        assertEquals(9 * 3 * 4 + 2 * 4 + 2 * (9 * 16 + 2 * 4), column.parameters()[0]);
    }

    @Test
    void aWholeMultiTaskNetworkIsCountedHeadsIncluded() {
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBlock block = Fixtures.create(Architectures.hardSharing(8), Encoders.resNet(4), m);
            NetworkCost cost = NetworkCost.of(block);
            assertEquals(Fixtures.trainableCount(block), cost.parameters());
            assertEquals(Fixtures.resNetCount(3, 4), cost.child("encoder").parameters());
            // dense head on the 2×2 map of 8 channels: conv3×3 8→8 and conv1×1 8→C
            assertEquals(4 * 8 * 8 * 9 + 4 * 3 * 8, cost.child("head_seg").multiplyAdds());
        }
    }
}
