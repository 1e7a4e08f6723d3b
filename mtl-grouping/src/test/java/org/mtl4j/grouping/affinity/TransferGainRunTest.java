package org.mtl4j.grouping.affinity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtl4j.architectures.Architectures;
import org.mtl4j.architectures.Encoders;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.data.InMemoryMultiTaskDataset;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.datasets.SyntheticScenes;
import org.mtl4j.grouping.affinity.TransferGainRun.Options;

/**
 * The whole method on the synthetic scenes at a small size: one hard-sharing network trained with Adam on five tasks
 * while the optimiser-aware gains are measured, the three files written, the groups chosen for every budget, and the
 * same groups chosen again from the gains file alone.
 */
class TransferGainRunTest {

    private static final List<String> LETTERS = List.of("s", "d", "n", "k", "e");

    @Test
    void trainsMeasuresWritesAndChoosesGroupsOnTheSyntheticScenes(@TempDir Path dir) throws IOException {
        InMemoryMultiTaskDataset train = SyntheticScenes.render(LETTERS, 16, 42, 0, 32, 1);
        InMemoryMultiTaskDataset val = SyntheticScenes.render(LETTERS, 16, 42, 1000, 8, 1);
        TrainingSettings settings = TrainingSettings.builder().epochs(2).batchSize(8).learningRate(2e-3f).seed(42)
                .progressBar(false).verbose(false).build();
        Options paper = Options.paper(2, 5);
        TransferGainRun.Result result;
        try (MultiTaskModel model = MultiTask.builder().input(3, 16, 16).encoder(Encoders.resNet(4))
                .sharing(Architectures.hardSharing()).tasks(SyntheticScenes.tasks(LETTERS)).settings(settings)
                .build()) {
            result = TransferGainRun.run(model, train, val, paper, dir);
        }
        TransferGains gains = result.gains();
        assertEquals(LETTERS, gains.tasks());
        assertEquals(4, gains.measurements(), "8 steps, measured at steps 0, 2, 4 and 6");
        assertEquals(5 + 15, gains.sources().size(), "5 singles, 10 pairs and 5 self-pairs");
        double[][] s = gains.pairGains();
        double diagonal = 0;
        for (int i = 0; i < 5; i++) {
            for (int t = 0; t < 5; t++) {
                assertTrue(Double.isFinite(s[i][t]) && Double.isFinite(gains.singles().z()[i][t])
                        && Double.isFinite(gains.transferMatrix()[i][t]), gains.toTable());
            }
            diagonal += s[i][i];
        }
        assertTrue(diagonal > 0, "on average a task's own update lowers its own loss:\n" + gains.toTable());
        assertEquals(2, result.history().epochs().size());

        // the files: the gains read back exactly, TAG's matrix, and the groups per budget
        TransferGains read = TransferGains.read(dir.resolve(TransferGainRun.GAINS_FILE));
        assertEquals(gains, read);
        AffinityMatrix singles = AffinityMatrix.read(dir.resolve(TransferGainRun.AFFINITY_FILE));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(gains.singles().z()[i], singles.z()[i], 0);
        }
        List<TransferGainRun.Choice> again = TransferGainRun.chooseGroups(read, paper);
        assertEquals(result.choices(), again, "the same groups from the file alone");
        assertEquals(TransferGainRun.groupsCsv(again),
                Files.readString(dir.resolve(TransferGainRun.GROUPS_FILE)));

        // the paper's program: exactly b distinct groups covering every task, for b = 1 … 5
        assertEquals(5, result.choices().size());
        for (int b = 1; b <= 5; b++) {
            assertEquals(b, result.choices().get(b - 1).budget());
            OverlappingGroups.Result r = result.choices().get(b - 1).groups();
            assertEquals(b, r.masks().size());
            Set<String> covered = new HashSet<>();
            r.groups().forEach(covered::addAll);
            assertEquals(new HashSet<>(LETTERS), covered, r.label());
            assertEquals(OverlappingGroups.exhaustive(read.groupValues(TransferGains.Estimate.PAPER, 5),
                    OverlappingGroups.Objective.GROUP_SUM, b, true), r, "budget " + b);
        }

        // the same gains under TAG's objective (each task in its best group, at most b groups) and pairs at most
        Options tagLike = new Options(2, true, TransferGains.Estimate.PAIR_MEAN,
                OverlappingGroups.Objective.BEST_GROUP, false, 5, 2);
        List<TransferGainRun.Choice> best = TransferGainRun.chooseGroups(read, tagLike);
        assertEquals(3, best.get(0).budget(), "five tasks in groups of at most two need three groups");
        assertEquals(3, best.size(), "budgets 3, 4 and 5");
        List<String> labels = new ArrayList<>();
        for (TransferGainRun.Choice c : best) {
            OverlappingGroups.Result r = c.groups();
            labels.add(r.label());
            assertTrue(r.masks().size() <= c.budget() && r.groups().stream().allMatch(g -> g.size() <= 2), r.label());
        }
        for (int i = 1; i < best.size(); i++) {
            assertTrue(best.get(i).groups().objective() >= best.get(i - 1).groups().objective() - 1e-12,
                    "more groups never serve the tasks worse: " + labels);
        }
        System.out.println(gains.toTable());
        System.out.println("paper's program:\n" + TransferGainRun.groupsTable(result.choices()));
        System.out.println("best group, pairs at most:\n" + TransferGainRun.groupsTable(best));
    }
}
